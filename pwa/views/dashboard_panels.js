// The dashboard's panels, drawn from its state (see dashboard.js): alerts, orders by state with the stuck
// ones, the exceptions and rejects queues with their actions, the zone heat map, the 24-hour dispatch trend,
// the discrepancy summary and reconcile. Pure drawing: actions are the callbacks in `act`.
import { clockTime, h } from "./ui.js";

const ORDER_STATES = ["received", "validated", "backordered", "on_hold", "picking", "packed", "dispatched", "delivered", "cancelled"];
const HEAT_LEVELS = 5;

function panel(id, title, ...children) {
  return h("section", { class: "dash-panel", id }, h("h2", {}, title), ...children);
}

export function alertsPanel(state, act) {
  const alerts = state.board.alerts;
  return panel("dash-alerts", `Alerts (${alerts.length})`,
    alerts.length ? h("ul", { class: "dash-list" }, alerts.map((alert) => h("li", {
      class: `dash-row alert-${alert.kind}`, dataset: { alert: String(alert.id), kind: alert.kind } },
    h("span", { class: "dash-row-text" }, alert.message, h("span", { class: "muted dash-when" }, ` · ${clockTime(alert.raised_at)}`)),
    h("button", { type: "button", class: "dash-action", onclick: () => act.acknowledge(alert) }, "Seen"))))
      : h("p", { class: "muted" }, "No open alerts"));
}

export function ordersPanel(state) {
  const byState = state.board.orders.by_state;
  const most = Math.max(1, ...Object.values(byState));
  const stuck = state.board.orders.stuck;
  return panel("dash-orders", "Orders by state",
    h("ul", { class: "dash-bars" }, ORDER_STATES.map((name) => {
      const bar = h("span", { class: "dash-bar-fill" });
      bar.style.width = `${Math.round((100 * (byState[name] || 0)) / most)}%`; // CSSOM: allowed by the CSP
      const isStuck = stuck.some((o) => o.state === name);
      return h("li", { class: `dash-bar ${isStuck ? "stuck" : ""}`, dataset: { state: name } },
        h("span", { class: "dash-bar-label" }, name.replace("_", " ")), h("span", { class: "dash-bar-track" }, bar),
        h("span", { class: "dash-bar-value" }, String(byState[name] || 0)));
    })),
    stuck.length ? h("ul", { class: "dash-list", id: "dash-stuck" }, stuck.map((order) => h("li", {
      class: "dash-row stuck", dataset: { order: order.number } },
    h("span", { class: "dash-row-text" }, `${order.number} ${order.state.replace("_", " ")} for ${order.minutes} min`))))
      : h("p", { class: "muted", id: "dash-stuck" }, `No order stuck over ${state.board.stuck_order_minutes} min`));
}

export function queuesPanel(state, act) {
  const exceptions = state.board.exceptions;
  const rejects = state.board.rejects;
  return panel("dash-queues", `Exceptions ${exceptions.open_total} · Rejects ${rejects.open_total}`,
    h("ul", { class: "dash-list", id: "dash-exceptions" }, exceptions.items.slice(0, 12).map((x) => h("li", {
      class: "dash-row", dataset: { exception: String(x.id), code: x.code } },
    h("span", { class: "dash-row-text" }, h("strong", {}, x.code.replace("_", " ")),
      ` ${x.item || ""} ${x.location ? `at ${x.location}` : ""} ${x.ref ? `· ${x.ref}` : ""}`),
    h("button", { type: "button", class: "dash-action", onclick: () => act.resolveException(x) }, "Resolve")))),
    h("ul", { class: "dash-list", id: "dash-rejects" }, rejects.items.slice(0, 12).map((r) => h("li", {
      class: "dash-row reject", dataset: { reject: String(r.id), code: r.code } },
    h("span", { class: "dash-row-text" }, h("strong", {}, r.code.replace("_", " ")), ` ${r.message || ""}`),
    h("button", { type: "button", class: "dash-action", onclick: () => act.resubmit(r) }, "Fix"),
    h("button", { type: "button", class: "dash-action", onclick: () => act.resolveReject(r) }, "Resolve")))),
    exceptions.items.length || rejects.items.length ? null : h("p", { class: "muted" }, "Nothing waiting"));
}

