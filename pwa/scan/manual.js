// Typing a code by hand (a torn label, no scanner): the same `scanned` event as the other sources.
import { emitScan } from "./events.js";

export function manualEntry({ label = "Type a code", placeholder = "barcode or location" } = {}) {
  const form = document.createElement("form");
  form.className = "manual";
  form.autocomplete = "off";
  const id = `manual-${Math.random().toString(36).slice(2, 8)}`;
  form.innerHTML = `<label for="${id}">${label}</label>
    <div class="manual-row">
      <input id="${id}" name="code" autocapitalize="characters" autocorrect="off" spellcheck="false"
             enterkeyhint="go" placeholder="${placeholder}">
      <button type="submit" class="small-button">Enter</button>
    </div>`;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = form.elements.code;
    const code = input.value.trim();
    input.value = "";
    if (code) emitScan(code, "manual");
  });
  return form;
}
