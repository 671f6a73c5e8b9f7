// Devices (supervisor reads, admin changes; tablet and desktop first): every handheld with who last signed in,
// its last sync and how many scans still waited on it then; an admin names, retires or blocks one (its syncs
// are then refused with 403 and its scans stay on it until it is brought back).
import { ago, failureText, send } from "./admin_http.js";
import { confirmDialog, h, resultLine, setChildren } from "./ui.js";

const STATUS_TEXT = { active: "Active", retired: "Retired: its syncs are refused", blocked: "Blocked: its syncs are refused" };

export function waitingText(device) {
  if (device.queued_scans === null || device.queued_scans === undefined) return "no queue reported";
  const n = device.queued_scans;
  return `${n} scan${n === 1 ? "" : "s"} waiting at last sync`;
}

export function adminDevicesView({ user }) {
  const isAdmin = (user.roles || []).includes("admin");
  const state = { devices: null, last: null };
  const el = h("section", { class: "screen office", id: "devices-screen" });

  function deviceCard(device) {
    const nameInput = h("input", { class: "device-name", value: device.name || "", maxlength: "120",
      placeholder: "A name people know it by", "aria-label": `Name of ${device.id}`, autocomplete: "off" });
    const set = (change, text) => async () => {
      if (change.status && change.status !== "active") {
        const ok = await confirmDialog({ message: `${change.status === "blocked" ? "Block" : "Retire"} ${device.name || device.id}?`,
          detail: "Its syncs are refused from now on; scans waiting on it stay on it until it is made active again.",
          confirm: change.status === "blocked" ? "Block" : "Retire", danger: true });
        if (!ok) return;
      }
      try {
        await send("PATCH", `/api/v1/devices/${encodeURIComponent(device.id)}`, change);
        state.last = { kind: "ok", text };
      } catch (error) {
        state.last = { kind: "bad", text: failureText(error) };
      }
      await load();
    };
    const label = device.name || device.id;
    const waiting = device.queued_scans > 0;
    return h("li", { class: `card device-card ${device.status}`, dataset: { device: device.id, status: device.status } },
      h("p", { class: "card-title" }, label),
      device.name ? h("p", { class: "muted device-id" }, device.id) : null,
      h("p", { class: `office-state ${device.status === "active" ? "on" : "off"}` }, STATUS_TEXT[device.status] || device.status),
      h("p", {}, device.last_signin ? `Last signed in: ${device.last_signin.username}, ${ago(device.last_signin.at)}`
        : "Nobody signed in on it yet"),
      // last_seen_at is written by its syncs, and by the sign-in that registered it
      h("p", {}, `Last seen ${ago(device.last_seen_at)}` + (device.last_device_seq ? ` · last scan no. ${device.last_device_seq}` : "")),
      h("p", { class: `device-waiting ${waiting ? "reason" : "muted"}` },
        waitingText(device) + (device.queued_reported_at ? ` (${ago(device.queued_reported_at)})` : "")),
      isAdmin ? h("div", { class: "device-actions" },
        h("div", { class: "office-inline" }, nameInput,
          h("button", { type: "button", class: "small-button save-name",
            onclick: () => set({ name: nameInput.value.trim() }, `${device.id} is now called ${nameInput.value.trim() || "nothing"}`)() },
          "Save name")),
        h("div", { class: "office-inline" },
          device.status !== "active" ? h("button", { type: "button", class: "small-button go make-active",
            onclick: set({ status: "active" }, `${label} is active again`) }, "Make active") : null,
          device.status !== "retired" ? h("button", { type: "button", class: "small-button retire",
            onclick: set({ status: "retired" }, `${label} is retired`) }, "Retire") : null,
          device.status !== "blocked" ? h("button", { type: "button", class: "small-button stop block",
            onclick: set({ status: "blocked" }, `${label} is blocked`) }, "Block") : null)) : null);
  }

  function render() {
    el.dataset.devices = String(state.devices?.length ?? "");
    el.dataset.loaded = String(state.devices !== null);
    setChildren(el, h("h1", {}, "Devices"), resultLine(state.last),
      isAdmin ? null : h("p", { class: "muted" }, "Only an admin names, retires or blocks a device."),
      state.devices === null ? h("p", { class: "muted" }, "Loading…")
        : state.devices.length ? h("ul", { class: "cards office-grid", id: "device-list" }, state.devices.map(deviceCard))
          : h("p", { class: "muted" }, "No device has signed in or synced yet."));
  }

  async function load() {
    try {
      state.devices = (await send("GET", "/api/v1/devices?limit=1000")).items;
    } catch (error) {
      state.devices = state.devices || [];
      state.last = { kind: "bad", text: failureText(error) };
    }
    render();
  }

  render();
  load();
  return { title: "Devices", el, refresh: () => {}, actions: [] };
}
