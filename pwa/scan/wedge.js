// Keyboard-wedge scanners "type" the code in a fast burst and press Enter (or Tab). A burst is caught
// wherever focus is; a person typing into a field is slower and is left alone.
//
// A busy or slow handheld may stall its main thread in the middle of a label (0.4 s is common on a cheap
// device): the keys after the stall arrive late. The burst is kept across such a stall and ends only at
// the terminator; a timeout ends it only for a scanner that sends no terminator at all.
import { emitScan } from "./events.js";

const MAX_MEDIAN_GAP_MS = 50; // between the keys of one burst, typically: faster than any person types
const MAX_GAP_MS = 150; // a longer gap after something that was not a burst starts afresh
const STALL_MS = 2000; // a burst survives a pause this long (a stalled page); longer, it was abandoned
const NO_TERMINATOR_MS = 1000; // a burst-like buffer with no Enter/Tab after this long is a scan all the same
const MIN_LENGTH = 4;
const GS = "\u001d"; // FNC1: sent as a key "\u001d", or as Ctrl+] by scanners emulating a keyboard
const MODIFIERS = new Set(["Shift", "Control", "Alt", "AltGraph", "Meta", "CapsLock"]);

// Where the scanner's hardware adds one: a prefix character that opens every label and a suffix that ends it
// (localStorage "dockhand.scanner_prefix" / "dockhand.scanner_suffix", e.g. "\u0002" and "\u0003").
function scannerSetting(name) {
  try {
    return localStorage.getItem(`dockhand.scanner_${name}`) || "";
  } catch {
    return "";
  }
}

function editable(element) {
  return element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement ? element : null;
}

function median(values) {
  if (!values.length) return Infinity;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

export function startWedge() {
  const prefix = scannerSetting("prefix");
  const suffix = scannerSetting("suffix");
  let buffer = "";
  let gaps = []; // between the keys of this buffer
  let lastAt = -Infinity;
  let field = null; // the field the burst's keys also landed in, and its value before them
  let fieldValue = "";
  let timer = null;

  const reset = () => {
    buffer = "";
    gaps = [];
    lastAt = -Infinity;
    field = null;
    clearTimeout(timer);
  };
  // Fast keys so far: a scanner's (a stall is one long gap among many short ones; the median ignores it).
  const burstLike = () => buffer.length >= 2 && median(gaps) < MAX_MEDIAN_GAP_MS;

  function finish() {
    const code = prefix && buffer.startsWith(prefix) ? buffer.slice(prefix.length) : buffer;
    const target = field;
    const before = fieldValue;
    const burst = buffer.length >= MIN_LENGTH && burstLike() && (!prefix || buffer.startsWith(prefix));
    reset();
    if (!burst) return false;
    if (target) {
      target.value = before; // the scanner's keys were not typing
      target.dispatchEvent(new Event("input", { bubbles: true }));
    }
    emitScan(code, "wedge");
    return true;
  }

  window.addEventListener("keydown", (event) => {
    if (MODIFIERS.has(event.key)) return; // scanners press Shift for capitals
    const now = event.timeStamp;
    const gap = now - lastAt;
    const terminator = event.key === "Enter" || (event.key === "Tab" && buffer.length > 0 && burstLike())
      || (suffix && event.key === suffix);
    if (terminator) {
      if (gap > STALL_MS) {
        reset();
        return;
      }
      if (!finish()) return;
      event.preventDefault(); // no form submit, no button press, no focus move
      event.stopImmediatePropagation();
      return;
    }
    let char = null;
    if (event.key === GS || (event.ctrlKey && (event.key === "]" || event.code === "BracketRight"))) {
      char = GS;
      event.preventDefault();
    } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      char = event.key;
    }
    if (char === null) { // arrows, Backspace…: not a scanner
      reset();
      return;
    }
    // A new burst may be starting here: after a long pause, or after slow keys (a person typing).
    if (gap > STALL_MS || (gap > MAX_GAP_MS && !burstLike())) {
      reset();
      field = editable(event.target);
      fieldValue = field ? field.value : "";
    } else if (buffer) {
      gaps.push(gap);
    }
    buffer += char;
    lastAt = now;
    // A scanner set up without Enter/Tab: what looks like a whole burst, then silence, is a scan.
    clearTimeout(timer);
    if (buffer.length >= MIN_LENGTH && burstLike()) timer = setTimeout(finish, NO_TERMINATOR_MS);
  }, true);
}
