// The scanner's frame, where its hardware adds one: a prefix key that opens every label and a suffix key that
// ends it. With a frame the wedge trusts it over timing: everything between prefix and suffix is one label,
// however long the page stalls in the middle. Kept per device in localStorage (a device has one scanner).
//
// A setting is one printable character ("~", "$", "]") or a function key name ("F11", "F12"): the keys a
// keyboard-wedge scanner can be told to send around a label. "" means none.
const KEYS = { prefix: "dockhand.scanner_prefix", suffix: "dockhand.scanner_suffix" };
const FUNCTION_KEY = /^F([1-9]|1[0-9]|2[0-4])$/;
// Keys that already mean something to the wedge or to a person typing: not a frame.
const RESERVED = new Set([" ", "Enter", "Tab"]);

let framing = null;

function read(name) {
  try {
    return localStorage.getItem(KEYS[name]) || "";
  } catch {
    return "";
  }
}

// → {prefix, suffix}; read once, then kept in memory (the wedge asks on every key).
export function scannerFraming() {
  if (!framing) framing = { prefix: read("prefix"), suffix: read("suffix") };
  return framing;
}

// Why `value` cannot be a prefix or suffix, or null when it can ("" clears the setting).
export function framingProblem(value) {
  if (value === "") return null;
  if (RESERVED.has(value)) return "Space, Enter and Tab cannot frame a label";
  if (FUNCTION_KEY.test(value)) return null;
  if ([...value].length !== 1) return "One character (like ~ or $) or a function key (F1 to F24)";
  if (/[\p{L}\p{N}-]/u.test(value)) return "A letter, digit or dash appears inside codes: choose a sign like ~ or $";
  if (/\p{Cc}/u.test(value)) return "A control character cannot be typed here: use a sign or a function key";
  return null;
}

// Saves both (already checked with framingProblem); the wedge uses them from its next key.
export function saveScannerFraming({ prefix, suffix }) {
  try {
    for (const [name, value] of Object.entries({ prefix, suffix })) {
      if (value) localStorage.setItem(KEYS[name], value);
      else localStorage.removeItem(KEYS[name]);
    }
  } finally {
    framing = { prefix, suffix };
  }
}

// For people: "~", "F12", or "none".
export function keyName(value) {
  return value || "none";
}
