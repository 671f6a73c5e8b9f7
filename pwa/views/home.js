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
  { href: "#/count", label: "Count", roles: ["counter", "supervisor", "admin"], tasks: "count" },
  { href: "#/signoff", label: "Sign-off", roles: ["supervisor", "admin"], note: "count variances" },
  { href: "#/move", label: "Move stock", roles: FLOOR_ROLES },
  { href: "#/release", label: "Release", roles: ["supervisor", "admin"], note: "orders to the floor" },
  { href: "#/returns", label: "Returns", roles: ["receiver", "supervisor", "admin"] },
];

export function homeView({ user }) {
  const roles = new Set(user.roles || []);
  const work = WORK.filter((w) => w.roles.some((role) => roles.has(role)));
  const buttons = work.map((w) => h("a", { href: w.href, class: "work-button", id: `work-${w.href.slice(2)}` },
    h("span", { class: "work-label" }, w.label), h("span", { class: "work-count", dataset: { tasks: w.tasks || "" } }, w.note || "")));
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
