// Pick: the person's pick tasks (downloaded with GET /api/v1/tasks, kept in IndexedDB).
// Per line: go to the bin → scan bin → scan item → quantity → scan tote → `pick` with ref = order.
// "Short" reports what is missing at the bin (`short`).
import * as db from "../db.js";
import * as feedback from "../feedback.js";
import { enqueue } from "../outbox.js";
import { confirmDialog, h, packBadge, qtyControl, quantityText, resultLine, stepRow, validQty } from "./ui.js";

export function remaining(line) {
  const done = Math.max(line.picked || 0, line.picked_here || 0) + (line.shorted_here || 0);
  return Math.max(0, line.qty - done);
}

function bestBins(line) {
  return [...(line.bins || [])].sort((a, b) => String(a.walk_key ?? "").localeCompare(String(b.walk_key ?? "")));
}

function walkOrder(lines) {
  const key = (line) => String(bestBins(line)[0]?.walk_key ?? "~");
  return [...lines].sort((a, b) => key(a).localeCompare(key(b)) || a.line - b.line);
}

export function pickListView({ navigate }) {
  const list = h("div", { class: "work-list", id: "pick-list" });
  const el = h("section", { class: "screen" }, h("h1", {}, "Pick"), list);

  async function refresh() {
    const tasks = (await db.listTasks()).filter((task) => task.kind === "pick");
    const open = tasks.filter((task) => task.lines.some((line) => remaining(line) > 0));
    list.replaceChildren(...(open.length ? open.map((task) => {
      const toGo = task.lines.filter((line) => remaining(line) > 0).length;
      return h("a", { href: `#/pick/${encodeURIComponent(task.key)}`, class: "work-button" },
        h("span", { class: "work-label" }, task.order),
        h("span", { class: "work-count" }, `${toGo} of ${task.lines.length} lines to pick`));
    }) : [h("p", { class: "notice", id: "no-tasks" }, "No pick tasks. New ones arrive when you are online.")]));
  }
  refresh();
  return { title: "Pick", el, refresh, actions: [], onScan: async (scan) => {
    feedback.failure("Choose an order first", scan.code);
  } };
}

