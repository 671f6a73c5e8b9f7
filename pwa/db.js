// The device's IndexedDB "dockhand": the only module that knows its stores, keys and upgrades.
// Works in a window and in the service worker (no DOM, no localStorage here).
import { openDB } from "/static/vendor/idb/index.js";

const DB_NAME = "dockhand";
const DB_VERSION = 2;
// Scans are facts the person was told are safe: flush them to disk before saying so.
const STRICT = { durability: "strict" };
const RELAXED = { durability: "relaxed" };

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
        if (oldVersion < 2) {
          db.createObjectStore("orders", { keyPath: "number" }); // orders being packed: lines, cartons, local scans
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
// `also`: records the screen keeps about this scan ({store, value} or {store, key, update}), in the same
// transaction, so the screen's progress and the outbox never disagree after a crash.
// Resolves with the stored record only after the transaction has committed.
export async function addToOutbox(movement, also = []) {
  const stores = [...new Set(["outbox", "meta", ...also.map((entry) => entry.store)])];
  const tx = (await database()).transaction(stores, "readwrite", STRICT);
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
  for (const entry of also) {
    const store = tx.objectStore(entry.store);
    // {store, key, update(current) → value}: read and written inside this transaction, never stale.
    const value = entry.update ? entry.update(await store.get(entry.key)) : entry.value;
    if (value === undefined) continue;
    if (store.keyPath === null) store.put(value, entry.key);
    else store.put(value);
  }
  await tx.done;
  return record;
}

export async function outboxInOrder(limit) {
  return (await database()).getAllFromIndex("outbox", "device_seq", null, limit);
}

// A screen keeps, per record, `local` entries ({id: movement id, …}) for scans the server may not
// have yet. Before downloading that record again: which of them the server already has (their
// movement left the outbox), so the download replaces them; any other entry stays on top of it.
export async function settledLocalIds(storeName) {
  const tx = (await database()).transaction([storeName, "outbox"]);
  const [records, waiting] = await Promise.all([tx.objectStore(storeName).getAll(), tx.objectStore("outbox").getAllKeys()]);
  await tx.done;
  const pending = new Set(waiting);
  return new Set(records.flatMap((record) => (record.local || []).map((entry) => entry.id)).filter((id) => !pending.has(id)));
}

export async function outboxCount() {
  return (await database()).count("outbox");
}

// One strict transaction for a batch's answers: applied/duplicate leave the outbox,
// rejected ones move to "attention" with the server's reason. Nothing in between is visible.
// What the server said about scans already shown green, to tell the person (views/statusbar.js): a rejection,
// or a scan applied with flags (stock went negative, a frozen bin, a partial order…). Kept until read.
const ALERTS_KEPT = 100;

//
// Relaxed durability, unlike a scan's own write: if a crash loses this commit, the scans are only sent again and
// the server answers "duplicate" (or refuses them again). A strict commit here waited for the disk while holding
// the outbox, and the next scan's write, and so its green, waited behind it. `meta`: written in the same commit.
export async function settleResults(outcomes, meta = {}) {
  const tx = (await database()).transaction(["outbox", "attention", "meta"], "readwrite", RELAXED);
  const outbox = tx.objectStore("outbox");
  const attention = tx.objectStore("attention");
  const metaStore = tx.objectStore("meta");
  const alerts = [];
  const at = new Date().toISOString();
  for (const { movement, result } of outcomes) {
    if (result.status === "rejected") {
      attention.put({ id: movement.id, movement, error: result.error, rejected_at: at });
      alerts.push({ id: movement.id, kind: "rejected", movement, error: result.error, at });
    } else if (result.status === "applied" && (result.flags || []).length) {
      alerts.push({ id: movement.id, kind: "flagged", movement, flags: result.flags, at });
    }
    outbox.delete(movement.id);
  }
  if (alerts.length) {
    const kept = (await metaStore.get("alerts")) || [];
    metaStore.put([...kept, ...alerts].slice(-ALERTS_KEPT), "alerts");
  }
  for (const [key, value] of Object.entries(meta)) {
    if (value === undefined) metaStore.delete(key);
    else metaStore.put(value, key);
  }
  await tx.done;
}

// ---- this device's SSCCs (blocks from POST /api/v1/sscc-blocks) -----------------------------

// Takes one unused SSCC out of the pool in one transaction: a number is handed out once, ever.
export async function takeSscc() {
  const tx = (await database()).transaction("meta", "readwrite", STRICT);
  const pool = (await tx.store.get("sscc_pool")) || [];
  const sscc = pool[0] || null;
  if (sscc) tx.store.put(pool.slice(1), "sscc_pool");
  await tx.done;
  return sscc;
}

export async function addSsccs(ssccs) {
  const tx = (await database()).transaction("meta", "readwrite", STRICT);
  const pool = (await tx.store.get("sscc_pool")) || [];
  tx.store.put([...pool, ...ssccs.filter((s) => !pool.includes(s))], "sscc_pool");
  await tx.done;
}

export async function ssccPoolSize() {
  return ((await getMeta("sscc_pool")) || []).length;
}

export async function listAlerts() {
  return (await getMeta("alerts")) || [];
}

// The person read them: gone from the screen (a rejection stays under Needs attention until dismissed).
export async function markAlertsRead(ids) {
  const read = new Set(ids);
  const tx = (await database()).transaction("meta", "readwrite", STRICT);
  const kept = (await tx.store.get("alerts")) || [];
  tx.store.put(kept.filter((alert) => !read.has(alert.id)), "alerts");
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
  catalogMirror = null;
  warmCatalog(); // now, not on the next scan
}

// The catalogue mirrored in memory: a scan's lookups are the hot path on a slow handheld, and each IndexedDB
// read is a transaction and a trip to the browser's storage process (an item scan asked for a location
// twice first). IndexedDB stays the truth: the mirror is rebuilt when the catalogue is replaced.
let catalogMirror = null;

function mirror() {
  if (!catalogMirror) {
    catalogMirror = (async () => {
      const db = await database();
      const [barcodes, items, locations] = await Promise.all([db.getAll("barcodes"), db.getAll("catalog_items"),
        db.getAll("locations")]);
      return { barcodes: new Map(barcodes.map((b) => [b.code, b])), catalog_items: new Map(items.map((i) => [i.sku, i])),
        locations: new Map(locations.map((l) => [l.code, l])) };
    })();
    catalogMirror.catch(() => { catalogMirror = null; });
  }
  return catalogMirror;
}

// Built at start and after each catalogue refresh, so no scan waits for it.
export function warmCatalog() {
  mirror().catch(() => {});
}

async function catalogGet(store, key) {
  // The mirror is the whole store (and putLocation keeps it current): a code it lacks is not there either.
  return (await mirror())[store].get(key);
}

export async function getBarcode(code) {
  return catalogGet("barcodes", code);
}

export async function getItem(sku) {
  return catalogGet("catalog_items", sku);
}

export async function getLocation(code) {
  return catalogGet("locations", code);
}

export async function catalogCounts() {
  const db = await database();
  return { items: await db.count("catalog_items"), locations: await db.count("locations") };
}

// ---- tasks ------------------------------------------------------------------------------

export function taskKey(task) {
  if (task.kind === "pick" && task.task != null) return `pick:${task.task}`;
  return `${task.kind}:${task.order ?? task.ref ?? task.id ?? ""}`;
}

// Server tasks replace the stored ones. `local` holds one entry per scan made here,
// {id: movement id, step, kind: "pick" | "short", qty}; those in `settled` (the server had them
// before the download started: settledLocalIds) are in the server's numbers and go.
// Which order each tote belongs to is remembered beyond the task (packing asks for it later).
export async function replaceTasks(tasks, settled = new Set()) {
  const tx = (await database()).transaction(["tasks", "meta"], "readwrite");
  const store = tx.objectStore("tasks");
  const before = new Map((await store.getAll()).map((task) => [task.key, task]));
  const totes = (await tx.objectStore("meta").get("tote_orders")) || {};
  store.clear();
  for (const task of tasks) {
    const key = taskKey(task);
    const previous = before.get(key);
    const local = (previous?.local || []).filter((entry) => !settled.has(entry.id));
    store.put({ ...task, key, local });
    for (const step of task.steps || []) if (step.tote && step.order) totes[step.tote] = step.order;
  }
  tx.objectStore("meta").put(totes, "tote_orders");
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

// ---- orders at the pack station ---------------------------------------------------------

// {number, state, lines (as GET /api/v1/orders/{n}), tote, cartons: [{sscc, status, label_url}],
//  local: [{id: movement id, item, qty, sscc}], fetched_at}
export async function getOrder(number) {
  return (await database()).get("orders", number);
}

export async function listOrders() {
  return (await database()).getAll("orders");
}

// Read, change and write one kept order in a single transaction; resolves with what was stored.
export async function updateOrder(number, change) {
  const tx = (await database()).transaction("orders", "readwrite", STRICT);
  const kept = await tx.store.get(number);
  const record = kept && change(kept);
  if (record) tx.store.put(record);
  await tx.done;
  return record || kept;
}

const ORDER_KEPT_MS = 14 * 24 * 3600 * 1000;

// The order the server gave, keeping this device's cartons and the packs it has not heard of yet.
// Orders untouched for two weeks, with nothing waiting and no carton open, are let go.
export async function storeServerOrder(serverOrder, settled) {
  const tx = (await database()).transaction("orders", "readwrite", STRICT);
  const cutoff = new Date(Date.now() - ORDER_KEPT_MS).toISOString();
  for (const kept of await tx.store.getAll()) {
    const idle = (kept.fetched_at || "") < cutoff && !(kept.local || []).length && !(kept.cartons || []).some((c) => c.status === "open");
    if (idle && kept.number !== serverOrder.number) tx.store.delete(kept.number);
  }
  const previous = await tx.store.get(serverOrder.number);
  const record = {
    ...(previous || {}), ...serverOrder,
    cartons: previous?.cartons || [],
    local: (previous?.local || []).filter((entry) => !settled.has(entry.id)),
    fetched_at: new Date().toISOString(),
  };
  tx.store.put(record);
  await tx.done;
  return record;
}

export async function putLocation(location) {
  const tx = (await database()).transaction("locations", "readwrite");
  tx.store.put(location);
  await tx.done;
  if (catalogMirror) (await catalogMirror).locations.set(location.code, location);
}
