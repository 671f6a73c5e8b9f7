// Movement history (supervisors, tablet first): the ledger read back for people (GET /api/v1/movements),
// newest first, by item, bin, lot, person, device or reference. Each row answers "who moved this, when, from
// which device and why": who scanned, who sent, the device, its clock and the server's, the reason, the
// balances after, the server's flags and the movement it corrects. Every name in a row is a link to its own
// history, and "Correct this" opens the adjustment screen (correct.js). Needs the network: it is the server's.
import { getJson } from "../api.js";
import * as feedback from "../feedback.js";
import { FLAG_TEXT, h, quantityText, resultLine, setChildren } from "./ui.js";

// The filters the server takes, in the words a supervisor uses (the order of the chooser).
export const FILTERS = [
  ["item", "Item"], ["location", "Bin"], ["lot", "Lot"], ["person", "Person"], ["device", "Device"], ["ref", "Reference"],
];
const FILTER_NAMES = new Set([...FILTERS.map(([name]) => name), "kind"]);
const PAGE = 50;

const KIND_TEXT = {
  receive: "Received", putaway: "Put away", transfer: "Moved", pick: "Picked", pack: "Packed", dispatch: "Dispatched",
  return: "Returned", adjust_in: "Adjusted in", adjust_out: "Adjusted out", count: "Counted", short: "Short",
};

// "#/history?item=DH-10001": the one-tap link from anything that shows an item, a bin, a person…
export function historyHref(filters) {
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value));
  return `#/history?${query}`;
}

// "2026-11-27 14:03:09" in this device's time zone: an audit needs the seconds and the day.
export function stamp(iso) {
  if (!iso) return "—";
  const t = new Date(iso);
  const two = (n) => String(n).padStart(2, "0");
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())} ${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`;
}

function link(filters, text, extra = {}) {
  return h("a", { href: historyHref(filters), class: "hist-link", ...extra }, text);
}

function field(label, ...value) {
  return h("div", { class: "hist-field" }, h("span", { class: "hist-label" }, label), h("span", { class: "hist-value" }, ...value));
}

// Whether a supervisor may correct this movement with an adjustment: it changed stock somewhere.
export function correctable(m) {
  return Boolean(m.from || m.to) && !["count", "short"].includes(m.kind);
}

// One movement as a card. `correct`: show the "Correct this" link.
export function movementCard(m, { correct = true } = {}) {
  const qty = m.uom && m.uom !== "EA" && m.qty_scanned ? `${quantityText(m.qty_scanned, m.uom)} (${m.qty_base})` : String(m.qty_base);
  const flags = m.flags || [];
  const balances = [m.from && m.from_balance_after !== null ? [m.from, m.from_balance_after] : null,
    m.to && m.to_balance_after !== null ? [m.to, m.to_balance_after] : null].filter(Boolean);
  return h("li", { class: `card hist-row ${flags.length ? "flagged" : ""} ${m.corrects_seq ? "correction" : ""}`,
    dataset: { seq: m.seq, kind: m.kind } },
  h("div", { class: "hist-head" },
    h("span", { class: "hist-seq" }, `#${m.seq}`),
    h("span", { class: "hist-what" }, `${KIND_TEXT[m.kind] || m.kind} ${qty} × `, link({ item: m.item }, m.item)),
    h("span", { class: "hist-where" }, m.from ? link({ location: m.from }, m.from) : null, m.from && m.to ? " → " : null,
      m.to ? link({ location: m.to }, m.to) : null)),
  flags.length ? h("p", { class: "hist-flags" }, flags.map((flag) => h("span", { class: "hist-flag", dataset: { flag } },
    FLAG_TEXT[flag] || flag))) : null,
  h("div", { class: "hist-fields" },
    field("Scanned by", m.scanned_by ? link({ person: m.scanned_by }, m.scanned_by) : "—"),
    field("Sent by", m.sent_by ? link({ person: m.sent_by }, m.sent_by) : "—"),
    field("Device", m.device_id ? link({ device: m.device_id }, m.device_id) : "server",
      m.device_seq ? h("span", { class: "muted" }, ` #${m.device_seq}`) : null),
    field("Device time", stamp(m.occurred_at)),
    field("Server time", stamp(m.recorded_at)),
    field("Balance after", balances.length ? balances.map(([code, n]) => h("span", { class: "hist-balance" }, `${code} `,
      h("b", {}, String(n)))) : "—"),
    m.ref ? field("Reference", link({ ref: m.ref }, m.ref)) : null,
    m.lot ? field("Lot", link({ lot: m.lot }, m.lot), m.expiry ? ` · expires ${m.expiry}` : "") : null,
    m.reason ? field("Reason", m.reason) : null,
    m.corrects_seq ? field("Corrects", h("span", { class: "hist-corrects" }, `#${m.corrects_seq}`)) : null),
  correct && correctable(m) ? h("a", { href: `#/correct/${m.seq}`, class: "small-button hist-correct", dataset: { seq: m.seq } },
    "Correct this") : null);
}

