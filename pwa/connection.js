// Whether the server answers: the app's own idea of "online", taken from what its requests got back.
// A request that fails or times out means offline; any HTTP answer means online. navigator.onLine is
// only a hint (a phone on Wi-Fi whose server is down says true; Chromium can say true with no network).
// Runs in the page and in the service worker; each context tells the others what it learned.

const REQUEST_TIMEOUT_MS = 10_000; // a request still unanswered by then is treated as lost
const PROBE_TIMEOUT_MS = 4_000;
const PROBE_OFFLINE_MS = 3_000; // while offline: ask again this often, to notice the server coming back
const FRESH_MS = 10_000; // while online: when no answer came for this long, ask once to be sure
const PROBE_PATH = "/healthz";

export const connectionEvents = new EventTarget(); // "change": online flipped (in any context)
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("dockhand-connection") : null;

let online = null; // null: nothing answered or failed yet in this context
let lastAnswerAt = 0;

export function isOnline() {
  return online === true;
}

// What the status bar shows: "unknown" only until the first request of this context settles.
export function connectionState() {
  return { online: online === true, known: online !== null, lastAnswerAt };
}

function settle(value, { tell = true } = {}) {
  if (value) lastAnswerAt = Date.now();
  if (online === value) return;
  online = value;
  if (tell) channel?.postMessage({ type: "connection", online: value, at: lastAnswerAt });
  connectionEvents.dispatchEvent(new Event("change"));
}

channel?.addEventListener("message", (event) => {
  if (event.data?.type === "connection") settle(event.data.online, { tell: false });
});

export class Unreachable extends Error {
  constructor(message) {
    super(message);
    this.name = "Unreachable";
  }
}

// fetch() to our own server, with a timeout, reporting what happened. Throws Unreachable when no answer
// came (network error, refused, timed out); an HTTP error status is an answer and is returned as is.
export async function serverFetch(path, options = {}, timeoutMs = REQUEST_TIMEOUT_MS) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(path, { credentials: "same-origin", cache: "no-store", ...options, signal: controller.signal });
    settle(true);
    return response;
  } catch (error) {
    settle(false);
    throw new Unreachable(controller.signal.aborted ? `no answer from the server in ${timeoutMs / 1000} s`
      : "no connection to the server");
  } finally {
    clearTimeout(timer);
  }
}

// Ask the server whether it is there; → true when it answered.
export async function probe() {
  try {
    await serverFetch(PROBE_PATH, {}, PROBE_TIMEOUT_MS);
    return true;
  } catch {
    return false;
  }
}

// Page only: keep the state true to the server. While offline, probe every few seconds; while online,
// probe when nothing has answered for a while. The browser's offline event is believed at once
// (no network at all); its online event only prompts a probe.
let watching = false;
export function watchConnection() {
  if (watching) return;
  watching = true;
  let probing = false;
  async function check(force = false) {
    if (probing) return;
    const due = online !== true || Date.now() - lastAnswerAt >= FRESH_MS;
    if (!force && !due) return;
    probing = true;
    try {
      await probe();
    } finally {
      probing = false;
    }
  }
  globalThis.addEventListener?.("offline", () => settle(false));
  globalThis.addEventListener?.("online", () => check(true));
  setInterval(() => { if (online !== true) check(); }, PROBE_OFFLINE_MS);
  setInterval(() => { if (online === true) check(); }, FRESH_MS / 4);
  if (online === null) check(true);
}
