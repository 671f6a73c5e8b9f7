// Keyboard-wedge scanners "type" the code in a fast burst and press Enter (or Tab). A burst is caught
// wherever focus is; a person typing into a field is slower and is left alone.
//
// A busy or slow handheld may stall its main thread in the middle of a label (0.4 s is common on a cheap
// device): the keys after the stall arrive late. The burst is kept across such a stall and ends only at
// the terminator; a timeout ends it only for a scanner that sends no terminator at all.
import { emitScan } from "./events.js";
import { scannerFraming } from "./framing.js";

const MAX_MEDIAN_GAP_MS = 50; // between the keys of one burst, typically: faster than any person types
const MAX_GAP_MS = 150; // a longer gap after something that was not a burst starts afresh
const STALL_MS = 2000; // a burst survives a pause this long (a stalled page); longer, it was abandoned
const NO_TERMINATOR_MS = 1000; // a burst-like buffer with no Enter/Tab after this long is a scan all the same
const MIN_LENGTH = 4;
const GS = "\u001d"; // FNC1: sent as a key "\u001d", or as Ctrl+] by scanners emulating a keyboard
const MODIFIERS = new Set(["Shift", "Control", "Alt", "AltGraph", "Meta", "CapsLock"]);
// Between a scanner's prefix and suffix (framing.js) timing means nothing: a label is whatever lies between
// them. A prefix with no suffix after this long was a stray key press, not a label.
const FRAME_ABANDON_MS = 10_000;
const AFTER_SUFFIX_MS = 250; // an Enter or Tab some scanners send after their suffix belongs to the label

function editable(element) {
  return element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement ? element : null;
}

function median(values) {
  if (!values.length) return Infinity;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

export function startWedge() {
  let buffer = "";
  let gaps = []; // between the keys of this buffer
  let lastAt = -Infinity;
  let field = null; // the field the burst's keys also landed in, and its value before them
  let fieldValue = "";
  let timer = null;
  let framed = false; // the prefix came: everything up to the suffix is one label
  let framedAt = -Infinity; // when the last framed label ended (its suffix)

  const reset = () => {
    framed = false;
    buffer = "";
    gaps = [];
    lastAt = -Infinity;
    field = null;
    clearTimeout(timer);
  };
  // Fast keys so far: a scanner's (a stall is one long gap among many short ones; the median ignores it).
  const burstLike = () => buffer.length >= 2 && median(gaps) < MAX_MEDIAN_GAP_MS;

  function finish() {
    const { prefix } = scannerFraming();
    const code = buffer;
    const target = field;
    const before = fieldValue;
    // With a prefix set, only a framed label is a scan; a burst without it is someone's typing or another device.
    const burst = framed ? buffer.length > 0 : buffer.length >= MIN_LENGTH && burstLike() && !prefix;
    reset();
    if (!burst) return false;
    if (target) {
      target.value = before; // the scanner's keys were not typing
      target.dispatchEvent(new Event("input", { bubbles: true }));
    }
    emitScan(code, "wedge");
    return true;
  }

  // A touch means a person at the screen: keys before it (a digit on a handheld's keypad) are no label's start.
  window.addEventListener("pointerdown", reset, true);

  // The scanner's own frame: → true when the key was part of it (and is handled).
  function framedKey(event, now, { prefix, suffix }) {
    if (event.key === prefix) {
      reset();
      framed = true;
      field = editable(event.target);
      fieldValue = field ? field.value : "";
      lastAt = now;
      event.preventDefault(); // the frame never lands in a field
      return true;
    }
    if (!framed && (event.key === "Enter" || event.key === "Tab") && now - framedAt < AFTER_SUFFIX_MS) {
      event.preventDefault(); // the scanner's Enter after its suffix: the label is already scanned
      event.stopImmediatePropagation();
      return true;
    }
    if (!framed) return false;
    if (now - lastAt > FRAME_ABANDON_MS) {
      reset(); // a stray prefix long ago: this key starts afresh
      return false;
    }
    lastAt = now;
    const ends = suffix ? event.key === suffix : event.key === "Enter" || event.key === "Tab";
    if (ends) {
      finish();
      framedAt = now;
      event.preventDefault();
      event.stopImmediatePropagation();
      return true;
    }
    if (event.key === GS || (event.ctrlKey && (event.key === "]" || event.code === "BracketRight"))) buffer += GS;
    else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) buffer += event.key;
    else { // Backspace, arrows…: a person at the keys after a stray prefix, not a scanner
      reset();
      return false;
    }
    event.preventDefault();
    return true;
  }

  window.addEventListener("keydown", (event) => {
    if (MODIFIERS.has(event.key)) return; // scanners press Shift for capitals
    if (event.target?.dataset?.noWedge) return; // a field that takes the scanner's own keys (scanner setup)
    const now = event.timeStamp;
    const framing = scannerFraming();
    if (framing.prefix && framedKey(event, now, framing)) return;
    const { suffix } = framing;
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
    // A new burst may be starting here: after a long pause, or after slow keys (a person typing in a field).
    // Outside a field nobody types words: a lone first key followed by a gap is a label's first key on a busy
    // handheld (the last scan's redraw, its sync), and cutting it off split the label ("012345000015").
    const loneFirstKey = buffer.length === 1 && !field;
    if (gap > STALL_MS || (gap > MAX_GAP_MS && !burstLike() && !loneFirstKey)) {
      reset();
      field = editable(event.target);
      fieldValue = field ? field.value : "";
    } else if (buffer) {
      gaps.push(gap);
    }
    buffer += char;
    lastAt = now;
    // A scanner set up without Enter/Tab: what looks like a whole burst, then silence, is a scan. One that
    // sends a suffix always ends with it: no guessing from silence (a long stall is not the end of a label).
    clearTimeout(timer);
    if (!suffix && buffer.length >= MIN_LENGTH && burstLike()) timer = setTimeout(finish, NO_TERMINATOR_MS);
  }, true);
}
