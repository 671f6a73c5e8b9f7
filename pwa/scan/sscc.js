// A carton's SSCC from what a scanner sent: a GS1-128 label ("]C1" + "00" + 18 digits, or the
// HRI "(00)…"), or the bare 18 digits. Only a valid GS1 check digit counts: anything else is null.
import { parseGs1 } from "./gs1.js";

const SSCC = /^\d{18}$/;

export function validSscc(digits) {
  if (!SSCC.test(digits)) return false;
  let total = 0;
  for (let i = digits.length - 2, weight = 3; i >= 0; i -= 1, weight = 4 - weight) total += Number(digits[i]) * weight;
  return (10 - (total % 10)) % 10 === Number(digits[digits.length - 1]);
}

export function ssccFromScan(code) {
  const text = String(code).trim();
  if (SSCC.test(text)) return validSscc(text) ? text : null; // bare 18 digits: read as an SSCC, as printed under the bars
  const gs1 = parseGs1(text);
  if (gs1.ok && gs1.data.sscc && validSscc(gs1.data.sscc)) return gs1.data.sscc;
  return null;
}
