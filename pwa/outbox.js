// The device outbox: every scan waits in IndexedDB until the server answers applied/duplicate;
// rejected ones go to "needs attention" with the server's reason. Runs in the page and in the SW.
import { connectionEvents, isOnline, serverFetch } from "./connection.js";
import * as db from "./db.js";

export const SYNC_TAG = "dockhand-outbox";
const MAX_BATCH = 200; // the server takes 500; smaller batches answer faster on a weak signal
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 60000;
const TIMER_MS = 30000;
const WIRE_FIELDS = ["id", "device_seq", "kind", "item", "qty", "uom", "from", "to", "ref", "lot", "expiry",
  "occurred_at", "scanned_by", "condition", "photo", "disposition", "reason"];
const IN_WINDOW = typeof window !== "undefined";

const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("dockhand") : null;
export const outboxEvents = new EventTarget(); // "changed" in this context; other contexts via the channel
channel?.addEventListener("message", (event) => {
  if (event.data?.type === "outbox-changed") outboxEvents.dispatchEvent(new Event("changed"));
});

function changed() {
  outboxEvents.dispatchEvent(new Event("changed"));
  channel?.postMessage({ type: "outbox-changed" });
}

// ---- enqueue ----------------------------------------------------------------------------

// Resolves only after the movement is committed to disk: the caller may then beep.
// `movement`: {kind, item, qty, uom?, from?, to?, ref?, lot?, expiry?} plus `label` for the screen.
// `also(id)`: what the screen records about this scan ([{store, value, key?}]), committed with it.
export async function enqueue(movement, { also } = {}) {
  const id = crypto.randomUUID();
  const record = await db.addToOutbox({
    ...movement,
    id,
    occurred_at: new Date().toISOString(),
  }, also ? also(id) : []);
  // The rest waits until the frame with the screen's green is drawn (a slow handheld feels every ms).
  afterNextFrame(() => {
    changed();
    if (IN_WINDOW) {
      if (isOnline()) replay(); // offline: the connection watch sends it the moment the server answers
      requestBackgroundSync();
    }
  });
  return record;
}

function afterNextFrame(work) {
  if (IN_WINDOW && typeof requestAnimationFrame === "function" && document.visibilityState === "visible") {
    requestAnimationFrame(() => setTimeout(work, 0));
  } else {
    setTimeout(work, 0);
  }
}

// One registration stands for every scan after it: the browser fires it (and retries it) until a replay
// succeeds. Asking again on every scan woke the service worker for a replay that fought the next scan's
// write for the outbox (a 100+ ms stall on a slow handheld offline).
const SYNC_REQUEST_EVERY_MS = 15000;
let syncRequestedAt = -Infinity;

async function requestBackgroundSync() {
  if (Date.now() - syncRequestedAt < SYNC_REQUEST_EVERY_MS) return;
  syncRequestedAt = Date.now();
  try {
    const registration = await navigator.serviceWorker?.getRegistration("/");
    await registration?.sync?.register(SYNC_TAG);
  } catch {
    // No Background Sync here (or not allowed): the online event and the timer replay instead.
  }
}

// ---- replay -----------------------------------------------------------------------------

let inflight = null;
let again = false;

// Single-flight: one replay at a time in this context, and (Web Locks) across the page and the SW.
export function replay() {
  if (inflight) {
    again = true; // something was queued meanwhile: go round once more when this one ends
    return inflight;
  }
  inflight = (async () => {
    let result;
    do {
      again = false;
      result = await withReplayLock(replayAll);
    } while (again && result.state === "synced");
    return result;
  })().finally(() => { inflight = null; });
  return inflight;
}

// The lock only spares a duplicate send (the server applies each id once), so it must never wedge the
// outbox: after a browser is killed, Chromium can leave requests pending on a lock nobody holds. Wait a
// while for another context's replay, then take the lock over.
const REPLAY_LOCK = "dockhand-outbox-replay";
const LOCK_WAIT_MS = 10_000;

