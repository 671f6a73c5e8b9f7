// The order desk (supervisor, admin; tablet and desktop first): orders newest first, searched by state, time in
// that state, customer, item and warehouse, a page at a time; tap one to work on it (views/orders_desk_order.js).
import { ago, failureText, send } from "./admin_http.js";
import { h, resultLine, setChildren } from "./ui.js";

export const STATES = ["received", "validated", "backordered", "on_hold", "picking", "packed", "dispatched", "delivered",
  "cancelled"];
export const STATE_TEXT = { on_hold: "on hold" };
const PAGE = 50;

export function stateBadge(state) {
  return h("span", { class: `order-state state-${state}` }, STATE_TEXT[state] || state);
}

// The search is kept in the hash (#/orders?state=…): back from an order returns to the same list.
function searchFromHash() {
  const query = location.hash.split("?")[1] || "";
  return Object.fromEntries(new URLSearchParams(query));
}

export function ordersDeskView({ navigate }) {
  const state = { rows: null, next: null, last: null, loading: false };
  const search = searchFromHash();
  const el = h("section", { class: "screen office", id: "orders-screen" });
  const field = (name, label, props = {}) => {
    const input = h("input", { id: `find-${name}`, name, value: search[name] || "", autocomplete: "off",
      spellcheck: "false", ...props });
    return [input, h("div", { class: "find-field" }, h("label", { for: `find-${name}` }, label), input)];
  };
  const stateSelect = h("select", { id: "find-state", name: "state" }, h("option", { value: "" }, "any state"),
    STATES.map((s) => h("option", { value: s, selected: search.state === s }, STATE_TEXT[s] || s)));
  const [customer, customerField] = field("customer", "Customer", { maxlength: "200" });
  const [item, itemField] = field("item", "Item (SKU or barcode)", { maxlength: "64" });
  const [warehouse, warehouseField] = field("warehouse", "Warehouse", { maxlength: "64" });
  const [age, ageField] = field("older_than_minutes", "In that state over (min)", { inputmode: "numeric", maxlength: "6" });
  const form = h("form", { class: "card find-form", id: "orders-search" },
    h("div", { class: "find-field" }, h("label", { for: "find-state" }, "State"), stateSelect),
    ageField, customerField, itemField, warehouseField,
    h("button", { type: "submit", class: "big-button info", id: "find-orders" }, "Find"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [input, name] of [[stateSelect, "state"], [age, "older_than_minutes"], [customer, "customer"], [item, "item"],
      [warehouse, "warehouse"]]) {
      if (input.value.trim()) query.set(name, input.value.trim());
    }
    const hash = `#/orders${query.toString() ? `?${query}` : ""}`;
    if (location.hash === hash) load(false);
    else navigate(hash); // the router builds the list again from the hash
  });

  function row(order) {
    return h("li", {}, h("a", { href: `#/orders/${encodeURIComponent(order.number)}`, class: "card office-row order-row",
      dataset: { order: order.number, state: order.state } },
    h("span", { class: "card-title" }, order.number),
    stateBadge(order.state),
    h("span", {}, order.customer || h("span", { class: "muted" }, "no customer name")),
    h("span", { class: "muted" }, `${order.lines} line${order.lines === 1 ? "" : "s"} · ${order.units} units · ${order.warehouse}`),
    h("span", { class: "muted" }, `${STATE_TEXT[order.state] || order.state} ${ago(order.state_changed_at)}`)));
  }

  function render() {
    el.dataset.orders = String(state.rows?.length ?? "");
    setChildren(el, h("h1", {}, "Orders"), form, resultLine(state.last),
      state.rows === null ? h("p", { class: "muted" }, "Loading…")
        : state.rows.length ? h("ul", { class: "cards office-rows", id: "order-list" }, state.rows.map(row))
          : h("p", { class: "muted", id: "no-orders" }, "No order matches."),
      state.next ? h("button", { type: "button", class: "big-button", id: "more-orders", disabled: state.loading,
        onclick: () => load(true) }, "More orders") : null);
  }

  async function load(more) {
    const query = new URLSearchParams({ ...searchFromHash(), limit: String(PAGE) });
    if (more) query.set("cursor", state.next);
    state.loading = true;
    try {
      const page = await send("GET", `/api/v1/orders?${query}`);
      state.rows = more ? [...(state.rows || []), ...page.items] : page.items;
      state.next = page.next_cursor;
      state.last = null;
    } catch (error) {
      state.rows = state.rows || [];
      state.last = { kind: "bad", text: failureText(error) };
    }
    state.loading = false;
    render();
  }

  render();
  load(false);
  return { title: "Orders", el, refresh: () => {}, actions: [] };
}