// What the item holds where, lot by lot (GET /api/v1/stock/{item}), above its history.
function stockPanel(report) {
  return h("div", { class: "card hist-stock", id: "hist-stock" },
    h("p", { class: "card-title" }, `${report.item.name} (${report.item.sku})`),
    h("p", {}, `On hand ${report.on_hand} · reserved ${report.reserved} · available ${report.available}`),
    h("ul", { class: "hist-lots" }, report.locations.map((place) => h("li", { dataset: { location: place.location } },
      link({ location: place.location }, place.location), ` ${place.qty}`,
      place.lots.some((lot) => lot.lot || lot.expiry) ? h("span", { class: "muted" }, " · ", place.lots.map((lot, i) =>
        `${i ? ", " : ""}${lot.lot || "no lot"} ${lot.qty}${lot.expiry ? ` (exp ${lot.expiry})` : ""}`)) : null))));
}

export function historyView({ params, navigate }) {
  const filters = Object.fromEntries([...new URLSearchParams(params[0] || "")].filter(([name, value]) => FILTER_NAMES.has(name) && value));
  const state = { rows: [], next: null, loading: true, last: null, stock: null };
  const el = h("section", { class: "screen wide", id: "history-screen" });
  const chooser = h("select", { id: "hist-filter", class: "hist-select", "aria-label": "Search by" },
    FILTERS.map(([name, label]) => h("option", { value: name }, label)));
  const input = h("input", { id: "hist-value", class: "text-input", autocomplete: "off", autocapitalize: "characters",
    placeholder: "code, name or number", "aria-label": "Search for" });
  const form = h("form", { class: "hist-search", onsubmit: (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (value) navigate(historyHref({ ...filters, [chooser.value]: value }));
  } }, chooser, input, h("button", { type: "submit", class: "small-button" }, "Find"));

  function render() {
    const active = Object.entries(filters);
    el.dataset.count = String(state.rows.length);
    el.dataset.loading = String(state.loading);
    setChildren(el, h("h1", {}, "Movement history"), form,
      h("p", { class: "hist-active", id: "hist-active" }, active.length ? active.map(([name, value]) => {
        const rest = { ...filters };
        delete rest[name];
        return h("a", { href: historyHref(rest), class: "hist-chip", title: "Remove this filter" },
          `${(FILTERS.find(([n]) => n === name) || [name, name])[1]}: ${value} ✕`);
      }) : h("span", { class: "muted" }, "Everything, newest first. Scan an item or bin to see its history.")),
      resultLine(state.last),
      state.stock ? stockPanel(state.stock) : null,
      h("ul", { class: "cards hist-list", id: "hist-list" }, state.rows.map((m) => movementCard(m))),
      !state.loading && !state.rows.length && !state.last ? h("p", { class: "muted", id: "hist-empty" }, "No movements.") : null,
      state.next ? h("button", { type: "button", class: "big-button", id: "hist-older", onclick: () => load(state.next) }, "Older") : null);
  }

  async function load(cursor = null) {
    state.loading = true;
    const query = new URLSearchParams({ ...filters, limit: String(PAGE), ...(cursor ? { cursor } : {}) });
    try {
      const page = await getJson(`/api/v1/movements?${query}`);
      state.rows = cursor ? [...state.rows, ...page.items] : page.items;
      state.next = page.next_cursor;
      state.last = null;
    } catch (error) {
      state.last = { kind: "bad", text: error.code === "offline" ? "The history needs a connection" : error.message };
    }
    state.loading = false;
    render();
  }

  async function loadStock() {
    if (!filters.item) return;
    try {
      state.stock = await getJson(`/api/v1/stock/${encodeURIComponent(filters.item)}`);
      render();
    } catch { /* the history shows without it (an unknown item has none) */ }
  }

  // A scanned item or bin: its history, one scan away.
  function onScan(scan) {
    if (scan.type === "item") navigate(historyHref({ item: scan.sku }));
    else if (scan.type === "location") navigate(historyHref({ location: scan.code }));
    else feedback.failure("Unknown code", scan.code);
  }

  render();
  load();
  loadStock();
  const expiry = h("a", { href: "#/expiry", class: "big-button", id: "history-expiry" }, "Expiry");
  return { title: "History", el, onScan, actions: [expiry] };
}
