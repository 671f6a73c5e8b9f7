// Reports (supervisors, admins): one report at a time as a readable table, from GET /api/v1/reports/<name>, and a
// "Download CSV" link to the same report as a spreadsheet-safe file. Reads the server: needs the connection.
import { getJson } from "../api.js";
import { h, setChildren } from "./ui.js";

const REPORTS = [
  { name: "inventory-value-by-category", label: "Value by category" },
  { name: "inventory-value-by-zone", label: "Value by zone" },
  { name: "below-reorder-point", label: "Below reorder point" },
  { name: "slow-movers", label: "Slow movers", note: "no movement in 90 days" },
  { name: "negative-stock", label: "Negative stock" },
  { name: "monthly-turnover", label: "Monthly turnover", note: "issues at cost ÷ average stock at cost" },
];
// Columns the table right-aligns (numbers line up by their last digit).
const NUMERIC = /^(on_hand|value|available|in_transit|reorder_point|suggested_qty|qty|issued_units|issued_value|opening_value|closing_value|average_value|turnover)$/;

// "190430.04" → "190,430.04" on screen (the CSV keeps plain numbers for the spreadsheet).
function shown(value) {
  if (value === null || value === undefined || value === "") return "—";
  const text = String(value);
  const number = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  return number ? number[1] + number[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (number[3] || "") : text;
}

export function reportsView({ params }) {
  const chosen = REPORTS.find((r) => r.name === params[0]) || REPORTS[0];
  const state = { report: null, error: null, loading: true };
  const el = h("section", { class: "screen wide-screen", id: "reports-screen", dataset: { report: chosen.name } });

  function table(report) {
    // One warehouse in every row: say it once in the heading instead of in a column.
    const single = new Set(report.rows.map((r) => r.warehouse)).size === 1;
    const columns = report.columns.filter((c) => !(single && c.key === "warehouse"));
    if (!report.rows.length) return h("p", { class: "notice", id: "report-empty" }, "Nothing to show: no rows.");
    return h("div", { class: "report-scroll" }, h("table", { class: "report-table", id: "report-table" },
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: NUMERIC.test(c.key) ? "num" : "" }, c.label)))),
      h("tbody", {}, report.rows.map((row) => h("tr", {}, columns.map((c) => h("td",
        { class: [NUMERIC.test(c.key) ? "num" : "", typeof row[c.key] === "number" && row[c.key] < 0 ? "negative" : ""].join(" ").trim(),
          dataset: { key: c.key } },
        shown(row[c.key]))))))));
  }

  function render() {
    setChildren(el,
      h("h1", {}, "Reports"),
      h("nav", { class: "report-tabs", "aria-label": "Reports" }, REPORTS.map((r) => h("a", {
        href: `#/reports/${r.name}`, class: `report-tab ${r.name === chosen.name ? "chosen" : ""}`,
        "aria-current": r.name === chosen.name ? "page" : null, id: `report-tab-${r.name}` }, r.label))),
      h("div", { class: "report-head" },
        h("h2", { id: "report-title" }, chosen.label, chosen.note ? h("span", { class: "muted report-note" }, ` · ${chosen.note}`) : null,
          warehouseOf(state.report) ? h("span", { class: "muted report-note" }, ` · ${warehouseOf(state.report)}`) : null),
        h("a", { href: `/api/v1/reports/${chosen.name}?format=csv`, download: `${chosen.name}.csv`,
          class: "big-button info report-download", id: "download-csv" }, "Download CSV")),
      state.error ? h("p", { class: "result bad", id: "result" }, state.error) : null,
      state.loading ? h("p", { class: "muted" }, "Loading…") : state.report ? table(state.report) : null);
    el.querySelector(".report-tab.chosen")?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  function warehouseOf(report) {
    const codes = new Set((report?.rows || []).map((r) => r.warehouse));
    return codes.size === 1 ? [...codes][0] : null;
  }

  async function load() {
    try {
      state.report = await getJson(`/api/v1/reports/${chosen.name}`);
      state.error = null;
    } catch (error) {
      state.error = error.code === "offline" ? "Reports need a connection" : error.message;
    }
    state.loading = false;
    render();
  }

  render();
  load();
  return { title: "Reports", el, actions: [] };
}
