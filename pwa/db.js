// The device's IndexedDB "dockhand": the only module that knows its stores, keys and upgrades.
// Works in a window and in the service worker (no DOM, no localStorage here).
import { openDB } from "/static/vendor/idb/index.js";

const DB_NAME = "dockhand";
const DB_VERSION = 1;
// Scans are facts the person was told are safe: flush them to disk before saying so.
const STRICT = { durability: "strict" };

let opening = null;

export function database() {
  if (!opening) {
    opening = openDB(DB_NAME, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          const outbox = db.createObjectStore("outbox", { keyPath: "id" });
          outbox.createIndex("device_seq", "device_seq", { unique: true });
          db.createObjectStore("attention", { keyPath: "id" });
          db.createObjectStore("meta"); // out-of-line keys: device_id, next_device_seq, user, csrf, …
          db.createObjectStore("catalog_items", { keyPath: "sku" });
          db.createObjectStore("barcodes", { keyPath: "code" });
          db.createObjectStore("locations", { keyPath: "code" });
          db.createObjectStore("tasks", { keyPath: "key" });
        }
      },
      blocking() {
        // A newer page wants to upgrade the schema: let it, this copy reloads on next use.
        opening?.then((db) => db.close());
        opening = null;
      },
    });
    opening.catch(() => { opening = null; });
  }
  return opening;
}

// ---- meta -------------------------------------------------------------------------------

export async function getMeta(key) {
  return (await database()).get("meta", key);
}

export async function getMetas(keys) {
  const tx = (await database()).transaction("meta");
  const values = await Promise.all(keys.map((key) => tx.store.get(key)));
  await tx.done;
  return Object.fromEntries(keys.map((key, i) => [key, values[i]]));
}

export async function setMeta(values) {
  const tx = (await database()).transaction("meta", "readwrite", STRICT);
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) tx.store.delete(key);
    else tx.store.put(value, key);
  }
  await tx.done;
}

// ---- outbox -----------------------------------------------------------------------------

// Puts one movement in the outbox with the next device_seq, allocated in the same strict
// transaction, so a sequence number is never handed out twice nor lost with a failed write.
// Resolves with the stored record only after the transaction has committed.
export async function addToOutbox(movement) {
  const tx = (await database()).transaction(["outbox", "meta"], "readwrite", STRICT);
  const meta = tx.objectStore("meta");
  // Counts from 1. Wiping the site's storage also wipes the device id, so a restarted counter
  // always belongs to a new device on the server and is never "out of order".
  const next = (await meta.get("next_device_seq")) ?? 1;
  const user = await meta.get("user");
  const record = { ...movement, device_seq: next, scanned_by: movement.scanned_by ?? user?.username };
  if (!record.scanned_by) {
    tx.abort();
    await tx.done.catch(() => {});
    throw new Error("no one is signed in on this device");
  }
  tx.objectStore("outbox").add(record);
  meta.put(next + 1, "next_device_seq");
  await tx.done;
  return record;
}

export async function outboxInOrder(limit) {
  return (await database()).getAllFromIndex("outbox", "device_seq", null, limit);
}

export async function outboxCount() {
  return (await database()).count("outbox");
}

// One strict transaction for a batch's answers: applied/duplicate leave the outbox,
// rejected ones move to "attention" with the server's reason. Nothing in between is visible.
export async function settleResults(outcomes) {
  const tx = (await database()).transaction(["outbox", "attention"], "readwrite", STRICT);
  const outbox = tx.objectStore("outbox");
  const attention = tx.objectStore("attention");
  for (const { movement, result } of outcomes) {
    if (result.status === "rejected") {
      attention.put({ id: movement.id, movement, error: result.error, rejected_at: new Date().toISOString() });
    }
    outbox.delete(movement.id);
  }
  await tx.done;
}

// ---- needs attention --------------------------------------------------------------------

export async function listAttention() {
  const items = await (await database()).getAll("attention");
  return items.sort((a, b) => a.movement.device_seq - b.movement.device_seq);
}

export async function attentionCount() {
  return (await database()).count("attention");
}

export async function dismissAttention(id) {
  const tx = (await database()).transaction("attention", "readwrite", STRICT);
  tx.store.delete(id);
  await tx.done;
}

// ---- catalogue (items, barcodes, locations) ---------------------------------------------

// Replaces the whole offline catalogue in one transaction; `items` as GET /api/v1/catalog gives them.
export async function replaceCatalog(items, locations) {
  const tx = (await database()).transaction(["catalog_items", "barcodes", "locations"], "readwrite");
  const [itemStore, barcodeStore, locationStore] = ["catalog_items", "barcodes", "locations"].map((n) => tx.objectStore(n));
  itemStore.clear();
  barcodeStore.clear();
  locationStore.clear();
  for (const item of items) {
    itemStore.put(item);
    const factors = Object.fromEntries((item.uoms || []).map((u) => [u.code, u.factor]));
    for (const barcode of item.barcodes || []) {
      const uom = barcode.uom || "EA";
      const entry = { code: barcode.code, sku: item.sku, uom, factor: factors[uom] ?? 1 };
      barcodeStore.put(entry);
      // Also under its 14-digit form, which is how a GS1 element string (01) carries a GTIN.
      if (/^(\d{8}|\d{12}|\d{13})$/.test(barcode.code)) barcodeStore.put({ ...entry, code: barcode.code.padStart(14, "0") });
    }
  }
  for (const location of locations) locationStore.put(location);
  await tx.done;
}

export async function getBarcode(code) {
  return (await database()).get("barcodes", code);
}

export async function getItem(sku) {
  return (await database()).get("catalog_items", sku);
}

export async function getLocation(code) {
  return (await database()).get("locations", code);
}

export async function catalogCounts() {
  const db = await database();
  return { items: await db.count("catalog_items"), locations: await db.count("locations") };
}

// ---- tasks ------------------------------------------------------------------------------

export function taskKey(task) {
  return `${task.kind}:${task.order ?? task.ref ?? task.id ?? ""}`;
}

// Server tasks replace the stored ones; what this device already picked (not yet synced) is kept.
export async function replaceTasks(tasks) {
  const tx = (await database()).transaction("tasks", "readwrite");
  const before = new Map((await tx.store.getAll()).map((task) => [task.key, task]));
  tx.store.clear();
  for (const task of tasks) {
    const key = taskKey(task);
    const local = before.get(key);
    const lines = (task.lines || []).map((line) => {
      const mine = local?.lines?.find((l) => l.line === line.line);
      return { ...line, picked_here: mine?.picked_here ?? 0, shorted_here: mine?.shorted_here ?? 0 };
    });
    tx.store.put({ ...task, key, lines });
  }
  await tx.done;
}

export async function listTasks() {
  return (await database()).getAll("tasks");
}

export async function getTask(key) {
  return (await database()).get("tasks", key);
}

export async function putTask(task) {
  const tx = (await database()).transaction("tasks", "readwrite", STRICT);
  tx.store.put(task);
  await tx.done;
}
