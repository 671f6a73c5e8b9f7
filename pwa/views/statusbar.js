// The bar at the top of every screen: connection, scans waiting, last successful sync, needs attention.
import { connectionEvents, connectionState, isOnline, serverFetch } from "../connection.js";
import * as db from "../db.js";
import * as feedback from "../feedback.js";
import { outboxEvents, outboxStatus } from "../outbox.js";
import { alertText, clockTime, h } from "./ui.js";

const SUPERVISOR_ROLES = ["supervisor", "admin"];
const EXCEPTIONS_EVERY_MS = 30000;
const REFRESH_AFTER_CHANGE_MS = 150;

export function mountStatusBar(bar) {
  const connection = h("span", { class: "sb-connection", id: "sb-connection" });
  const waiting = h("span", { class: "sb-waiting", id: "sb-waiting" });
  const synced = h("span", { class: "sb-synced", id: "sb-synced" });
  const attention = h("span", { class: "sb-attention", id: "sb-attention" });
  // A supervisor's second row starts with what is open on the server instead of the last sync time.
  const exceptions = h("span", { class: "sb-exceptions", id: "sb-exceptions", hidden: true });
  // What the server said after the green (a refusal, a flag): the whole second row, until read on the status
  // screen (the bar is one tap target already, and a small screen has no room for a third row).
  const alertsStrip = h("span", { class: "sb-alerts", id: "sb-alerts", hidden: true, role: "alert" });
  const link = h("a", { href: "#/status", class: "sb-link", title: "Sync status and needs attention" },
    connection, waiting, synced, exceptions, attention, alertsStrip);
  const announced = new Set();
  // When the server wants a sign-in, the whole screen says so, with how many scans wait here.
  const signinWaiting = h("span", { class: "signin-waiting", id: "signin-waiting" });
  const signin = h("a", { href: "/login", class: "sb-signin", id: "sb-signin", hidden: true, role: "alertdialog" },
    h("span", { class: "signin-title" }, "Sign in needed"), signinWaiting,
    h("span", { class: "big-button go signin-button" }, "Sign in"));
  bar.replaceChildren(link, signin);

  async function update() {
    const status = await outboxStatus();
    // What the server last answered, not what the browser believes (see connection.js).
    const { online, known } = connectionState();
    bar.dataset.online = known ? String(online) : "unknown";
    bar.dataset.waiting = String(status.waiting);
    bar.dataset.attention = String(status.attention);
    bar.dataset.lastSync = status.last_sync_at || "";
    connection.textContent = !known ? "● Connecting…" : online ? "● Online" : "● Offline";
    connection.className = `sb-connection ${online ? "on" : "off"}`;
    waiting.textContent = `${status.waiting} waiting`;
    waiting.className = `sb-waiting ${status.waiting ? "some" : ""}`;
    synced.textContent = status.last_sync_at ? `Synced ${clockTime(status.last_sync_at)}` : "Not synced yet";
    attention.textContent = `Needs attention: ${status.attention}`;
    attention.className = `sb-attention ${status.attention ? "some" : ""}`;
    signin.hidden = !status.needs_signin;
    showAlerts(await db.listAlerts());
    const open = openExceptions;
    exceptions.hidden = open === null;
    synced.hidden = open !== null;
    if (open !== null) {
      bar.dataset.exceptions = String(open);
      exceptions.textContent = `Exceptions: ${open}`; // short: it shares a row with "Needs attention" at 360 px
      exceptions.className = `sb-exceptions ${open ? "some" : ""}`;
    }
    signinWaiting.textContent = status.waiting
      ? `${status.waiting} scan${status.waiting === 1 ? "" : "s"} wait on this device. They are sent once you sign in.`
      : "The server ended this session. Nothing is waiting on this device.";
  }
  // Coalesce bursts of changes (50 quick scans) into few reads, never missing the last one.
  let running = false;
  let dirty = false;
  async function refresh() {
    if (running) {
      dirty = true;
      return;
    }
    running = true;
    try {
      do {
        dirty = false;
        await update();
      } while (dirty);
    } finally {
      running = false;
    }
  }
  function showAlerts(alerts) {
    bar.dataset.alerts = String(alerts.length);
    alertsStrip.hidden = !alerts.length;
    link.classList.toggle("has-alerts", alerts.length > 0);
    const refused = alerts.filter((a) => a.kind === "rejected").length;
    const flagged = alerts.length - refused;
    alertsStrip.className = `sb-alerts ${refused ? "bad" : "warn"}`;
    alertsStrip.textContent = [refused ? `${refused} scan${refused === 1 ? "" : "s"} refused` : null,
      flagged ? `${flagged} flagged` : null].filter(Boolean).join(" · ") + ": tap to read";
    const fresh = alerts.filter((a) => !announced.has(a.id));
    for (const alert of fresh) announced.add(alert.id);
    if (!fresh.length) return;
    const worst = fresh.find((a) => a.kind === "rejected") || fresh[0];
    feedback.afterFlash(() => {
      if (worst.kind === "rejected") feedback.failure("Refused by the server", alertText(worst));
      else feedback.warning("Flagged by the server", alertText(worst));
    });
  }

  // A supervisor's device shows what is open on the server (exceptions and refused scans), not only its own.
  let openExceptions = null;
  async function fetchExceptions() {
    const user = await db.getMeta("user");
    if (!(user?.roles || []).some((role) => SUPERVISOR_ROLES.includes(role)) || !isOnline()) return;
    try {
      const totals = await Promise.all(["/api/v1/exceptions?limit=1", "/api/v1/rejects?limit=1"].map(async (path) => {
        const response = await serverFetch(path);
        return response.ok ? (await response.json()).open_total || 0 : null;
      }));
      if (totals.includes(null)) return;
      openExceptions = totals[0] + totals[1];
      refresh();
    } catch {
      // offline: the last number stays
    }
  }
  let exceptionsTimer = null;
  function fetchExceptionsSoon() {
    clearTimeout(exceptionsTimer);
    exceptionsTimer = setTimeout(fetchExceptions, 1000);
  }

  // A scan changes the outbox twice (queued, then sent): redraw once things settle, not in the middle of the next
  // scan (each redraw is four reads of IndexedDB that a slow handheld's next scan would queue behind).
  let refreshTimer = null;
  const refreshSoon = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, REFRESH_AFTER_CHANGE_MS);
  };
  outboxEvents.addEventListener("changed", refreshSoon);
  outboxEvents.addEventListener("changed", fetchExceptionsSoon);
  connectionEvents.addEventListener("change", refresh);
  connectionEvents.addEventListener("change", fetchExceptionsSoon);
  setInterval(refresh, 15000);
  setInterval(fetchExceptions, EXCEPTIONS_EVERY_MS);
  fetchExceptionsSoon();
  return refresh();
}
