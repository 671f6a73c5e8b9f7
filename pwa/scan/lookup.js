// What a scanned code is, from the offline catalogue only (works without a connection):
// a location, an item (unit or case barcode, SKU, or GS1 string with lot/expiry), or unknown.
import * as db from "../db.js";
import { parseGs1 } from "./gs1.js";

// Stock may sit in these; a warehouse, zone or aisle only groups (webapp/domain/locations.py).
export const STOCK_HOLDING_KINDS = new Set(["bin", "dock", "tote", "pack", "outbound", "carton", "quarantine"]);

// → {type: "location", code, location} | {type: "item", code, sku, name, uom, factor, lot?, expiry?}
//   | {type: "unknown", code, reason}
export async function resolveScan(rawCode) {
  const code = String(rawCode).trim();
  const location = (await db.getLocation(code)) || (await db.getLocation(code.toUpperCase()));
  if (location) return { type: "location", code: location.code, location };
  const barcode = await db.getBarcode(code);
  if (barcode) return itemScan(code, barcode);
  const bySku = (await db.getItem(code)) || (await db.getItem(code.toUpperCase()));
  if (bySku) return { type: "item", code, sku: bySku.sku, name: bySku.name, uom: "EA", factor: 1, item: bySku };
  const gs1 = parseGs1(code);
  if (gs1.ok && gs1.data.gtin) {
    const fromGtin = await db.getBarcode(gs1.data.gtin);
    if (fromGtin) return itemScan(code, fromGtin, gs1.data);
    return { type: "unknown", code, reason: `GTIN ${gs1.data.gtin} is not in the catalogue` };
  }
  if (gs1.ok && gs1.data.sscc) {
    const carton = await db.getLocation(gs1.data.sscc);
    if (carton) return { type: "location", code: carton.code, location: carton };
  }
  return { type: "unknown", code, reason: `${code} is not a known item or location` };
}

async function itemScan(code, barcode, gs1 = {}) {
  const item = await db.getItem(barcode.sku);
  const scan = { type: "item", code, sku: barcode.sku, name: item?.name ?? barcode.sku, uom: barcode.uom,
    factor: barcode.factor, item };
  if (gs1.lot) scan.lot = gs1.lot;
  if (gs1.expiry) scan.expiry = gs1.expiry;
  return scan;
}

// The "scan a location first" step that count and receive share. A stock location is handed to
// `onLocation` (which may still refuse it); any other scan before a location is refused with `firstPrompt`.
// → true when the scan was handled here (the location step, or a refusal); false: the screen goes on.
export function locationFirst(scan, { location, refuse, onLocation, firstPrompt }) {
  if (scan.type === "location") {
    const problem = stockLocationProblem(scan.location);
    if (problem) refuse("Not a stock location", problem);
    else onLocation(scan.location);
    return true;
  }
  if (!location) {
    refuse(firstPrompt, scan.name);
    return true;
  }
  return false;
}

// Why a scanned location cannot hold stock, or null when it can.
export function stockLocationProblem(location) {
  if (STOCK_HOLDING_KINDS.has(location.kind)) return null;
  return `${location.code} is a ${location.kind}: scan a bin, dock, tote or station`;
}
