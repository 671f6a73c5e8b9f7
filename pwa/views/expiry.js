// Expiry (supervisors, tablet first): what expires within N days, soonest first, expired included
// (GET /api/v1/expiring), per bin and lot, each row one tap from that item's and that bin's history.
import { getJson } from "../api.js";
import { historyHref } from "./history.js";
import { h, resultLine, setChildren } from "./ui.js";

const SPANS = [7, 30, 90];

function when(daysLeft) {
  if (daysLeft < 0) return `expired ${-daysLeft} day${daysLeft === -1 ? "" : "s"} ago`;
  if (daysLeft === 0) return "expires today";
  return `in ${daysLeft} day${daysLeft === 1 ? "" : "s"}`;
}

function urgency(daysLeft) {
  return daysLeft < 0 ? "expired" : daysLeft <= 7 ? "soon" : "later";
}

export function expiryView({ params, navigate }) {
  const query = new URLSearchParams(params[0] || "");
  const days = /^\d{1,4}$/.test(query.get("days") || "") ? Number(query.get("days")) : 30;
  const state = { report: null, last: null };
  const el = h("section", { class: "screen wide", id: "expiry-screen" });

  function render() {
    const rows = state.report?.items || [];
    el.dataset.count = String(rows.length);
    el.dataset.loaded = String(Boolean(state.report));
    setChildren(el, h("h1", {}, "Expiring stock"),
      h("div", { class: "choices", id: "expiry-days" }, SPANS.map((span) => h("a", {
        href: `#/expiry?days=${span}`, class: `small-button choice ${span === days ? "chosen" : ""}`,
        "aria-current": span === days ? "page" : false }, `${span} days`))),
      h("p", { class: "prompt", id: "prompt" }, state.report
        ? `${rows.length} lot${rows.length === 1 ? "" : "s"} expiring by ${state.report.until}` : "Loading…"),
      resultLine(state.last),
      h("ul", { class: "cards expiry-list", id: "expiry-list" }, rows.map((row) => h("li", {
        class: `card expiry-row ${urgency(row.days_left)}`, dataset: { item: row.item, location: row.location, lot: row.lot || "" } },
      h("div", { class: "expiry-when" }, h("b", {}, row.expiry), h("span", {}, when(row.days_left))),
      h("div", { class: "expiry-what" },
        h("a", { href: historyHref({ item: row.item }), class: "hist-link" }, row.name), ` (${row.item})`,
        h("br"), "Lot ", row.lot ? h("a", { href: historyHref({ lot: row.lot }), class: "hist-link" }, row.lot) : "—"),
      h("div", { class: "expiry-where" }, h("a", { href: historyHref({ location: row.location }), class: "hist-link" }, row.location),
        h("b", { class: "expiry-qty" }, String(row.qty)))))),
      state.report && !rows.length ? h("p", { class: "muted", id: "expiry-empty" }, `Nothing expires in the next ${days} days.`) : null);
  }

  async function load() {
    try {
      state.report = await getJson(`/api/v1/expiring?days=${days}`);
    } catch (error) {
      state.last = { kind: "bad", text: error.code === "offline" ? "The expiry list needs a connection" : error.message };
    }
    render();
  }

  // A scanned item: its history, where the stock panel shows its lots bin by bin.
  function onScan(scan) {
    if (scan.type === "item") navigate(historyHref({ item: scan.sku }));
    else if (scan.type === "location") navigate(historyHref({ location: scan.code }));
  }

  render();
  load();
  const history = h("a", { href: "#/history", class: "big-button", id: "expiry-history" }, "History");
  return { title: "Expiry", el, onScan, actions: [history] };
}
