// The dashboard's warehouse picker: "All" and each warehouse the dashboard's own read lists, as big buttons a
// gloved thumb hits. The choice stays on this device (localStorage), so a wall tablet comes back to its own
// warehouse after a reload; "" is All.
import { h } from "./ui.js";

const KEY = "dockhand.dashboard.warehouse";

export function rememberedWarehouse() {
  try {
    return localStorage.getItem(KEY) || "";
  } catch {
    return ""; // storage refused (private mode): All, as on a new device
  }
}

export function rememberWarehouse(code) {
  try {
    if (code) localStorage.setItem(KEY, code);
    else localStorage.removeItem(KEY);
  } catch { /* not remembered, still shown */ }
}

// `warehouses`: [{code, name}] from GET /api/v1/dashboard; with one warehouse there is nothing to pick.
export function warehousePicker(warehouses, chosen, onPick) {
  if (!warehouses || warehouses.length < 2) return null;
  const option = (code, label, detail) => h("button", {
    type: "button", class: `dash-pick${code === chosen ? " chosen" : ""}`, "aria-pressed": String(code === chosen),
    dataset: { warehouse: code }, onclick: () => { if (code !== chosen) onPick(code); } },
  h("span", { class: "dash-pick-code" }, label), detail ? h("span", { class: "dash-pick-name" }, detail) : null);
  return h("nav", { class: "dash-picker", id: "dash-picker", "aria-label": "Warehouse" },
    option("", "All", `${warehouses.length} warehouses`),
    warehouses.map((w) => option(w.code, w.code, w.name && w.name !== w.code ? w.name : null)));
}
