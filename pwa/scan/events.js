// The one event every scan source ends in: `scanned` on window, detail {code, source}.
export const SCANNED = "scanned";

export function emitScan(code, source) {
  const text = String(code).replace(/^[\s]+|[\r\n]+$/g, "");
  if (!text) return;
  window.dispatchEvent(new CustomEvent(SCANNED, { detail: { code: text, source } }));
}
