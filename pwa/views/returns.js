// Returns: scan the order or return number, where the goods go (a bin, a dock or a quarantine location),
// choose what happens to them and why with big buttons, then every item scan is one returned unit (or case)
// with that decision: a `return` in the outbox, offline like every scan. The decision stays chosen for the
// next items, so a pile of the same kind of return is one tap and many scans.
import * as feedback from "../feedback.js";
import { enqueue } from "../outbox.js";
import { stockLocationProblem } from "../scan/lookup.js";
import { h, packText, quantityText, resultLine, scanOutcome, stepRow } from "./ui.js";

// The server's codes (webapp/domain/returns.py), in the warehouse's words.
const DISPOSITIONS = [
  { code: "restock", label: "Restock", note: "back on the shelf", tone: "go" },
  { code: "quarantine", label: "Quarantine", note: "held, never sold", tone: "warn" },
  { code: "scrap", label: "Scrap", note: "written off", tone: "stop" },
];
const REASONS = [
  ["damaged", "Damaged"], ["defective", "Defective"], ["wrong_item", "Wrong item"],
  ["unwanted", "Unwanted"], ["expired", "Expired"], ["other", "Other"],
];
// An order or return number on the paperwork ("SO-10042", "RMA-77"): letters, digits and dashes.
const REFERENCE = /^[A-Z0-9][A-Z0-9-]{1,63}$/i;

export function returnsView() {
  const state = { ref: "", to: null, disposition: null, reason: null, count: 0, tally: new Map(), last: null };
  const el = h("section", { class: "screen returns", id: "returns-screen" });
  const refInput = h("input", { id: "return-ref", class: "text-input", autocomplete: "off", autocapitalize: "characters",
    placeholder: "scan or type", "aria-label": "Order or return number" });
  refInput.addEventListener("input", () => { state.ref = refInput.value.trim(); render(); });

  const step = () => (!state.ref ? "ref" : !state.to ? "to" : !state.disposition || !state.reason ? "decide" : "item");
  const PROMPTS = { ref: "Scan the order or return number", to: "Scan where it goes: bin, dock or quarantine",
    decide: "Choose what happens to it and why", item: "Scan each returned item (1 scan = 1 unit or case)" };

  function choice(kind, code, label, { note, tone, chosen }) {
    return h("button", { type: "button", class: `choice ${tone || ""} ${chosen ? "chosen" : ""}`,
      id: `${kind}-${code}`, "aria-pressed": chosen ? "true" : "false", onclick: () => choose(kind, code) },
    h("span", { class: "choice-label" }, label), note ? h("span", { class: "choice-note" }, note) : null);
  }

  function render() {
    const now = step();
    el.dataset.step = now;
    el.replaceChildren(
      h("h1", {}, "Returns"),
      h("p", { class: "prompt", id: "prompt" }, PROMPTS[now]),
      h("label", { class: "field-label", for: "return-ref" }, "Order or return number"), refInput,
      h("ol", { class: "steps" }, stepRow("Into", state.to && `${state.to.code} (${state.to.kind})`,
        { current: now === "to", id: "step-to" })),
      resultLine(state.last), // near the top: on a phone the choices below would push it off the screen
      h("h2", {}, "What happens to it"),
      h("div", { class: "choices dispositions", role: "group", "aria-label": "Disposition" },
        DISPOSITIONS.map((d) => choice("disposition", d.code, d.label,
          { note: d.note, tone: d.tone, chosen: state.disposition === d.code }))),
      h("h2", {}, "Why it came back"),
      h("div", { class: "choices reasons", role: "group", "aria-label": "Reason" },
        REASONS.map(([code, label]) => choice("reason", code, label, { chosen: state.reason === code }))),
      h("p", { class: "tally" }, "Returned on this screen: ", h("b", { id: "returned-count" }, String(state.count))),
      h("ul", { class: "tally-list", id: "returned-list" }, [...state.tally.values()].map((line) =>
        h("li", {}, h("b", {}, quantityText(line.qty, line.uom)), ` × ${line.name} · ${line.disposition}`))));
  }

  const { refuse, accept } = scanOutcome(state, render);

  function choose(kind, code) {
    state[kind] = code;
    const problem = kind === "disposition" && placeProblem();
    if (problem) return refuse("Check where it goes", problem);
    accept(kind === "disposition" ? `${code} chosen` : `Reason: ${code.replace("_", " ")}`);
  }

  // The server flags a decision that does not fit its place; the screen says so before the scan is saved.
  function placeProblem() {
    if (!state.to || !state.disposition) return null;
    const inQuarantine = state.to.kind === "quarantine";
    if (state.disposition === "quarantine" && !inQuarantine) return `${state.to.code} is no quarantine location: scan one`;
    if (state.disposition === "restock" && inQuarantine) return `${state.to.code} is quarantine: restock goes to a bin`;
    return null;
  }

  async function onScan(scan) {
    if (scan.type === "location") {
      const problem = stockLocationProblem(scan.location);
      if (problem) return refuse("Not a stock location", problem);
      state.to = scan.location;
      const misfit = placeProblem();
      if (misfit) return refuse("Check where it goes", misfit);
      return accept(`Returns go into ${scan.code}`);
    }
    if (scan.type === "unknown") {
      if (!REFERENCE.test(scan.code)) return refuse("Unknown code", scan.code);
      state.ref = scan.code.toUpperCase();
      refInput.value = state.ref;
      return accept(`Returns for ${state.ref}`);
    }
    const now = step();
    if (now !== "item") return refuse(PROMPTS[now], scan.name);
    const misfit = placeProblem();
    if (misfit) return refuse("Check where it goes", misfit);
    const movement = { kind: "return", item: scan.sku, qty: 1, uom: scan.uom, to: state.to.code, ref: state.ref,
      disposition: state.disposition, reason: state.reason, lot: scan.lot, expiry: scan.expiry, label: scan.name };
    try {
      await enqueue(movement);
    } catch (error) {
      return refuse("Not saved, scan again", error.message);
    }
    const key = `${scan.sku}/${scan.uom}/${state.disposition}`;
    const line = state.tally.get(key) || { name: scan.name, uom: scan.uom, qty: 0, disposition: state.disposition };
    line.qty += 1;
    state.tally.set(key, line);
    state.count += 1;
    const text = `Returned ${quantityText(1, scan.uom)} × ${scan.name}: ${state.disposition}`;
    state.last = { kind: "ok", text: [text, packText(scan)].filter(Boolean).join(" · ") };
    render();
    feedback.success(text, `${state.to.code} · ${state.reason.replace("_", " ")}`);
  }

  render();
  return { title: "Returns", el, onScan, scanning: true, actions: [] };
}
