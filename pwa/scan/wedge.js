// Keyboard-wedge scanners "type" the code in a fast burst and press Enter. A burst is caught
// wherever focus is; a person typing into a field is slower and is left alone.
import { emitScan } from "./events.js";

const MAX_MEAN_GAP_MS = 50; // between the keys of one burst, on average: faster than any person types
const MAX_GAP_MS = 150; // one late key (Bluetooth scanners send in clumps, a busy page) keeps the burst
const MIN_LENGTH = 4;
const GS = "\u001d"; // FNC1: sent as a key "\u001d", or as Ctrl+] by scanners emulating a keyboard
const MODIFIERS = new Set(["Shift", "Control", "Alt", "AltGraph", "Meta", "CapsLock"]);

function editable(element) {
  return element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement ? element : null;
}

export function startWedge() {
  let buffer = "";
  let firstAt = 0;
  let lastAt = -Infinity;
  let field = null; // the field the burst's keys also landed in, and its value before them
  let fieldValue = "";

  const reset = () => {
    buffer = "";
    lastAt = -Infinity;
    field = null;
  };

  window.addEventListener("keydown", (event) => {
    if (MODIFIERS.has(event.key)) return; // scanners press Shift for capitals
    const now = event.timeStamp;
    const gap = now - lastAt;
    if (event.key === "Enter") {
      const meanGap = (lastAt - firstAt) / Math.max(1, buffer.length - 1);
      const burst = buffer.length >= MIN_LENGTH && meanGap < MAX_MEAN_GAP_MS && gap < MAX_GAP_MS;
      const code = buffer;
      const target = field;
      const before = fieldValue;
      reset();
      if (!burst) return;
      event.preventDefault(); // no form submit, no button press
      event.stopImmediatePropagation();
      if (target) {
        target.value = before; // the scanner's keys were not typing
        target.dispatchEvent(new Event("input", { bubbles: true }));
      }
      emitScan(code, "wedge");
      return;
    }
    let char = null;
    if (event.key === GS || (event.ctrlKey && (event.key === "]" || event.code === "BracketRight"))) {
      char = GS;
      event.preventDefault();
    } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      char = event.key;
    }
    if (char === null) { // Tab, arrows, Backspace…: not a scanner
      reset();
      return;
    }
    if (gap > MAX_GAP_MS) { // a new burst may be starting here
      buffer = "";
      firstAt = now;
      field = editable(event.target);
      fieldValue = field ? field.value : "";
    }
    buffer += char;
    lastAt = now;
  }, true);
}
