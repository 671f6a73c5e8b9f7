// Receive: scan the dock or bin, then every item scan is a receipt of one unit (or one case)
// to it; the purchase order number is optional.
import * as feedback from "../feedback.js";
import { enqueue } from "../outbox.js";
import { locationFirst } from "../scan/lookup.js";
import { h, packText, quantityText, resultLine, scanOutcome, stepRow } from "./ui.js";

export function receiveView() {
  const state = { to: null, ref: "", received: new Map(), count: 0, last: null };
  const el = h("section", { class: "screen", id: "receive-screen" });
  const refInput = h("input", { id: "po-number", class: "text-input", autocomplete: "off", autocapitalize: "characters",
    placeholder: "optional", "aria-label": "Purchase order number" });
  refInput.addEventListener("input", () => { state.ref = refInput.value.trim(); });

  function render() {
    el.dataset.step = state.to ? "item" : "to";
    el.replaceChildren(
      h("h1", {}, "Receive"),
      h("p", { class: "prompt", id: "prompt" }, state.to ? "Scan each item (1 scan = 1 unit or case)" : "Scan the dock or bin"),
      h("ol", { class: "steps" }, stepRow("Into", state.to?.code, { current: !state.to, id: "step-to" })),
      h("label", { class: "field-label", for: "po-number" }, "PO number"), refInput,
      resultLine(state.last),
      h("p", { class: "tally" }, "Received on this screen: ", h("b", { id: "received-count" }, String(state.count))),
      h("ul", { class: "tally-list" }, [...state.received.values()].map((line) =>
        h("li", {}, h("b", {}, quantityText(line.qty, line.uom)), ` × ${line.name}`))));
  }

  const { refuse } = scanOutcome(state, render);

  // The purchase order barcode on a supplier's delivery note ("PO-5001"), or a transfer order's from another
  // warehouse of ours ("TO-2001"): the reference for what follows.
  const PO_NUMBER = /^(PO|TO)[-\s]?[A-Z0-9][A-Z0-9-]{0,60}$/i;

  async function onScan(scan) {
    if (scan.type === "unknown" && PO_NUMBER.test(scan.code)) {
      state.ref = scan.code.toUpperCase();
      refInput.value = state.ref;
      state.last = { kind: "info", text: `Receiving against ${state.ref}` };
      render();
      feedback.step();
      return;
    }
    if (scan.type === "unknown") return refuse("Unknown code", scan.code);
    const located = locationFirst(scan, { location: state.to, refuse, firstPrompt: "Scan the dock or bin first",
      onLocation: (location) => {
        state.to = location;
        state.last = { kind: "info", text: `Receiving into ${location.code}` };
        render();
        feedback.step();
      } });
    if (located) return;
    const movement = { kind: "receive", item: scan.sku, qty: 1, uom: scan.uom, to: state.to.code, ref: state.ref,
      lot: scan.lot, expiry: scan.expiry, label: scan.name };
    try {
      await enqueue(movement);
    } catch (error) {
      return refuse("Not saved, scan again", error.message);
    }
    const key = `${scan.sku}/${scan.uom}`;
    const line = state.received.get(key) || { name: scan.name, uom: scan.uom, qty: 0 };
    line.qty += 1;
    state.received.set(key, line);
    state.count += 1;
    const text = `Received ${quantityText(1, scan.uom)} × ${scan.name}`;
    state.last = { kind: "ok", text: [text, packText(scan)].filter(Boolean).join(" · ") };
    render();
    feedback.success(text, packText(scan) || state.to.code);
  }

  render();
  return { title: "Receive", el, onScan, scanning: true, actions: [] };
}
