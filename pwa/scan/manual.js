// Typing a code by hand (a torn label, no scanner): the same `scanned` event as the other sources.
import { emitScan } from "./events.js";

export function manualEntry({ label = "Type a code", placeholder = "barcode or location" } = {}) {
  const form = document.createElement("form");
  form.className = "manual";
  form.autocomplete = "off";
  const id = `manual-${Math.random().toString(36).slice(2, 8)}`;
  // Built from elements, not markup: nothing typed or configured here is ever parsed as HTML.
  const labelEl = document.createElement("label");
  labelEl.htmlFor = id;
  labelEl.textContent = label;
  const row = document.createElement("div");
  row.className = "manual-row";
  const input = Object.assign(document.createElement("input"), {
    id, name: "code", autocapitalize: "characters", spellcheck: false, enterKeyHint: "go", placeholder,
  });
  input.setAttribute("autocorrect", "off");
  const button = Object.assign(document.createElement("button"), { type: "submit", className: "small-button",
    textContent: "Enter" });
  row.append(input, button);
  form.append(labelEl, row);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = form.elements.code;
    const code = input.value.trim();
    input.value = "";
    if (code) emitScan(code, "manual");
  });
  return form;
}