async function withReplayLock(work) {
  const locks = globalThis.navigator?.locks;
  if (!locks) return work();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), LOCK_WAIT_MS);
  try {
    return await locks.request(REPLAY_LOCK, { signal: controller.signal }, work);
  } catch (error) {
    if (error?.name !== "AbortError") throw error;
    return locks.request(REPLAY_LOCK, { steal: true }, work);
  } finally {
    clearTimeout(timer);
  }
}

async function replayAll() {
  // The browser knows for sure when there is no network at all; otherwise only an answer tells.
  if (globalThis.navigator && navigator.onLine === false) return { state: "offline" };
  // The server's own limit (GET /api/v1/me) caps our choice; the batch_size test hook lowers it.
  const { limits, batch_size: batchSetting } = await db.getMetas(["limits", "batch_size"]);
  const serverMax = Number(limits?.max_batch_movements) || MAX_BATCH;
  const fullBatch = Math.min(MAX_BATCH, serverMax, Math.max(1, Number(batchSetting) || MAX_BATCH));
  let batchSize = fullBatch;
  let csrfRetried = false;
  let sent = 0;
  for (;;) {
    // Read, then send, then write: never await the network inside an IndexedDB transaction.
    const batch = await db.outboxInOrder(batchSize);
    if (batch.length === 0) {
      failures = 0;
      retryAt = 0;
      return { state: "synced", sent };
    }
    const { device_id: deviceId, csrf: storedCsrf, signed_out: signedOut } = await db.getMetas(["device_id", "csrf", "signed_out"]);
    // Signed out on this device: nothing is sent on a session left behind; the next sign-in sends it.
    if (signedOut) return { state: "signed_out", sent };
    const csrf = storedCsrf || (await freshCsrf());
    const queued = await db.outboxCount(); // this batch included: the server shows admins what still waits here
    let response;
    try {
      response = await serverFetch("/api/v1/sync", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf || "" },
        body: JSON.stringify({ device_id: deviceId, sent_at: new Date().toISOString(), queued, movements: batch.map(wire) }),
      });
    } catch (error) {
      return failed("network", error.message);
    }
    if (response.status === 401) {
      await db.setMeta({ needs_signin: true, csrf: undefined });
      changed();
      return { state: "needs_signin", sent };
    }
    if (response.status === 413 && batch.length > 1) {
      batchSize = Math.ceil(batch.length / 2);
      continue;
    }
    if (response.status === 413) {
      // One movement alone is too big to ever be accepted: a person has to see it.
      const error = (await errorOf(response)) || { code: "batch_too_large", message: "too large to send" };
      await db.settleResults([{ movement: batch[0], result: { status: "rejected", error } }]);
      changed();
      continue;
    }
    if (response.status === 403) {
      const error = await errorOf(response);
      if (error?.code === "csrf_failed" && !csrfRetried) {
        csrfRetried = true;
        await db.setMeta({ csrf: undefined });
        continue;
      }
      if (error?.code === "device_mismatch") {
        // The session was opened on another device: this one needs its own sign-in. The scans stay.
        await db.setMeta({ needs_signin: true, csrf: undefined });
        changed();
        return { state: "needs_signin", sent };
      }
      return failed(error?.code || "forbidden", error?.message || "the server refused this device");
    }
    if (response.status === 400 || response.status >= 500) {
      // A batch the server keeps refusing must not block the queue forever: halve it until the one bad
      // movement is alone, put that in "needs attention" with the server's words, and send the rest.
      const error = (await errorOf(response)) || { code: `http_${response.status}`, message: `server answered ${response.status}` };
      if (response.status >= 500 && !(await serverHealthy())) return failed(error.code, error.message); // an outage: wait
      if (batch.length > 1) {
        batchSize = Math.ceil(batch.length / 2);
        continue;
      }
      if (response.status === 400 || strike(batch[0].id) >= POISON_STRIKES) {
        await db.settleResults([{ movement: batch[0], result: { status: "rejected", error } }]);
        strikes.delete(batch[0].id);
        changed();
        batchSize = fullBatch; // the rest goes on at full speed
        continue;
      }
      return failed(error.code, error.message);
    }
    if (!response.ok) {
      const error = await errorOf(response);
      return failed(error?.code || `http_${response.status}`, error?.message || `server answered ${response.status}`);
    }
    let results;
    try {
      results = (await response.json()).results;
    } catch {
      return failed("bad_answer", "the server's answer was cut off");
    }
    const byId = new Map((Array.isArray(results) ? results : []).filter((r) => r && r.id).map((r) => [r.id, r]));
    const outcomes = batch
      .map((movement) => ({ movement, result: byId.get(movement.id) }))
      .filter(({ result }) => result && ["applied", "duplicate", "rejected"].includes(result.status));
    if (outcomes.length === 0) return failed("bad_answer", "the server answered none of the batch");
    await db.settleResults(outcomes, { last_sync_at: new Date().toISOString(), needs_signin: undefined, last_error: undefined });
    sent += outcomes.length;
    changed();
  }
}

