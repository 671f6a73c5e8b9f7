// Dockhand's service worker (a module worker): the versioned app shell, offline navigation,
// and replaying the outbox on Background Sync. It never caches /api/: the app owns its data.
import { replay, SYNC_TAG } from "/pwa/outbox.js";

// Bump on every change to a file below: a new version precaches afresh and deletes the old cache.
// IndexedDB (the outbox, the catalogue) is not in any cache and is never touched here.
const CACHE_VERSION = "2026-11-27.exceptions-by-warehouse";
const CACHE_PREFIX = "dockhand-shell-";
const CACHE_NAME = CACHE_PREFIX + CACHE_VERSION;
const NAVIGATION_TIMEOUT_MS = 4000; // a weak signal answers slower than the cached shell

const SHELL = [
  "/",
  "/login",
  "/manifest.webmanifest",
  "/static/app.css",
  "/static/icons/icon-192.png",
  "/static/icons/icon-512.png",
  "/static/vendor/idb/index.js",
  "/static/vendor/barcode-detector/ponyfill.js",
  "/static/vendor/barcode-detector/zxing-exported.js",
  "/static/vendor/zxing-wasm/zxing_reader.wasm",
  "/pwa/main.js",
  "/pwa/api.js",
  "/pwa/connection.js",
  "/pwa/limits.js",
  "/pwa/db.js",
  "/pwa/outbox.js",
  "/pwa/session.js",
  "/pwa/offline_data.js",
  "/pwa/feedback.js",
  "/pwa/codes.js",
  "/pwa/cartons.js",
  "/pwa/signin.js",
  "/pwa/scan/gs1.js",
  "/pwa/scan/decoder.js",
  "/pwa/scan/events.js",
  "/pwa/scan/wedge.js",
  "/pwa/scan/camera.js",
  "/pwa/scan/manual.js",
  "/pwa/scan/lookup.js",
  "/pwa/scan/sscc.js",
  "/pwa/views/ui.js",
  "/pwa/views/statusbar.js",
  "/pwa/views/home.js",
  "/pwa/views/move.js",
  "/pwa/views/receive.js",
  "/pwa/views/pick.js",
  "/pwa/views/pack.js",
  "/pwa/views/dispatch.js",
  "/pwa/views/count.js",
  "/pwa/views/signoff.js",
  "/pwa/views/status.js",
  "/pwa/views/release.js",
  "/pwa/views/pack_lines.js",
  "/pwa/views/pack_cartons.js",
  "/pwa/views/reorder.js",
  "/pwa/views/reports.js",
  "/static/reorder.css",
  "/static/office.css",
  "/pwa/views/admin_http.js",
  "/pwa/views/admin_people.js",
  "/pwa/views/admin_person.js",
  "/pwa/views/admin_devices.js",
  "/pwa/views/admin_settings.js",
  "/pwa/views/orders_desk.js",
  "/pwa/views/orders_desk_order.js",
  "/pwa/views/imports.js",
  "/static/csv.css",
  "/static/dashboard.css",
  "/pwa/views/dashboard.js",
  "/pwa/views/dashboard_live.js",
  "/pwa/views/dashboard_panels.js",
  "/pwa/views/dashboard_picker.js",
  "/pwa/photos.js",
  "/pwa/views/receiving.js",
  "/pwa/views/receiving_lines.js",
  "/static/receiving.css",
  "/pwa/views/returns.js",
  "/pwa/views/transfer_ship.js",
  "/static/returns.css",
  "/pwa/scan/framing.js",
  "/pwa/views/history.js",
  "/pwa/views/correct.js",
  "/pwa/views/expiry.js",
  "/pwa/views/scanner.js",
  "/static/night.css",
];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE_NAME);
    // "reload": straight from the server, never from the HTTP cache of an older version.
    await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload", credentials: "same-origin" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return; // always the network; the app handles failure
  if (request.mode === "navigate") {
    // Only the app's own pages fall back to the cache; a PDF or an admin page needs the network.
    // The shell ("/") is the same for everyone and versioned with this cache: straight from the cache, so the
    // app starts within a second whatever the network does (it asks the server who is signed in afterwards).
    if (url.pathname === "/") event.respondWith(shellFirst(request, url));
    else if (url.pathname === "/login") event.respondWith(navigation(request, url));
  } else if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/pwa/")
             || url.pathname === "/manifest.webmanifest") {
    event.respondWith(cacheFirst(request));
  }
});

async function shellFirst(request, url) {
  const cached = await caches.match("/", { cacheName: CACHE_NAME });
  return cached || navigation(request, url);
}

async function navigation(request, url) {
  const fallback = url.pathname === "/login" ? "/login" : "/";
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    if (response.status < 500) return response;
    throw new Error(`server answered ${response.status}`);
  } catch {
    const cached = await caches.match(fallback, { cacheName: CACHE_NAME });
    return cached || Response.error();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE_NAME);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") cache.put(request, response.clone());
  return response;
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); });
  });
}

// Background Sync: the browser wakes us when it believes there is a connection.
self.addEventListener("sync", (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil((async () => {
    const result = await replay();
    const windows = await self.clients.matchAll({ type: "window" });
    for (const client of windows) client.postMessage({ type: "outbox-changed", result });
    // Thrown: the browser retries this sync later, with its own backoff.
    if (result.state === "retrying") throw new Error(result.message);
  })());
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "replay") event.waitUntil(replay());
  // A page that loaded while this worker was still installing missed the claim in activate.
  if (event.data?.type === "claim") event.waitUntil(self.clients.claim());
});
