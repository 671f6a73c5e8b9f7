// This device and who is on it: the device id, the service worker, signing in state and signing out.
// Signing out never touches the outbox: scans keep the name of whoever scanned them.
import { serverFetch } from "./connection.js";
import * as db from "./db.js";
import { loadLimits, rememberLimits } from "./limits.js";

const DEVICE_KEY = "dockhand.device_id";
// The app must start from what the device holds even when the server is silent: wait this long at most.
const ME_TIMEOUT_MS = 3000;

export function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return Promise.resolve(null);
  // Once active, it must control this page too, or a reload without a connection finds nothing.
  navigator.serviceWorker.ready.then((registration) => {
    if (!navigator.serviceWorker.controller) registration.active?.postMessage({ type: "claim" });
  });
  // A module worker, so it can import the same outbox module the page uses.
  return navigator.serviceWorker.register("/sw.js", { type: "module", scope: "/" }).catch((error) => {
    console.warn("service worker not registered", error);
    return null;
  });
}

// The id the server knows this device by: made once, kept in localStorage and IndexedDB
// (the service worker has no localStorage).
export async function deviceId() {
  let id = localStorage.getItem(DEVICE_KEY) || (await db.getMeta("device_id")) || crypto.randomUUID();
  localStorage.setItem(DEVICE_KEY, id);
  if ((await db.getMeta("device_id")) !== id) await db.setMeta({ device_id: id });
  return id;
}

// Who this device last knew was signed in, from IndexedDB only: the app starts from this at once,
// whatever the network does, and asks the server (loadSession) in the background.
// → {state: "cached" | "signed_out" | "unknown", user}
export async function cachedSession() {
  await deviceId();
  const { user, signed_out: signedOut } = await db.getMetas(["user", "signed_out"]);
  if (signedOut) return { state: "signed_out", user: null };
  return { state: user ? "cached" : "unknown", user: user || null };
}

// → {state: "online" | "offline" | "signed_out" | "unknown", user}
export async function loadSession() {
  await deviceId();
  await loadLimits();
  const { user, signed_out: signedOut } = await db.getMetas(["user", "signed_out"]);
  if (signedOut) return { state: "signed_out", user: null };
  let response;
  try {
    response = await serverFetch("/api/v1/me", {}, ME_TIMEOUT_MS);
  } catch {
    return { state: user ? "offline" : "unknown", user: user || null };
  }
  if (response.status === 401) {
    // The server ended the session. Scans may wait on this device: the person is asked to sign in on the
    // whole screen (needs_signin), rather than the app quietly going to the sign-in page.
    await db.setMeta({ user: undefined, csrf: undefined, needs_signin: true });
    return { state: "signed_out", user: null };
  }
  if (!response.ok) return { state: user ? "offline" : "unknown", user: user || null };
  const me = await response.json();
  await db.setMeta({ user: me.user, csrf: me.csrf_token, needs_signin: undefined });
  await rememberLimits(me.limits);
  return { state: "online", user: me.user };
}

// What the sign-in page calls once the server said yes.
export async function signedIn(user, csrf, limits) {
  await db.setMeta({ user, csrf, signed_out: undefined, needs_signin: undefined });
  await rememberLimits(limits);
  await askToKeepStorage();
}

// Ask the browser never to evict this device's storage (the outbox) under pressure, and remember its
// answer for the status screen: "false" means waiting scans could be cleared by the browser.
export async function askToKeepStorage() {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist) return null; // no such API here: nothing to ask, nothing to warn about
  let kept;
  try {
    kept = Boolean((await storage.persisted()) || (await storage.persist()));
  } catch {
    kept = false;
  }
  await db.setMeta({ storage_persisted: kept });
  return kept;
}

export async function signOut() {
  const csrf = await db.getMeta("csrf");
  // Marked first: if the server cannot be told (offline), the app still treats the person as gone.
  await db.setMeta({ user: undefined, csrf: undefined, signed_out: true });
  try {
    await serverFetch("/api/v1/logout", { method: "POST", headers: { "X-CSRF-Token": csrf || "" } }, 3000);
  } catch {
    // Offline: the next sign-in replaces the server session anyway.
  }
  location.assign("/login");
}

// Someone signed out while offline: the server never heard it. End that session now if we can.
export async function endLeftoverSession() {
  if (!(await db.getMeta("signed_out"))) return;
  try {
    const me = await serverFetch("/api/v1/me");
    if (!me.ok) return;
    const { csrf_token: csrf } = await me.json();
    await serverFetch("/api/v1/logout", { method: "POST", headers: { "X-CSRF-Token": csrf } });
  } catch {
    // still offline: the next sign-in replaces the session anyway
  }
}