// A lone movement that a healthy server answers 5xx for: after this many tries it goes to a person.
const POISON_STRIKES = 3;
const strikes = new Map();
function strike(id) {
  const count = (strikes.get(id) || 0) + 1;
  strikes.set(id, count);
  return count;
}

async function serverHealthy() {
  try {
    return (await serverFetch("/healthz", {}, 4000)).ok;
  } catch {
    return false;
  }
}

function wire(record) {
  const movement = {};
  for (const name of WIRE_FIELDS) {
    const value = record[name];
    if (value !== undefined && value !== null && value !== "") movement[name] = value;
  }
  return movement;
}

async function errorOf(response) {
  try {
    return (await response.json()).error || null;
  } catch {
    return null;
  }
}

async function freshCsrf() {
  try {
    const response = await serverFetch("/api/v1/me");
    if (!response.ok) return null;
    const me = await response.json();
    await db.setMeta({ csrf: me.csrf_token, user: me.user });
    return me.csrf_token;
  } catch {
    return null;
  }
}

// ---- retry with backoff -----------------------------------------------------------------

let failures = 0;
let retryTimer = null;
let retryAt = 0; // the periodic timer leaves the server alone until then

async function failed(code, message) {
  await db.setMeta({ last_error: { code, message, at: new Date().toISOString() } });
  changed();
  const delay = retryDelay(failures);
  failures += 1;
  retryAt = Date.now() + delay;
  if (IN_WINDOW) { // the SW is not kept alive for timers: the browser retries its sync event
    clearTimeout(retryTimer);
    retryTimer = setTimeout(replay, delay);
  }
  return { state: "retrying", code, message, retry_in_ms: delay };
}

// 1 s doubling to 60 s, ±25 % jitter so a floor of devices coming back does not arrive in step.
export function retryDelay(failureCount) {
  const base = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** failureCount);
  return Math.round(Math.min(RETRY_MAX_MS, base * (0.75 + Math.random() * 0.5)));
}

// ---- triggers (page only) ---------------------------------------------------------------

export function startReplaying() {
  // The server answered again (any request, any context): send at once, whatever the backoff said.
  connectionEvents.addEventListener("change", () => {
    if (!isOnline()) return;
    failures = 0;
    retryAt = 0;
    replay();
  });
  setInterval(() => { if (isOnline() && Date.now() >= retryAt) replay(); }, TIMER_MS);
  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data?.type === "replay") replay();
    if (event.data?.type === "outbox-changed") outboxEvents.dispatchEvent(new Event("changed"));
  });
  requestBackgroundSync();
  return replay();
}

// ---- what the status bar shows ----------------------------------------------------------

export async function outboxStatus() {
  const [waiting, attention, meta] = await Promise.all([
    db.outboxCount(), db.attentionCount(), db.getMetas(["last_sync_at", "needs_signin", "last_error"]),
  ]);
  return { waiting, attention, ...meta };
}
