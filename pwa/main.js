// Boot: register the service worker, open the local database, find out who is signed in,
// start replaying the outbox and refreshing offline data, then route between screens.
import { startCartonUpkeep } from "./cartons.js";
import { watchConnection } from "./connection.js";
import * as db from "./db.js";
import * as feedback from "./feedback.js";
import { dataEvents, startRefreshing } from "./offline_data.js";
import { outboxEvents, startReplaying } from "./outbox.js";
import { startCamera } from "./scan/camera.js";
import { SCANNED } from "./scan/events.js";
import { resolveScan } from "./scan/lookup.js";
import { manualEntry } from "./scan/manual.js";
import { startWedge } from "./scan/wedge.js";
import { askToKeepStorage, cachedSession, loadSession, registerServiceWorker } from "./session.js";
import { countView } from "./views/count.js";
import { dashboardView } from "./views/dashboard.js";
import { dispatchView } from "./views/dispatch.js";
import { homeView, officeView } from "./views/home.js";
import { importsView } from "./views/imports.js";
import { moveView } from "./views/move.js";
import { packView } from "./views/pack.js";
import { pickListView, pickView } from "./views/pick.js";
import { receiveView } from "./views/receive.js";
import { receivingListView, receivingView } from "./views/receiving.js";
import { startPhotoUploads } from "./photos.js";
import { releaseView } from "./views/release.js";
import { reorderView } from "./views/reorder.js";
import { reportsView } from "./views/reports.js";
import { returnsView } from "./views/returns.js";
import { signoffCountView, signoffListView } from "./views/signoff.js";
import { mountStatusBar } from "./views/statusbar.js";
import { statusView } from "./views/status.js";
import { adminDevicesView } from "./views/admin_devices.js";
import { adminPeopleView } from "./views/admin_people.js";
import { adminSettingsView } from "./views/admin_settings.js";
import { ordersDeskView } from "./views/orders_desk.js";
import { orderDeskView } from "./views/orders_desk_order.js";
import { h } from "./views/ui.js";
import { correctView } from "./views/correct.js";
import { expiryView } from "./views/expiry.js";
import { historyView } from "./views/history.js";
import { scannerView } from "./views/scanner.js";

const ROUTES = [
  [/^\/?$/, homeView],
  [/^\/office$/, officeView],
  [/^\/move$/, moveView],
  [/^\/receive$/, receiveView],
  [/^\/pick$/, pickListView],
  [/^\/pick\/(.+)$/, pickView],
  [/^\/pack$/, packView],
  [/^\/dispatch$/, dispatchView],
  [/^\/count$/, countView],
  [/^\/signoff$/, signoffListView],
  [/^\/signoff\/(\d+)$/, signoffCountView],
  [/^\/status$/, statusView],
  [/^\/release$/, releaseView],
  [/^\/reorder$/, reorderView],
  [/^\/reports(?:\/([a-z-]+))?$/, reportsView],
  [/^\/admin\/people$/, adminPeopleView],
  [/^\/admin\/devices$/, adminDevicesView],
  [/^\/admin\/settings$/, adminSettingsView],
  [/^\/orders(?:\?.*)?$/, ordersDeskView],
  [/^\/orders\/([^?]+)$/, orderDeskView],
  [/^\/imports$/, importsView],
  [/^\/dashboard$/, dashboardView],
  [/^\/receiving$/, receivingListView],
  [/^\/receiving\/(.+)$/, receivingView],
  [/^\/returns$/, returnsView],
  [/^\/history(?:\?(.*))?$/, historyView],
  [/^\/correct\/(\d+)$/, correctView],
  [/^\/expiry(?:\?(.*))?$/, expiryView],
  [/^\/scanner$/, scannerView],
];

const app = document.getElementById("app");
const actionBar = document.getElementById("actions");
let current = null; // the screen on show: {title, el, actions, primary?, back?, onScan?, refresh?, destroy?, scanning?}
let camera = null;
let user = null;

