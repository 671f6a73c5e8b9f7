// One order at the desk: its lines (change a quantity, remove a line, add one: reserved whole or refused with
// nothing changed), the state changes the server allows from here, and its history.
// Each add is one press, one Idempotency-Key: a retry after a lost answer does not add the line twice.
import { failureText, send } from "./admin_http.js";
import { STATE_TEXT, stateBadge } from "./orders_desk.js";
import { clockTime, confirmDialog, h, resultLine, setChildren } from "./ui.js";

const LINES_OPEN = ["received", "validated", "backordered", "on_hold"]; // the server says the last word (409)
const CLOSED = ["dispatched", "delivered", "cancelled"];
const MOVE_TEXT = { validated: "Validate (reserve)", backordered: "Backorder", on_hold: "Put on hold",
  picking: "Release to the floor", packed: "Mark packed", dispatched: "Mark dispatched", delivered: "Mark delivered",
  cancelled: "Cancel order" };

function customerText(shipTo) {
  const lines = Array.isArray(shipTo?.lines) ? shipTo.lines : [];
  return [shipTo?.name, ...lines].filter(Boolean).join(", ");
}

export function orderDeskView({ params }) {
  const number = decodeURIComponent(params[0]);
  const path = `/api/v1/orders/${encodeURIComponent(number)}`;
  const state = { order: null, last: null, addKey: null };
  const el = h("section", { class: "screen office", id: "order-screen", dataset: { order: number } });

  const addItem = h("input", { id: "add-item", maxlength: "64", autocomplete: "off", spellcheck: "false",
    placeholder: "SKU or barcode", "aria-label": "Item" });
  const addQty = h("input", { id: "add-qty", inputmode: "numeric", maxlength: "7", value: "1", autocomplete: "off",
    "aria-label": "Quantity" });
  const addPrice = h("input", { id: "add-price", inputmode: "decimal", maxlength: "32", autocomplete: "off",
    placeholder: "optional", "aria-label": "Unit price" });
  for (const input of [addItem, addQty, addPrice]) input.addEventListener("input", () => { state.addKey = null; });
  const addForm = h("form", { class: "card office-form add-line", id: "add-line" },
    h("h2", {}, "Add a line"),
    h("div", { class: "find-form" },
      h("div", { class: "find-field" }, h("label", { for: "add-item" }, "Item"), addItem),
      h("div", { class: "find-field" }, h("label", { for: "add-qty" }, "Quantity"), addQty),
      h("div", { class: "find-field" }, h("label", { for: "add-price" }, "Unit price"), addPrice),
      h("button", { type: "submit", class: "big-button go", id: "add-line-button" }, "Add line")));
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { item: addItem.value.trim(), qty: /^\d+$/.test(addQty.value.trim()) ? Number(addQty.value) : addQty.value };
    if (addPrice.value.trim()) body.unit_price = addPrice.value.trim();
    state.addKey = state.addKey || crypto.randomUUID();
    try {
      state.order = await send("POST", `${path}/lines`, body, { idempotencyKey: state.addKey });
      state.addKey = null;
      addItem.value = "";
      addQty.value = "1";
      addPrice.value = "";
      say("ok", `Line ${state.order.added_line} added: ${body.qty} × ${body.item}`);
    } catch (error) {
      say("bad", error.code === "insufficient_stock" ? `Not added: ${failureText(error)}. Nothing was changed.` : failureText(error));
    }
  });

  function say(kind, text) {
    state.last = { kind, text };
    render();
  }

  async function act(work, done) {
    try {
      await work();
      state.order = await send("GET", path);
      say("ok", done);
    } catch (error) {
      say("bad", failureText(error));
    }
  }

  function lineRow(line, order) {
    const qty = h("input", { class: "line-qty", inputmode: "numeric", maxlength: "7", value: String(line.qty),
      "aria-label": `Quantity of line ${line.line}`, autocomplete: "off" });
    const editable = !CLOSED.includes(order.state);
    const removable = LINES_OPEN.includes(order.state) && order.lines.length > 1;
    return h("tr", { dataset: { line: String(line.line), item: line.item } },
      h("td", { dataset: { label: "Line" } }, String(line.line)),
      h("td", { class: "line-item" }, line.item, line.unit_price ? h("small", {}, ` @ ${line.unit_price}`) : null),
      h("td", {}, editable ? h("div", { class: "office-inline" }, qty,
        h("button", { type: "button", class: "small-button change-qty", onclick: () => {
          const wanted = /^\d+$/.test(qty.value.trim()) ? Number(qty.value) : qty.value;
          act(() => send("PATCH", path, { lines: [{ line: line.line, qty: wanted }] }), `Line ${line.line} is now ${wanted}`);
        } }, "Change")) : String(line.qty)),
      h("td", { dataset: { label: "Reserved" } }, String(line.reserved)),
      h("td", { dataset: { label: "Picked / packed / sent" } }, `${line.picked} / ${line.packed} / ${line.dispatched}`),
      h("td", {}, removable ? h("button", { type: "button", class: "small-button stop remove-line", onclick: async () => {
        const ok = await confirmDialog({ message: `Remove line ${line.line} (${line.qty} × ${line.item})?`,
          detail: line.reserved ? `Its ${line.reserved} reserved go back to stock.` : "", confirm: "Remove", danger: true });
        if (ok) act(() => send("DELETE", `${path}/lines/${line.line}`), `Line ${line.line} removed`);
      } }, "Remove") : null));
  }

  async function move(target) {
    const risky = target === "cancelled" || target === "picking";
    if (risky && !(await confirmDialog({ message: `${MOVE_TEXT[target]}: ${number}?`,
      detail: target === "cancelled" ? "Its reservations are released; anything picked is listed to put back." : "Its pick walk is made now.",
      confirm: MOVE_TEXT[target], danger: target === "cancelled" }))) return;
    act(() => send("POST", `${path}/transition`, { to: target, reason: "order desk" }),
      `${number} is now ${STATE_TEXT[target] || target}`);
  }

  function render() {
    const order = state.order;
    if (!order) {
      setChildren(el, h("h1", {}, number), resultLine(state.last), state.last ? null : h("p", { class: "muted" }, "Loading…"));
      return;
    }
    el.dataset.state = order.state;
    el.dataset.lines = String(order.lines.length);
    setChildren(el,
      h("div", { class: "order-head" }, h("h1", {}, order.number), stateBadge(order.state)),
      h("p", { class: "muted" }, [order.warehouse, customerText(order.ship_to), order.notes].filter(Boolean).join(" · ")),
      resultLine(state.last),
      h("div", { class: "office-scroll" }, h("table", { class: "office-table", id: "order-lines" },
        h("thead", {}, h("tr", {}, ["Line", "Item", "Quantity", "Reserved", "Picked / packed / sent", ""].map((t) => h("th", {}, t)))),
        h("tbody", {}, order.lines.map((line) => lineRow(line, order))))),
      LINES_OPEN.includes(order.state) ? addForm : h("p", { class: "notice" },
        CLOSED.includes(order.state) ? "This order is closed: its lines no longer change."
          : "This order is on the floor: lines are not added or removed now (a quantity may still change)."),
      order.next_states.length ? h("h2", {}, "Move the order") : null,
      h("div", { class: "office-inline move-buttons", id: "move-buttons" }, order.next_states.map((target) =>
        h("button", { type: "button", class: `big-button ${target === "cancelled" ? "stop" : "info"}`, dataset: { to: target },
          onclick: () => move(target) }, MOVE_TEXT[target] || target))),
      h("h2", {}, "History"),
      h("ul", { class: "cards small", id: "order-history" }, [...order.history].reverse().map((event) => h("li", { class: "card" },
        h("p", {}, event.action === "transition" || event.action === "floor"
          ? `${event.from ? `${STATE_TEXT[event.from] || event.from} → ` : ""}${STATE_TEXT[event.to] || event.to}` : event.action.replace("_", " "),
        event.reason ? h("span", { class: "muted" }, ` · ${event.reason}`) : null),
        h("p", { class: "muted" }, `${event.by || "the system"} · ${clockTime(event.at)}`)))));
  }

  async function load() {
    try {
      state.order = await send("GET", path);
    } catch (error) {
      state.last = { kind: "bad", text: failureText(error) };
    }
    render();
  }

  render();
  load();
  return { title: "Order", el, refresh: () => {}, actions: [],
    primary: h("a", { href: "#/orders", class: "big-button", id: "back-to-orders" }, "All orders") };
}
