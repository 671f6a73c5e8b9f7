// Scanner setup (any role, on the device): the prefix and suffix keys this device's scanner sends around a
// label, where its hardware is set up to add them (pwa/scan/framing.js). With them a label is exactly what
// lies between the two, however slow the handheld. "Scan a test label" shows what one scan read, and whether
// the scanner really sent the prefix, so a wrong setting shows at once, not as a red "Unknown code" mid-shift.
import * as feedback from "../feedback.js";
import { framingProblem, keyName, saveScannerFraming, scannerFraming } from "../scan/framing.js";
import { h, resultLine, setChildren } from "./ui.js";

const BURST_GAP_MS = 3000; // keys further apart than this belong to different labels

export function scannerView() {
  const saved = scannerFraming();
  const state = { last: null, test: null };
  const el = h("section", { class: "screen", id: "scanner-screen" });
  const input = (id, label, value) => h("input", { id, class: "text-input framing-input", maxlength: "3", autocomplete: "off",
    autocapitalize: "off", spellcheck: "false", value, "aria-label": label, placeholder: "none" });
  const prefixInput = input("scanner-prefix", "Prefix", saved.prefix);
  const suffixInput = input("scanner-suffix", "Suffix", saved.suffix);
  // A key typed into these fields is the setting itself, not a scan: the wedge must leave it there.
  for (const field of [prefixInput, suffixInput]) field.dataset.noWedge = "true";

  // The keys of the label being scanned, as the scanner sent them (the terminator is the wedge's: not seen here).
  let keys = [];
  let lastKeyAt = -Infinity;
  const onKey = (event) => {
    if (event.target === prefixInput || event.target === suffixInput) return;
    if (event.timeStamp - lastKeyAt > BURST_GAP_MS) keys = [];
    lastKeyAt = event.timeStamp;
    if (event.key.length === 1 || /^F\d+$/.test(event.key)) keys.push(event.key);
  };
  window.addEventListener("keydown", onKey, true);

  function render() {
    const { prefix, suffix } = scannerFraming();
    el.dataset.prefix = prefix;
    el.dataset.suffix = suffix;
    setChildren(el, h("h1", {}, "Scanner setup"),
      h("p", { class: "muted" }, "Only if this scanner is set up to send a prefix or suffix key around each label "
        + "(a sign like ~ or $, or a function key like F12). Leave both empty for a scanner that ends labels with Enter."),
      h("div", { class: "framing-grid" },
        h("label", { for: "scanner-prefix", class: "field-label" }, "Prefix"), prefixInput,
        h("label", { for: "scanner-suffix", class: "field-label" }, "Suffix"), suffixInput),
      h("p", { id: "scanner-now" }, `Now: prefix ${keyName(prefix)}, suffix ${keyName(suffix)}`),
      resultLine(state.last),
      h("h2", {}, "Scan a test label"),
      h("div", { class: "card", id: "scanner-test", dataset: { ok: state.test ? String(state.test.ok) : "" } },
        state.test ? [h("p", { class: "card-title", id: "scanner-test-code" }, state.test.code),
          h("p", {}, state.test.text)] : h("p", { class: "muted" }, "Scan any label: what it read shows here.")));
  }

  const save = h("button", { type: "button", class: "big-button go", id: "scanner-save", onclick: () => {
    const prefix = prefixInput.value.trim();
    const suffix = suffixInput.value.trim();
    const problem = [["Prefix", prefix], ["Suffix", suffix]].map(([name, value]) => {
      const why = framingProblem(value);
      return why && `${name}: ${why}`;
    }).find(Boolean) || (prefix && prefix === suffix ? "Prefix and suffix must differ" : null);
    if (problem) {
      state.last = { kind: "bad", text: problem };
      render();
      return feedback.failure("Not saved", problem);
    }
    saveScannerFraming({ prefix, suffix });
    state.last = { kind: "ok", text: "Saved: scan a test label" };
    state.test = null;
    render();
    feedback.step();
  } }, "Save");

  function onScan(scan) {
    const { prefix } = scannerFraming();
    const sentPrefix = Boolean(prefix) && keys[0] === prefix;
    const ok = scan.type !== "unknown" && (!prefix || sentPrefix);
    const what = scan.type === "location" ? `location ${scan.code}` : scan.type === "item" ? `${scan.name} (${scan.sku})` : "not a known code";
    const frame = !prefix ? "No prefix set." : sentPrefix ? `Framed by ${keyName(prefix)}.` : `The scanner did not send the prefix ${prefix}.`;
    state.test = { ok, code: scan.code, text: `One scan, ${[...scan.code].length} characters: ${what}. ${frame}` };
    keys = [];
    render();
    if (ok) feedback.step();
    else feedback.failure("Check the scanner", state.test.text);
  }

  render();
  return { title: "Scanner", el, onScan, actions: [], primary: save,
    destroy: () => window.removeEventListener("keydown", onKey, true) };
}
