// Shipping a transfer order from the Dispatch screen: scan the transfer order's number at the door, then each
// item (1 scan = 1 unit or case) is a `dispatch` with the transfer order as ref, issued from the door's lane;
// the server puts it in transit at the other warehouse. Offline like every scan: the lines come from the server
// when it answers (kept on the device for later), and what this device shipped is counted here meanwhile.
import { ApiError, getJson } from "../api.js";
import * as db from "../db.js";
import { enqueue } from "../outbox.js";
import { h, quantityText } from "./ui.js";

// "TO-2001" on the transfer paperwork.
export const TRANSFER_NUMBER = /^TO[-\s]?[A-Z0-9][A-Z0-9-]{0,60}$/i;
const metaKey = (number) => `transfer:${number}`;

// → the transfer order ({number, from_warehouse, to_warehouse, lines | null, shipped_here}); throws ApiError 404.
export async function loadTransfer(rawNumber) {
  const number = rawNumber.toUpperCase().replace(/\s/, "-");
  const kept = (await db.getMeta(metaKey(number))) || { number, lines: null, shipped_here: {} };
  try {
    const server = await getJson(`/api/v1/transfer-orders/${encodeURIComponent(number)}`);
    const fresh = { ...server, shipped_here: {} }; // the server's shipped now counts what this device sent
    await db.setMeta({ [metaKey(number)]: fresh });
    return fresh;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw error;
    return kept; // offline or the server is silent: what the device knew, or only the number
  }
}

// One unit (or case) of `scan` shipped from `door`. Resolves once the outbox has it (and the tally with it).
export async function shipUnit(transfer, scan, door) {
  const units = scan.factor || 1;
  await enqueue({ kind: "dispatch", item: scan.sku, qty: 1, uom: scan.uom, from: door, ref: transfer.number,
    lot: scan.lot, expiry: scan.expiry, label: scan.name }, {
    also: () => [{ store: "meta", key: metaKey(transfer.number), update: (kept) => {
      const next = kept || { ...transfer, shipped_here: {} };
      next.shipped_here = { ...next.shipped_here, [scan.sku]: (next.shipped_here?.[scan.sku] || 0) + units };
      return next;
    } }],
  });
  transfer.shipped_here = { ...transfer.shipped_here, [scan.sku]: (transfer.shipped_here?.[scan.sku] || 0) + units };
  const line = (transfer.lines || []).find((l) => l.item === scan.sku);
  return { line, units, unexpected: Boolean(transfer.lines) && !line, text: `Shipped ${quantityText(1, scan.uom)} × ${scan.name}` };
}

// What the picker needs to see: where it goes, and per line what is still to ship (server + this device).
export function transferPanel(transfer, onEnd) {
  const here = transfer.shipped_here || {};
  const rows = (transfer.lines || []).map((line) => {
    const shipped = line.shipped + (here[line.item] || 0);
    const open = Math.max(0, line.qty - shipped);
    return h("li", { class: `transfer-line ${open ? "" : "done"}`, dataset: { item: line.item, open: String(open) } },
      h("b", {}, line.item), ` · ${shipped} of ${line.qty} shipped · `, h("b", { class: "transfer-open" }, `${open} to ship`));
  });
  const extra = Object.entries(here).filter(([sku]) => !(transfer.lines || []).some((l) => l.item === sku))
    .map(([sku, n]) => h("li", { class: "transfer-line unexpected" }, h("b", {}, sku), ` · ${n} shipped here`,
      transfer.lines ? " · not on this transfer order" : ""));
  return h("section", { class: "card transfer-card", id: "transfer", dataset: { number: transfer.number } },
    h("p", { class: "card-title" }, `Transfer ${transfer.number}`,
      transfer.to_warehouse ? ` → ${transfer.to_warehouse}` : ""),
    transfer.lines ? null : h("p", { class: "muted" }, "Lines not on this device yet: they show once the server answers."),
    h("ul", { class: "transfer-lines" }, rows, extra),
    h("button", { type: "button", class: "big-button", id: "end-transfer", onclick: onEnd }, "Done with this transfer"));
}
