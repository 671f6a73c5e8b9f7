// Dispatch at the dock: scan the dock door or outbound lane, then each carton's SSCC label. One
// `dispatch` per carton (the server issues its whole contents); works offline, like every scan.
import * as db from "../db.js";
import * as feedback from "../feedback.js";
import { enqueue, outboxEvents } from "../outbox.js";
import { ssccFromScan } from "../scan/sscc.js";
import { loadTransfer, shipUnit, TRANSFER_NUMBER, transferPanel } from "./transfer_ship.js";
import { clockTime, h, resultLine, scanOutcome, setChildren, stepRow } from "./ui.js";

const DOOR_KINDS = new Set(["dock", "outbound"]);
const LOG_KEPT = 200; // the running list: today's cartons from this device, newest first

// The order a carton was packed for on this device, when it ships with less than was ordered.
// (A carton packed elsewhere: the server flags the dispatch `partial_order` in the sync answer.)
async function partialOrder(sscc) {
  const order = (await db.listOrders()).find((o) => (o.cartons || []).some((c) => c.sscc === sscc));
  if (!order) return null;
  const short = (order.lines || []).reduce((sum, line) => sum + Math.max(0, line.qty - (line.packed || 0)
    - (order.local || []).filter((l) => l.item === line.item).reduce((n, l) => n + l.qty, 0)), 0);
  return short > 0 ? { number: order.number, short } : null;
}

export function dispatchView() {
  const state = { door: null, log: [], waiting: new Set(), refused: new Set(), last: null, transfer: null };
  const list = h("ul", { class: "cards dispatch-list", id: "dispatched" });
  const el = h("section", { class: "screen", id: "dispatch-screen" });

  function render() {
    el.dataset.step = !state.door ? "door" : state.transfer ? "transfer" : "carton";
    const here = state.log.filter((entry) => entry.door === state.door);
    setChildren(el, 
      h("h1", {}, "Dispatch"),
      h("p", { class: "prompt", id: "prompt" }, !state.door ? "Scan the dock door or outbound lane"
        : state.transfer ? `Scan each item for ${state.transfer.number} (1 scan = 1 unit or case)`
          : "Scan each carton's SSCC label (or a transfer order number)"),
      h("ol", { class: "steps" }, stepRow("Door", state.door, { current: !state.door, id: "step-door" })),
      resultLine(state.last),
      state.transfer ? transferPanel(state.transfer, () => { state.transfer = null; state.last = null; render(); }) : null,
      h("p", { class: "tally" }, "Cartons dispatched here: ", h("b", { id: "dispatched-count" }, String(here.length))),
      list);
    list.replaceChildren(...(state.log.length ? state.log.map((entry) => {
      const status = state.refused.has(entry.id) ? "refused" : state.waiting.has(entry.id) ? "waiting" : "sent";
      return h("li", { class: `card dispatch-card ${status}`, dataset: { sscc: entry.sscc, status } },
        h("p", { class: "card-title" }, entry.sscc),
        h("p", { class: "muted" }, `${entry.door} · ${clockTime(entry.at)} · `,
          h("b", { class: `dispatch-status ${status}` }, status === "waiting" ? "waiting to send" : status)));
    }) : [h("li", { class: "muted" }, "No cartons dispatched from this device yet.")]));
  }

  async function refresh() {
    const [{ dispatch_door: door, dispatch_log: log }, waiting, attention] = await Promise.all([
      db.getMetas(["dispatch_door", "dispatch_log"]), db.outboxInOrder(), db.listAttention()]);
    state.door = state.door || door || null;
    state.log = log || [];
    state.waiting = new Set(waiting.map((m) => m.id));
    state.refused = new Set(attention.map((entry) => entry.id));
    render();
  }

  const { refuse } = scanOutcome(state, render);

  async function onScan(scan) {
    if (scan.type === "location" && DOOR_KINDS.has(scan.location.kind)) {
      state.door = scan.code;
      await db.setMeta({ dispatch_door: scan.code });
      state.last = { kind: "info", text: `Loading at ${scan.code}` };
      render();
      feedback.step();
      return;
    }
    if (scan.type === "unknown" && TRANSFER_NUMBER.test(scan.code)) return startTransfer(scan.code);
    if (scan.type === "item" && state.transfer) return shipForTransfer(scan); // else: not a carton label, below
    const sscc = scan.type === "location" && scan.location.kind === "carton" ? scan.code : ssccFromScan(scan.code);
    if (!sscc) return refuse("Not a carton label", `${scan.code}: scan the SSCC (00) barcode`);
    if (!state.door) return refuse("Scan the dock door first", sscc);
    const [log, attention] = await Promise.all([db.getMeta("dispatch_log"), db.listAttention()]);
    const refused = new Set(attention.map((entry) => entry.id)); // a refused scan may be scanned again
    if ((log || []).some((entry) => entry.sscc === sscc && !refused.has(entry.id))) return refuse("Already dispatched", sscc);
    const at = new Date().toISOString();
    try {
      await enqueue({ kind: "dispatch", from: sscc, to: state.door, label: "carton" }, { // the whole carton: no qty
        also: (id) => [{ store: "meta", key: "dispatch_log", update: (kept) =>
          [{ id, sscc, door: state.door, at }, ...(kept || [])].slice(0, LOG_KEPT) }],
      });
    } catch (error) {
      return refuse("Not saved, scan again", error.message);
    }
    const missing = await partialOrder(sscc);
    if (missing) { // allowed (the rest follows), but the loader is told
      state.last = { kind: "warn", text: `Dispatched ${sscc}: partial order ${missing.number}, ${missing.short} to follow` };
      feedback.warning("Partial order", `${missing.number}: ${missing.short} to follow`);
    } else {
      state.last = { kind: "ok", text: `Dispatched ${sscc} at ${state.door}` };
      feedback.success("Dispatched", sscc);
    }
    await refresh();
  }

  async function startTransfer(code) {
    if (!state.door) return refuse("Scan the dock door first", code);
    try {
      state.transfer = await loadTransfer(code);
    } catch (error) {
      return refuse("No such transfer order", code);
    }
    state.last = { kind: "info", text: `Shipping transfer ${state.transfer.number} from ${state.door}` };
    render();
    feedback.step();
  }

  async function shipForTransfer(scan) {
    if (!state.door) return refuse("Scan the dock door first", scan.name);
    let shipped;
    try {
      shipped = await shipUnit(state.transfer, scan, state.door);
    } catch (error) {
      return refuse("Not saved, scan again", error.message);
    }
    if (shipped.unexpected) { // saved (the floor's fact) and flagged by the server; the loader is told now
      state.last = { kind: "warn", text: `${shipped.text}: not on ${state.transfer.number}` };
      feedback.warning("Not on this transfer", scan.name);
    } else {
      state.last = { kind: "ok", text: `${shipped.text} for ${state.transfer.number}` };
      feedback.success(shipped.text, state.transfer.number);
    }
    render();
  }

  const changeDoor = h("button", { type: "button", class: "big-button", id: "change-door", onclick: async () => {
    state.door = null;
    await db.setMeta({ dispatch_door: undefined });
    state.last = null;
    render();
  } }, "Change door");

  outboxEvents.addEventListener("changed", refresh);
  render();
  refresh();
  return { title: "Dispatch", el, onScan, refresh, scanning: true, actions: [changeDoor],
    destroy: () => outboxEvents.removeEventListener("changed", refresh) };
}