export function zonesPanel(state, act) {
  const zones = state.board.zones;
  const most = Math.max(1, ...zones.map((z) => z.movements_24h));
  return panel("dash-zones", "Zones, last 24 h",
    zones.length ? h("div", { class: "dash-heat" }, zones.map((zone) => h("button", {
      type: "button", class: `dash-zone heat-${Math.ceil((HEAT_LEVELS * zone.movements_24h) / most)} ${zone.discrepancies ? "has-discrepancy" : ""}`,
      dataset: { zone: zone.zone, movements: String(zone.movements_24h) }, title: "Reconcile this zone",
      onclick: () => act.reconcile({ zone: zone.zone }) },
    h("span", { class: "dash-zone-code" }, zone.zone),
    h("span", { class: "dash-zone-figure" }, `${zone.movements_24h} moves`),
    h("span", { class: "dash-zone-figure discrepancy" }, zone.discrepancies ? `${zone.discrepancies} to check` : "clean"))))
      : h("p", { class: "muted" }, "No zones in this warehouse"));
}

export function trendPanel(state) {
  const trend = state.board.dispatch_trend;
  const most = Math.max(1, ...trend.map((b) => b.qty));
  const total = trend.reduce((sum, b) => sum + b.qty, 0);
  return panel("dash-trend", `Dispatched, 24 h: ${total}`,
    h("div", { class: "dash-chart", role: "img", "aria-label": `units dispatched per hour, ${total} in 24 hours` },
      trend.map((bucket) => {
        const bar = h("span", { class: "dash-chart-bar", dataset: { hour: bucket.hour, qty: String(bucket.qty) },
          title: `${clockTime(bucket.hour)}: ${bucket.qty}` });
        bar.style.height = `${Math.max(2, Math.round((100 * bucket.qty) / most))}%`;
        return bar;
      })),
    h("div", { class: "dash-chart-axis muted" }, h("span", {}, clockTime(trend[0]?.hour)), h("span", {}, "now")));
}

export function discrepancyPanel(state) {
  const d = state.board.discrepancies;
  const byCode = Object.entries(d.open_exceptions_by_code || {});
  return panel("dash-discrepancies", "Discrepancies",
    h("dl", { class: "dash-figures" },
      h("dt", {}, "Count lines to sign off"), h("dd", { id: "dash-signoff" }, String(d.needs_signoff)),
      h("dt", {}, "Blocking items"), h("dd", {}, String(d.blocking)),
      h("dt", {}, "Variance"), h("dd", {}, `${d.variance_units} units · ${(d.variance_value_cents / 100).toFixed(2)}`),
      byCode.map(([code, n]) => [h("dt", {}, code.replace("_", " ")), h("dd", {}, String(n))])),
    h("a", { href: "#/signoff", class: "dash-link" }, "Sign-off"), " ",
    h("a", { href: "#/history", class: "dash-link" }, "Movement history"));
}

export function reconcilePanel(state, act) {
  const input = h("input", { id: "reconcile-sku", placeholder: "SKU or barcode", autocomplete: "off" });
  const result = state.reconcile;
  return panel("dash-reconcile", "Reconcile",
    h("form", { class: "dash-reconcile-form", onsubmit: (event) => {
      event.preventDefault();
      if (input.value.trim()) act.reconcile({ item: input.value.trim() });
    } }, input, h("button", { type: "submit", class: "dash-action" }, "Check")),
    result ? h("div", { class: `dash-reconcile-result ${result.ok ? "ok" : "bad"}`, id: "reconcile-result" },
      h("p", {}, result.error || `${result.item || result.zone}: ${result.ok ? "chains and stock agree with the ledger"
        : `${result.problem_total} problem${result.problem_total === 1 ? "" : "s"}`} · ${result.movements_checked ?? 0} movements`),
      (result.problems || []).slice(0, 3).map((p) => h("p", { class: "dash-problem" }, p)),
      result.count ? h("button", { type: "button", class: "dash-action", id: "reconcile-count",
        onclick: () => act.createCount(result) }, "Count it") : null,
      result.countCreated ? h("p", { class: "ok" }, `Count ${result.countCreated} created`) : null) : null);
}
