// What the device needs to work without a connection: the catalogue (items, barcodes, pack
// sizes, locations) and the person's tasks, downloaded into IndexedDB while online.
import { connectionEvents, isOnline, serverFetch } from "./connection.js";
import * as db from "./db.js";
import { outboxEvents } from "./outbox.js";

const REFRESH_MS = 5 * 60 * 1000;
const PAGE_LIMIT = 1000;
const TASKS_AFTER_SYNC_MS = 400;
const MAX_PAGES = 500; // 500,000 items: far beyond any warehouse this runs in; stops a looping cursor

export const dataEvents = new EventTarget(); // "changed" after a refresh stored something

async function getJson(path) {
  const response = await serverFetch(path);
  if (!response.ok) {
    const error = new Error(`${path} answered ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

// Every page first, then one transaction: never await the network inside an IndexedDB transaction.
export async function refreshCatalog() {
  const items = [];
  let locations = [];
  let cursor = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const query = `limit=${PAGE_LIMIT}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : "");
    const answer = await getJson(`/api/v1/catalog?${query}`);
    items.push(...(answer.items || []));
    if (answer.locations) locations = answer.locations;
    if (!answer.next_cursor) break;
    cursor = answer.next_cursor;
  }
  await db.replaceCatalog(items, locations);
  await db.setMeta({ catalog_synced_at: new Date().toISOString() });
  dataEvents.dispatchEvent(new Event("changed"));
  return { items: items.length, locations: locations.length };
}

// GET /api/v1/tasks; a server without it (404) simply has no tasks for this device.
export async function refreshTasks() {
  // Before the request: the local progress the server already has is in its answer.
  const settled = await db.settledLocalIds("tasks");
  let tasks;
  try {
    tasks = (await getJson("/api/v1/tasks")).tasks || [];
  } catch (error) {
    if (error.status !== 404) throw error;
    tasks = [];
  }
  await db.replaceTasks(tasks, settled);
  await db.setMeta({ tasks_synced_at: new Date().toISOString() });
  dataEvents.dispatchEvent(new Event("changed"));
  return tasks.length;
}

export async function refreshAll() {
  if (!isOnline()) return;
  const results = await Promise.allSettled([refreshCatalog(), refreshTasks()]);
  for (const result of results) {
    if (result.status === "rejected") console.warn("offline data not refreshed:", result.reason?.message);
  }
}

// After scans reach the server, the tasks change there (a short pick re-allocated to another bin,
// steps done): fetch them again, once per quiet moment rather than once per scan.
let lastSyncSeen = null;
let taskTimer = null;
function refreshTasksAfterSync() {
  clearTimeout(taskTimer);
  taskTimer = setTimeout(async () => {
    if (!isOnline()) return;
    const { last_sync_at: lastSync } = await db.getMetas(["last_sync_at"]);
    if (!lastSync || lastSync === lastSyncSeen) return;
    lastSyncSeen = lastSync;
    refreshTasks().catch((error) => console.warn("tasks not refreshed:", error.message));
  }, TASKS_AFTER_SYNC_MS);
}

export function startRefreshing() {
  connectionEvents.addEventListener("change", () => { if (isOnline()) refreshAll(); });
  setInterval(refreshAll, REFRESH_MS);
  outboxEvents.addEventListener("changed", refreshTasksAfterSync);
  db.getMeta("last_sync_at").then((at) => { lastSyncSeen = lastSyncSeen ?? at ?? null; });
  return refreshAll();
}
