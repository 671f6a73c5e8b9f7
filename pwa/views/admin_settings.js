// Settings (admin, tablet and desktop first): the values the warehouse runs with, changed in one save; a value
// the server refuses is shown next to the field it names (nothing is changed then); and every change ever made,
// with who and when.
import { ago, failureText, send } from "./admin_http.js";
import { clockTime, h, resultLine, setChildren } from "./ui.js";

const FIELDS = [
  { key: "count_tolerance_pct.A", label: "Count tolerance, A items", unit: "%", number: true },
  { key: "count_tolerance_pct.B", label: "Count tolerance, B items", unit: "%", number: true },
  { key: "count_tolerance_pct.C", label: "Count tolerance, C items", unit: "%", number: true },
  { key: "stuck_order_minutes", label: "An order is stuck after", unit: "minutes", number: true },
  { key: "reservation_expiry_minutes", label: "A reservation expires after (0: never)", unit: "minutes", number: true },
  { key: "clock_skew_limit_seconds", label: "A handheld clock may be off by", unit: "seconds", number: true },
  { key: "gs1_company_prefix", label: "GS1 company prefix (cartons' SSCCs)", unit: "", number: false },
  { key: "webhook_url", label: "Webhook URL (empty: none)", unit: "", number: false },
  { key: "reorder_velocity_days", label: "Dynamic reorder point: issues of the last", unit: "days", number: true },
];

function read(settings, key) {
  return key.split(".").reduce((value, part) => (value === undefined || value === null ? value : value[part]), settings);
}

// Typed text as the value to send: a number where the setting is one, else the text itself, so that the
// server (the one place that knows what is valid) refuses it naming the field.
function typed(field, text) {
  const trimmed = text.trim();
  return field.number && /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function historyValue(value) {
  if (value === null || value === undefined) return "default";
  if (typeof value === "object") return Object.entries(value).map(([k, v]) => `${k} ${v}`).join(", ");
  return value === "" ? "empty" : String(value);
}

export function adminSettingsView() {
  const state = { settings: null, history: [], last: null };
  const el = h("section", { class: "screen office", id: "settings-screen" });
  const inputs = new Map();
  const problems = new Map();
  const form = h("form", { class: "card office-form settings-form", id: "settings-form" },
    FIELDS.map((field) => {
      const id = `setting-${field.key.replace(".", "-")}`;
      const input = h("input", { id, name: field.key, autocomplete: "off", spellcheck: "false",
        inputmode: field.number ? "decimal" : "text", dataset: { field: field.key } });
      const problem = h("p", { class: "error-text field-problem", id: `${id}-problem`, role: "alert", dataset: { field: field.key } });
      inputs.set(field.key, input);
      problems.set(field.key, problem);
      return h("div", { class: "setting-row" }, h("label", { for: id }, field.label),
        h("div", { class: "office-inline" }, input, field.unit ? h("span", { class: "qty-unit" }, field.unit) : null), problem);
    }),
    h("button", { type: "submit", class: "big-button go", id: "save-settings" }, "Save settings"));
  const historyBox = h("div", { class: "office-column", id: "settings-history" });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const problem of problems.values()) problem.textContent = "";
    const change = {};
    for (const field of FIELDS) {
      const text = inputs.get(field.key).value;
      if (String(read(state.settings, field.key) ?? "") === text.trim()) continue; // unchanged: not sent
      const value = typed(field, text);
      if (field.key.includes(".")) {
        const [group, part] = field.key.split(".");
        change[group] = { ...(change[group] || {}), [part]: value };
      } else {
        change[field.key] = value;
      }
    }
    if (!Object.keys(change).length) {
      state.last = { kind: "info", text: "Nothing changed" };
      return render();
    }
    try {
      state.settings = await send("PATCH", "/api/v1/settings", change);
      state.last = { kind: "ok", text: `Saved: ${Object.keys(change).join(", ")}` };
      fill();
      await loadHistory();
    } catch (error) {
      // A 400 names the field: say it there, where the person is looking (nothing was changed).
      const where = error.field && [...problems.keys()].find((key) => key === error.field || error.field.startsWith(`${key}.`)
        || key.startsWith(`${error.field}.`));
      if (where) {
        problems.get(where).textContent = error.message;
        inputs.get(where).focus();
        state.last = { kind: "bad", text: "Not saved: see the field marked in red" };
      } else {
        state.last = { kind: "bad", text: failureText(error) };
      }
      render();
    }
  });

  function fill() {
    for (const field of FIELDS) inputs.get(field.key).value = String(read(state.settings, field.key) ?? "");
  }

  function render() {
    setChildren(historyBox, h("h2", {}, "History"),
      state.history.length ? h("ul", { class: "cards small", id: "settings-history-list" }, state.history.map((change) =>
        h("li", { class: "card", dataset: { key: change.key } },
          h("p", { class: "card-title" }, change.key),
          h("p", {}, `${historyValue(change.old)} → ${historyValue(change.new)}`),
          h("p", { class: "muted" }, `${change.changed_by || "someone"} · ${clockTime(change.changed_at)} (${ago(change.changed_at)})`))))
        : h("p", { class: "muted" }, "No change yet: every value is the default."));
    setChildren(el, h("h1", {}, "Settings"), resultLine(state.last),
      state.settings === null ? h("p", { class: "muted" }, "Loading…") : null,
      h("div", { class: "office-split" }, h("div", { class: "office-column" }, form), historyBox));
  }

  async function loadHistory() {
    state.history = (await send("GET", "/api/v1/settings/history?limit=50")).items;
    el.dataset.loaded = "true";
    render();
  }

  async function load() {
    try {
      state.settings = await send("GET", "/api/v1/settings");
      fill();
      await loadHistory();
    } catch (error) {
      state.last = { kind: "bad", text: failureText(error) };
      render();
    }
  }

  render();
  load();
  return { title: "Settings", el, refresh: () => {}, actions: [] };
}
