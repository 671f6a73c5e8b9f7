// Cartons without the network: this device holds blocks of SSCCs the server issued to it alone (POST
// /api/v1/sscc-blocks), so a packer opens a carton offline; the server creates the carton when its first pack
// scan arrives. A carton closed offline is closed on the server, and its label becomes printable, once the
// scans are in. Runs for the whole app (started at boot), not only while the pack screen is open.
import { ApiError, postJson } from "./api.js";
import { connectionEvents, isOnline } from "./connection.js";
import * as db from "./db.js";
import { outboxEvents, replay } from "./outbox.js";
import { deviceId } from "./session.js";

const LOW_WATER = 10; // fewer unused SSCCs than this: ask for another block while online

let refilling = null;
export function refillSsccs() {
  if (refilling || !isOnline()) return refilling;
  refilling = (async () => {
    if ((await db.ssccPoolSize()) >= LOW_WATER) return;
    const user = await db.getMeta("user");
    if (!(user?.roles || []).some((role) => ["picker", "supervisor", "admin"].includes(role))) return;
    try {
      const block = await postJson("/api/v1/sscc-blocks", { device_id: await deviceId() });
      await db.addSsccs(block.ssccs || []);
    } catch {
      // offline again, or not allowed: the next change tries again
    }
  })().finally(() => { refilling = null; });
  return refilling;
}

// Cartons closed on this device while offline: closed on the server once their scans have reached it.
let closing = null;
export function closePendingCartons() {
  if (closing || !isOnline()) return closing;
  closing = (async () => {
    const pending = (await db.listOrders()).flatMap((order) => (order.cartons || [])
      .filter((carton) => carton.close_pending).map((carton) => ({ order: order.number, carton })));
    if (!pending.length) return;
    await replay();
    const waiting = new Set((await db.outboxInOrder()).map((m) => m.to));
    for (const { order, carton } of pending) {
      if (waiting.has(carton.sscc)) continue; // its scans are not all in yet
      let closed;
      try {
        closed = await postJson(`/api/v1/cartons/${carton.sscc}/close`, carton.weight_g ? { weight_g: carton.weight_g } : {});
      } catch (error) {
        if (!(error instanceof ApiError && error.code === "carton_closed")) continue;
        closed = { status: "closed" };
      }
      await db.updateOrder(order, (o) => ({ ...o, cartons: (o.cartons || []).map((c) => (c.sscc === carton.sscc
        ? { ...c, ...closed, close_pending: false, label_url: closed.label_url || `/cartons/${c.sscc}/label.pdf` } : c)) }));
      outboxEvents.dispatchEvent(new Event("changed")); // the pack screen redraws its labels
    }
  })().finally(() => { closing = null; });
  return closing;
}

// A carton closed on this device without the network: closed on the server later (closePendingCartons).
export function closeCartonHere(orderNumber, sscc, weight) {
  return db.updateOrder(orderNumber, (o) => ({ ...o, cartons: (o.cartons || []).map((c) => (c.sscc === sscc
    ? { ...c, status: "closed", close_pending: true, weight_g: weight || null } : c)) }));
}

export function startCartonUpkeep() {
  const upkeep = () => { refillSsccs(); closePendingCartons(); };
  connectionEvents.addEventListener("change", upkeep);
  // Once things settle after a run of scans, not once per scan (each is two reads a slow handheld feels).
  let timer = null;
  outboxEvents.addEventListener("changed", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { if (isOnline()) upkeep(); }, 1000);
  });
  upkeep();
}
