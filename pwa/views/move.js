// Move stock: scan FROM, scan item, quantity, scan TO → one `transfer` in the outbox.
// Works fully offline: every scan is checked against the cached catalogue and locations.
import * as feedback from "../feedback.js";
import { enqueue } from "../outbox.js";
import { stockLocationProblem } from "../scan/lookup.js";
import { h, packBadge, qtyControl, quantityText, resultLine, scanOutcome, stepRow, validQty } from "./ui.js";

const PROMPTS = { from: "Scan FROM location", item: "Scan the item", to: "Scan TO location" };

export function moveView() {
  const state = { from: null, item: null, qty: 1, moved: 0, last: null };
  const el = h("section", { class: "screen", id: "move-screen" });

  const step = () => (!state.from ? "from" : !state.item ? "item" : "to");

  function render() {
    const now = step();
    el.dataset.step = now;
    el.replaceChildren(
      h("h1", {}, "Move stock"),
      h("p", { class: "prompt", id: "prompt" }, PROMPTS[now]),
      h("ol", { class: "steps" },
        stepRow("From", state.from?.code, { current: now === "from", id: "step-from" }),
        stepRow("Item", state.item && `${state.item.name}`, {
          current: now === "item", id: "step-item", note: state.item && [state.item.sku, " ", packBadge(state.item)] }),
        state.item ? h("li", { class: "step current qty" }, h("span", { class: "step-label" }, "Quantity"),
          qtyControl(state.qty, (qty) => { state.qty = qty; }, { unit: state.item.uom !== "EA" ? state.item.uom : "" })) : null,
        stepRow("To", null, { current: now === "to", id: "step-to" })),
      resultLine(state.last),
      h("p", { class: "tally" }, "Moved on this screen: ", h("b", { id: "moved-count" }, String(state.moved))));
  }

  const { refuse, accept } = scanOutcome(state, render);


  async function onScan(scan) {
    if (scan.type === "unknown") return refuse("Unknown code", scan.code);
    if (scan.type === "location") {
      const problem = stockLocationProblem(scan.location);
      if (problem) return refuse("Not a stock location", problem);
      if (step() !== "to") { // a location before the item is (a new) FROM
        state.from = scan.location;
        return accept(`From ${scan.code}`);
      }
      if (scan.code === state.from.code) return refuse("Same place", `FROM and TO are both ${scan.code}`);
      if (!validQty(state.qty)) return refuse("Check the quantity", "a whole number from 1");
      const item = state.item;
      const movement = { kind: "transfer", item: item.sku, qty: state.qty, uom: item.uom, from: state.from.code,
        to: scan.code, lot: item.lot, expiry: item.expiry, label: item.name };
      try {
        await enqueue(movement);
      } catch (error) {
        return refuse("Not saved, scan again", error.message);
      }
      const text = `Moved ${quantityText(movement.qty, movement.uom)} × ${item.name}`;
      state.moved += 1;
      state.item = null;
      state.qty = 1;
      state.last = { kind: "ok", text: `${text} · ${movement.from} → ${movement.to}` };
      render();
      feedback.success(text, `${movement.from} → ${movement.to}`);
      return;
    }
    // an item
    if (!state.from) return refuse("Scan the FROM location first", scan.name);
    if (state.item && state.item.sku === scan.sku && state.item.uom === scan.uom && (Number.isInteger(state.qty))) {
      state.qty += 1; // the same item again: one more
      return accept(`${scan.name}: ${quantityText(state.qty, scan.uom)}`);
    }
    state.item = scan;
    state.qty = 1;
    return accept(`${scan.name} (${scan.code})`);
  }

  const clear = h("button", { type: "button", class: "big-button", onclick: () => {
    Object.assign(state, { from: null, item: null, qty: 1, last: null });
    render();
  } }, "Clear");
  render();
  return { title: "Move stock", el, onScan, scanning: true, actions: [clear] };
}
