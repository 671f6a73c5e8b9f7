// Count (blind): scan the location, scan every item in it (each scan adds one unit or case),
// then "Save count" queues one `count` per item. Expected quantities are never shown.
import * as feedback from "../feedback.js";
import { enqueue } from "../outbox.js";
import { stockLocationProblem } from "../scan/lookup.js";
import { h, quantityText, resultLine, scanOutcome, stepRow } from "./ui.js";

export function countView() {
  const state = { location: null, lines: new Map(), ref: "", saved: 0, last: null };
  const el = h("section", { class: "screen", id: "count-screen" });
  const refInput = h("input", { id: "count-ref", class: "text-input", autocomplete: "off", autocapitalize: "characters",
    placeholder: "optional", "aria-label": "Count number" });
  refInput.addEventListener("input", () => { state.ref = refInput.value.trim(); });

  function render() {
    el.replaceChildren(
      h("h1", {}, "Count"),
      h("p", { class: "prompt", id: "prompt" }, state.location ? "Scan every item here, then Save" : "Scan the location to count"),
      h("ol", { class: "steps" }, stepRow("Location", state.location?.code, { current: !state.location })),
      h("label", { class: "field-label", for: "count-ref" }, "Count number"), refInput,
      resultLine(state.last),
      h("ul", { class: "tally-list", id: "count-lines" }, [...state.lines.values()].map((line) =>
        h("li", {}, h("b", {}, quantityText(line.qty, line.uom)), ` × ${line.name}`))));
  }

  const { refuse } = scanOutcome(state, render);

  async function onScan(scan) {
    if (scan.type === "unknown") return refuse("Unknown code", scan.code);
    if (scan.type === "location") {
      const problem = stockLocationProblem(scan.location);
      if (problem) return refuse("Not a stock location", problem);
      if (state.lines.size && scan.code !== state.location.code) {
        return refuse("Save or clear first", `${state.location.code} has a count in progress`);
      }
      state.location = scan.location;
      state.last = { kind: "info", text: `Counting ${scan.code}` };
      render();
      feedback.step();
      return;
    }
    if (!state.location) return refuse("Scan the location first", scan.name);
    const key = `${scan.sku}/${scan.uom}`;
    const line = state.lines.get(key) || { sku: scan.sku, name: scan.name, uom: scan.uom, lot: scan.lot, qty: 0 };
    line.qty += 1;
    state.lines.set(key, line);
    state.last = { kind: "info", text: `${scan.name}: ${quantityText(line.qty, scan.uom)}` };
    render();
    feedback.step();
  }

  const save = h("button", { type: "button", class: "big-button go", id: "save-count", onclick: async () => {
    if (!state.location || !state.lines.size) return refuse("Nothing counted yet");
    try {
      for (const line of state.lines.values()) {
        await enqueue({ kind: "count", item: line.sku, qty: line.qty, uom: line.uom, to: state.location.code,
          ref: state.ref, lot: line.lot, label: line.name });
        state.lines.delete(`${line.sku}/${line.uom}`); // saved lines are never queued twice
      }
    } catch (error) {
      return refuse("Not all saved, press Save again", error.message);
    }
    const text = `Count of ${state.location.code} saved`;
    state.saved += 1;
    state.last = { kind: "ok", text };
    state.location = null;
    render();
    feedback.success(text);
  } }, "Save count");
  const clear = h("button", { type: "button", class: "big-button", onclick: () => {
    Object.assign(state, { location: null, last: null });
    state.lines.clear();
    render();
  } }, "Clear");

  render();
  return { title: "Count", el, onScan, scanning: true, actions: [clear], primary: save };
}