async function boot() {
  registerServiceWorker();
  await db.database();
  await applyTestHooks();
  askToKeepStorage();
  // Start from the person this device knows (no wait for the network); ask the server in the background.
  const cached = await cachedSession();
  const session = cached.user || cached.state === "signed_out" ? cached : await loadSession();
  if (cached.user) {
    loadSession().then((checked) => {
      if (checked.user) user = checked.user;
      else if (checked.state === "signed_out") outboxEvents.dispatchEvent(new Event("changed")); // the sign-in screen
    }).catch(() => {});
  }
  watchConnection();
  if (session.state === "signed_out") {
    location.replace("/login");
    return;
  }
  user = session.user;
  mountStatusBar(document.getElementById("statusbar"));
  if (!user) {
    app.replaceChildren(h("section", { class: "screen" }, h("h1", {}, "Dockhand"),
      h("p", { class: "notice" }, "No connection, and no one has signed in on this device yet. Sign in needs the network once."),
      h("a", { href: "/login", class: "big-button go" }, "Sign in")));
    return;
  }
  feedback.unlockAudioOnFirstGesture();
  db.warmCatalog();
  startWedge();
  window.addEventListener(SCANNED, onScanned);
  window.addEventListener("hashchange", route);
  dataEvents.addEventListener("changed", () => current?.refresh?.());
  route();
  document.body.dataset.readyMs = String(Math.round(performance.now())); // how long a start took (tests read it)
  document.body.dataset.ready = "true";
  startReplaying();
  startRefreshing();
  startCartonUpkeep();
  startPhotoUploads();
}

// Test hook: a smaller replay batch (localStorage "dockhand.batch_size"), so a test can cut a
// connection between two batches. The service worker reads it from IndexedDB.
async function applyTestHooks() {
  const size = Number(localStorage.getItem("dockhand.batch_size"));
  await db.setMeta({ batch_size: size > 0 ? size : undefined });
}

function route() {
  stopCamera();
  current?.destroy?.();
  const path = location.hash.replace(/^#/, "") || "/";
  let view = null;
  for (const [pattern, make] of ROUTES) {
    const match = pattern.exec(path);
    if (match) {
      // actionsChanged: a screen whose buttons change with its step (pack) asks for the bar again.
      view = make({ user, params: match.slice(1), navigate: (hash) => { location.hash = hash; },
        actionsChanged: () => { if (current === view) renderActions(view, path); } });
      break;
    }
  }
  if (!view) {
    location.hash = "#/";
    return;
  }
  current = view;
  const parts = [view.el];
  if (view.scanning) parts.push(manualEntry({ label: "No scanner? Type the code" }));
  app.replaceChildren(...parts);
  app.dataset.screen = view.title;
  renderActions(view, path);
  view.refresh?.();
  window.scrollTo(0, 0);
}

function renderActions(view, path) {
  const bottom = [...(view.actions || [])];
  if (path !== "/" && !view.back) bottom.unshift(h("a", { href: "#/", class: "big-button", id: "home-button" }, "Home"));
  if (view.scanning) {
    bottom.push(h("button", { type: "button", class: "big-button info", id: "camera-button", onclick: toggleCamera },
      camera ? "Stop camera" : "Camera"));
  }
  if (view.primary) bottom.push(view.primary); // the main action sits last: under the right thumb
  actionBar.replaceChildren(...bottom);
  actionBar.dataset.count = String(bottom.length);
}

// Scans are handled one at a time, in the order they came, whatever their source.
let scanQueue = Promise.resolve();
function onScanned(event) {
  const { code, source } = event.detail;
  scanQueue = scanQueue.then(() => handleScan(code, source)).catch((error) => {
    console.error(error);
    feedback.failure("Scan not handled", error.message);
  });
}

async function handleScan(code, source) {
  const view = current;
  if (!view?.onScan) {
    feedback.failure(code, "Choose what you are doing first");
    return;
  }
  const scan = { ...(await resolveScan(code)), source };
  await view.onScan(scan);
}

let cameraStarting = false;
async function toggleCamera() {
  if (camera) {
    stopCamera();
    return;
  }
  if (cameraStarting) return;
  cameraStarting = true;
  const video = h("video", { id: "camera-video", playsinline: true, muted: true });
  const panel = h("div", { class: "camera-panel", id: "camera-panel" }, video);
  app.append(panel);
  const button = document.getElementById("camera-button");
  if (button) button.textContent = "Stop camera";
  try {
    camera = await startCamera(video);
    panel.scrollIntoView({ block: "nearest" });
  } catch (error) {
    panel.remove();
    if (button) button.textContent = "Camera";
    feedback.failure("Camera not available", error.message);
  } finally {
    cameraStarting = false;
  }
}

function stopCamera() {
  camera?.stop();
  camera = null;
  document.getElementById("camera-panel")?.remove();
  const button = document.getElementById("camera-button");
  if (button) button.textContent = "Camera";
}

boot().catch((error) => {
  console.error(error);
  app.replaceChildren(h("section", { class: "screen" }, h("h1", {}, "Dockhand could not start"),
    h("p", { class: "error-text" }, error.message)));
});