export function pickView({ navigate, params }) {
  const key = decodeURIComponent(params[0]);
  const state = { task: null, line: null, bin: null, item: null, qty: 1, tote: null, last: null };
  const el = h("section", { class: "screen", id: "pick-screen" });

  const step = () => (!state.bin ? "bin" : !state.item ? "item" : "tote");

  async function load() {
    state.task = await db.getTask(key);
    state.line = state.task ? walkOrder(state.task.lines).find((line) => remaining(line) > 0) || null : null;
    state.bin = null;
    state.item = null;
    render();
  }

  function render() {
    const { task, line } = state;
    if (!task) {
      el.replaceChildren(h("h1", {}, "Pick"), h("p", { class: "notice" }, "This task is no longer on this device."));
      return;
    }
    if (!line) {
      el.replaceChildren(h("h1", {}, `Order ${task.order}`), resultLine(state.last),
        h("p", { class: "prompt done", id: "prompt" }, "All lines picked"));
      return;
    }
    const now = step();
    const bins = bestBins(line).map((bin) => bin.location);
    const left = remaining(line);
    el.dataset.step = now;
    el.replaceChildren(
      h("h1", {}, `Order ${task.order}`),
      h("p", { class: "prompt", id: "prompt" },
        now === "bin" ? `Go to ${bins[0] || "?"} and scan it` : now === "item" ? `Scan ${line.name || line.item}` : "Scan the tote"),
      h("ol", { class: "steps" },
        stepRow("Bin", state.bin || bins.join(", "), { current: now === "bin" }),
        stepRow("Item", state.item ? state.item.name : line.name || line.item, {
          current: now === "item", note: [`${line.item} · pick ${left}`, " ", packBadge(state.item)] }),
        state.item ? h("li", { class: "step current qty" }, h("span", { class: "step-label" }, "Quantity"),
          qtyControl(state.qty, (qty) => { state.qty = qty; }, { unit: state.item.uom !== "EA" ? state.item.uom : "" })) : null,
        stepRow("Tote", state.tote ? `${state.tote} (scan it)` : null, { current: now === "tote" })),
      resultLine(state.last));
  }

  function refuse(text, detail) {
    state.last = { kind: "bad", text: detail ? `${text}: ${detail}` : text };
    render();
    feedback.failure(text, detail);
  }

  function accept(text) {
    state.last = { kind: "info", text };
    render();
    feedback.step();
  }

  async function onScan(scan) {
    const line = state.line;
    if (!line) return refuse("Nothing left to pick here", scan.code);
    if (scan.type === "unknown") return refuse("Unknown code", scan.code);
    const bins = (line.bins || []).map((bin) => bin.location);
    const now = step();
    if (now === "bin" || (now === "item" && scan.type === "location")) {
      if (scan.type !== "location" || !bins.includes(scan.code)) return refuse("Wrong bin", `go to ${bins.join(" or ")}`);
      state.bin = scan.code;
      return accept(`At ${scan.code}`);
    }
    if (now === "item" || (now === "tote" && scan.type === "item")) {
      if (scan.type !== "item" || scan.sku !== line.item) return refuse("Wrong item", `this line is ${line.name || line.item}`);
      const left = remaining(line);
      state.item = scan;
      state.qty = scan.factor > 1 ? Math.max(1, Math.floor(left / scan.factor)) : left;
      return accept(`${scan.name}: pick ${quantityText(state.qty, scan.uom)}`);
    }
    if (scan.location.kind !== "tote") return refuse("Scan a tote", `${scan.code} is a ${scan.location.kind}`);
    if (!validQty(state.qty)) return refuse("Check the quantity", "a whole number from 1");
    const base = state.qty * state.item.factor;
    if (base > remaining(line)) return refuse("Too many", `only ${remaining(line)} left on this line`);
    const movement = { kind: "pick", item: line.item, qty: state.qty, uom: state.item.uom, from: state.bin, to: scan.code,
      ref: state.task.order, lot: state.item.lot, expiry: state.item.expiry, label: state.item.name };
    try {
      await enqueue(movement);
    } catch (error) {
      return refuse("Not saved, scan again", error.message);
    }
    line.picked_here = Math.max(line.picked || 0, line.picked_here || 0) + base;
    await db.putTask(state.task);
    state.tote = scan.code;
    const text = `Picked ${quantityText(movement.qty, movement.uom)} × ${state.item.name}`;
    state.last = { kind: "ok", text: `${text} → ${scan.code}` };
    feedback.success(text, `→ ${scan.code}`);
    await load();
  }

  const short = h("button", { type: "button", class: "big-button warn", id: "short", onclick: async () => {
    const line = state.line;
    if (!line) return;
    const left = remaining(line);
    const bin = state.bin || bestBins(line)[0]?.location;
    const ok = await confirmDialog({ message: `Report ${left} × ${line.name || line.item} missing at ${bin}?`,
      confirm: "Report short", cancel: "Back to picking" });
    if (!ok) return;
    try {
      await enqueue({ kind: "short", item: line.item, qty: left, from: bin, ref: state.task.order, label: line.name });
    } catch (error) {
      return refuse("Not saved, try again", error.message);
    }
    line.shorted_here = (line.shorted_here || 0) + left;
    await db.putTask(state.task);
    state.last = { kind: "ok", text: `Short ${left} × ${line.name || line.item} reported` };
    feedback.success(`Short reported`, `${left} × ${line.item}`);
    await load();
  } }, "Short");
  const back = h("a", { href: "#/pick", class: "big-button" }, "Orders");

  load();
  return { title: "Pick", el, onScan, scanning: true, back: true, actions: [back, short] };
}
