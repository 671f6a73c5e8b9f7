// Status: what is waiting to be sent, when the last sync worked, and the scans the server refused
// ("needs attention"), each with the server's reason, kept until the person dismisses it.
import * as db from "../db.js";
import * as feedback from "../feedback.js";
import { isOnline } from "../connection.js";
import { outboxEvents, outboxStatus, replay } from "../outbox.js";
import { historyHref } from "./history.js";
import { alertText, clockTime, confirmDialog, h, movementText } from "./ui.js";

const SHOWN_WAITING = 100;

export function statusView({ user } = {}) {
  // A supervisor goes from what the server flagged to the item's movement history in one tap.
  const supervisor = (user?.roles || []).some((role) => ["supervisor", "admin"].includes(role));
  const summary = h("div", { class: "status-summary", id: "status-summary" });
  const attentionList = h("ul", { class: "cards", id: "attention-list" });
  const waitingList = h("ul", { class: "cards small", id: "waiting-list" });
  const alertList = h("div", { id: "alert-list" });
  const el = h("section", { class: "screen", id: "status-screen" },
    h("h1", {}, "Sync status"), alertList, summary,
    h("h2", {}, "Needs attention"), attentionList,
    h("h2", {}, "Waiting to send"), waitingList);

  async function refresh() {
    const [status, attention, waiting, persisted] = await Promise.all([outboxStatus(), db.listAttention(),
      db.outboxInOrder(SHOWN_WAITING), db.getMeta("storage_persisted")]);
    summary.replaceChildren(...[
      h("p", {}, isOnline() ? "Online: the server answers." : "Offline (the server does not answer): scans are kept on this device."),
      h("p", {}, `${status.waiting} scan${status.waiting === 1 ? "" : "s"} waiting. `,
        status.last_sync_at ? `Last sync ${clockTime(status.last_sync_at)}.` : "Not synced yet."),
      status.needs_signin ? h("p", { class: "error-text" }, "Sign in again to send the waiting scans.") : null,
      persisted === false ? h("p", { class: "error-text", id: "storage-not-kept" },
        "This browser did not agree to keep this device's storage: if the phone runs short of space, waiting scans "
        + "could be cleared. Sync often, or install the app to the home screen.") : null,
      status.last_error && status.waiting ? h("p", { class: "muted" }, `Last try: ${status.last_error.message}`) : null,
    ].filter(Boolean));
    showAlerts(await db.listAlerts());
    attentionList.replaceChildren(...(attention.length ? attention.map(attentionCard)
      : [h("li", { class: "muted" }, "Nothing needs attention.")]));
    waitingList.replaceChildren(...(waiting.length ? waiting.map((m) => h("li", { class: "card" },
      h("p", {}, movementText(m)), h("p", { class: "muted" }, `${m.scanned_by} · ${clockTime(m.occurred_at)}`)))
      : [h("li", { class: "muted" }, "Nothing waiting.")]));
  }

  // What the server said since the person last looked: read here, then gone from the status bar.
  function showAlerts(alerts) {
    if (!alerts.length) return alertList.replaceChildren();
    const seen = h("button", { type: "button", class: "big-button warn", id: "alerts-seen", onclick: async () => {
      await db.markAlertsRead(alerts.map((a) => a.id));
      outboxEvents.dispatchEvent(new Event("changed"));
      refresh();
    } }, "Seen");
    // "Seen" above the cards: on a small handheld a long list must not push it off the screen.
    alertList.replaceChildren(h("h2", {}, "From the server"), seen,
      h("ul", { class: "cards" }, alerts.map((alert) => h("li", { class: `card alert ${alert.kind}`, dataset: { id: alert.id } },
        h("p", { class: "card-title" }, alert.kind === "rejected" ? "Refused" : "Flagged", supervisor && alert.movement?.item
          ? h("span", { class: "alert-history-wrap" }, " · ",
            h("a", { href: historyHref({ item: alert.movement.item }), class: "hist-link alert-history" }, "history")) : null),
        h("p", {}, alertText(alert)), h("p", { class: "muted" }, clockTime(alert.at))))));
  }

  function attentionCard(entry) {
    const m = entry.movement;
    const dismiss = h("button", { type: "button", class: "small-button", onclick: async () => {
      const ok = await confirmDialog({ message: "Dismiss this refused scan?",
        detail: "The supervisor still has it on the server's rejects list.", confirm: "Dismiss", cancel: "Keep" });
      if (!ok) return;
      await db.dismissAttention(entry.id);
      outboxEvents.dispatchEvent(new Event("changed"));
      refresh();
    } }, "Dismiss");
    return h("li", { class: "card attention", dataset: { id: entry.id } },
      h("p", { class: "card-title" }, movementText(m)),
      h("p", { class: "reason" }, `${entry.error?.message || "refused"} (${entry.error?.code || "rejected"})`),
      h("p", { class: "muted" }, `Scanned by ${m.scanned_by} · ${clockTime(m.occurred_at)}`),
      dismiss);
  }

  const sendNow = h("button", { type: "button", class: "big-button go", id: "send-now", onclick: async () => {
    const result = await replay();
    if (result.state === "synced") feedback.step(); // green is for stored scans only
    else feedback.failure("Not sent", result.message || (result.state === "needs_signin" ? "sign in again" : "no connection"));
    refresh();
  } }, "Send now");

  outboxEvents.addEventListener("changed", refresh);
  refresh();
  const scannerSetup = h("a", { href: "#/scanner", class: "big-button", id: "scanner-setup" }, "Scanner");
  return { title: "Status", el, refresh, actions: [scannerSetup, sendNow], destroy: () => outboxEvents.removeEventListener("changed", refresh) };
}
