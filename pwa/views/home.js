// Home: one huge button per kind of work the signed-in person's roles allow, and signing out.
import * as db from "../db.js";
import { signOut } from "../session.js";
import { openSteps } from "./pick.js";
import { clockTime, confirmDialog, h } from "./ui.js";

const FLOOR_ROLES = ["picker", "receiver", "counter", "supervisor", "admin"];
const WORK = [
  { href: "#/pick", label: "Pick", roles: ["picker", "supervisor", "admin"], tasks: "pick" },
  { href: "#/pack", label: "Pack", roles: ["picker", "supervisor", "admin"], note: "cartons, labels, slips" },
  { href: "#/dispatch", label: "Dispatch", roles: ["picker", "supervisor", "admin"], note: "cartons out at the dock" },
  { href: "#/receive", label: "Receive", roles: ["receiver", "supervisor", "admin"], tasks: "receive" },
  { href: "#/receiving", label: "Deliveries", roles: ["receiver", "supervisor", "admin"], note: "notices and POs" },
  { href: "#/returns", label: "Returns", roles: ["receiver", "supervisor", "admin"] },
  { href: "#/count", label: "Count", roles: ["counter", "supervisor", "admin"], tasks: "count" },
  { href: "#/move", label: "Move stock", roles: FLOOR_ROLES },
  { href: "#/signoff", label: "Sign-off", roles: ["supervisor", "admin"], note: "count variances", office: true },
  { href: "#/release", label: "Release", roles: ["supervisor", "admin"], note: "orders to the floor", office: true },
  { href: "#/dashboard", label: "Dashboard", roles: ["supervisor", "admin"], note: "live floor, alerts", office: true },
  // Tablet-first office screens: on a phone's home there is no room for them (the scan work comes first).
  { href: "#/orders", label: "Orders", roles: ["supervisor", "admin"], note: "find, change lines, move", wide: true },
  { href: "#/history", label: "History", roles: ["supervisor", "admin"], note: "movements, corrections", wide: true },
  { href: "#/expiry", label: "Expiry", roles: ["supervisor", "admin"], note: "lots expiring soon", wide: true },
  { href: "#/reorder", label: "Reorder", roles: ["supervisor", "admin"], note: "drafts to approve", wide: true },
  { href: "#/reports", label: "Reports", roles: ["supervisor", "admin"], wide: true },
  { href: "#/imports", label: "Imports", roles: ["supervisor", "admin"], note: "orders, purchase orders, items from CSV", wide: true },
  { href: "#/admin/devices", label: "Devices", roles: ["supervisor", "admin"], note: "handhelds and their queues", wide: true },
  { href: "#/admin/people", label: "People", roles: ["admin"], note: "roles, passwords, tokens", wide: true },
  { href: "#/admin/settings", label: "Settings", roles: ["admin"], note: "tolerances, limits, history", wide: true },
];

// On a phone the office screens, and a supervisor's sign-off, release and dashboard (`office: true`), sit behind
// one button: a handheld's home has room for the scan work only.
const OFFICE = { href: "#/office", label: "Office", roles: ["supervisor", "admin"], narrow: true };

function allowed(list, user) {
  const roles = new Set(user.roles || []);
  return list.filter((w) => w.roles.some((role) => roles.has(role)));
}

function workButton(w, extraClass = "") {
  const classes = ["work-button", w.wide || w.office ? "wide-only" : "", w.narrow ? "narrow-only" : "", extraClass]
    .filter(Boolean).join(" ");
  return h("a", { href: w.href, class: classes, id: `work-${w.href.slice(2).replaceAll("/", "-")}` },
    h("span", { class: "work-label" }, w.label), h("span", { class: "work-count", dataset: { tasks: w.tasks || "" } }, w.note || ""));
}

// The office screens as a list of their own (#/office), for a supervisor or admin on a phone.
export function officeView({ user }) {
  const work = allowed(WORK.filter((w) => w.wide || w.office), user);
  const el = h("section", { class: "screen home office-menu" }, h("h1", {}, "Office"),
    h("nav", { class: "work-list", "aria-label": "Office" }, work.map((w) => workButton({ ...w, wide: false, office: false }))));
  return { title: "Office", el, actions: [] };
}

export function homeView({ user }) {
  const work = allowed([...WORK, OFFICE], user);
  const buttons = work.map((w) => workButton(w));
  const catalogue = h("p", { class: "muted", id: "catalog-info" }, "Catalogue: not downloaded yet");
  const el = h("section", { class: "screen home" },
    h("h1", {}, `Hi ${user.username}`),
    h("p", { class: "muted" }, (user.roles || []).join(", ")),
    catalogue,
    work.length ? null : h("p", { class: "notice" }, "Your roles have no floor work on this device."),
    h("nav", { class: "work-list", "aria-label": "Work" }, buttons));

  async function refresh() {
    const [tasks, counts, syncedAt] = await Promise.all([db.listTasks(), db.catalogCounts(), db.getMeta("catalog_synced_at")]);
    for (const button of buttons) {
      const slot = button.querySelector(".work-count");
      const kind = slot.dataset.tasks;
      if (!kind) continue;
      const n = tasks.filter((t) => t.kind === kind && (kind !== "pick" || openSteps(t).length > 0)).length;
      slot.textContent = n ? `${n} open` : "no tasks";
    }
    catalogue.dataset.items = String(counts.items);
    catalogue.textContent = counts.items
      ? `Catalogue: ${counts.items} items, ${counts.locations} locations · ${clockTime(syncedAt)}`
      : "Catalogue: not downloaded yet";
  }

  const signOutButton = h("button", { type: "button", class: "big-button stop", id: "sign-out", onclick: async () => {
    const waiting = await db.outboxCount();
    if (waiting > 0) {
      const ok = await confirmDialog({
        message: `${waiting} scan${waiting === 1 ? " is" : "s are"} not sent yet.`,
        detail: "They stay on this device and are sent under the name of whoever scanned them when anyone signs in here.",
        confirm: "Sign out, keep scans", cancel: "Stay signed in", danger: true,
      });
      if (!ok) return;
    }
    await signOut();
  } }, "Sign out");

  return { title: "Home", el, actions: [signOutButton], refresh };
}
