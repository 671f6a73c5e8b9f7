// The bar at the top of every screen: connection, scans waiting, last successful sync, needs attention.
import { connectionEvents, connectionState } from "../connection.js";
import { outboxEvents, outboxStatus } from "../outbox.js";
import { clockTime, h } from "./ui.js";

export function mountStatusBar(bar) {
  const connection = h("span", { class: "sb-connection", id: "sb-connection" });
  const waiting = h("span", { class: "sb-waiting", id: "sb-waiting" });
  const synced = h("span", { class: "sb-synced", id: "sb-synced" });
  const attention = h("span", { class: "sb-attention", id: "sb-attention" });
  const link = h("a", { href: "#/status", class: "sb-link", title: "Sync status and needs attention" },
    connection, waiting, synced, attention);
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
  outboxEvents.addEventListener("changed", refresh);
  connectionEvents.addEventListener("change", refresh);
  setInterval(refresh, 15000);
  return refresh();
}
