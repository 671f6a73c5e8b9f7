// Small DOM helpers the screens share: building elements, the in-page confirm dialog, times,
// and a screen's answer to a scan.
import { withCodes } from "../codes.js";
import * as feedback from "../feedback.js";
import { limit } from "../limits.js";

// h("button", {class: "big-button", onclick: fn}, "Pick") → <button class="big-button">Pick</button>
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    if (child instanceof Node) element.append(child);
    else element.append(...withCodes(String(child))); // codes in any text never wrap mid-code
  }
  return element;
}

// el.replaceChildren(...) that skips null/false like h() does (the DOM would print "null").
export function setChildren(element, ...children) {
  element.replaceChildren(...children.flat(Infinity).filter((child) => child !== undefined && child !== null && child !== false));
  return element;
}

// An in-page yes/no question (never window.confirm: it blocks scanning and looks like a browser error).
export function confirmDialog({ message, detail, confirm = "Yes", cancel = "Cancel", danger = false }) {
  return new Promise((resolve) => {
    const cancelButton = h("button", { type: "submit", value: "cancel", class: "big-button" }, cancel);
    const confirmButton = h("button", { type: "submit", value: "ok", class: `big-button ${danger ? "stop" : "go"}` }, confirm);
    const dialog = h("dialog", { class: "confirm", "aria-labelledby": "confirm-message" },
      h("form", { method: "dialog", class: "stack" },
        h("p", { id: "confirm-message", class: "confirm-message" }, message),
        detail ? h("p", { class: "confirm-detail" }, detail) : null,
        h("div", { class: "dialog-actions" }, cancelButton, confirmButton)));
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "ok");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    cancelButton.focus(); // the safe answer is the one Enter picks
  });
}

// A number asked for with a big keypad (gloves, no system keyboard popping up over the screen).
// Resolves with a whole number from 1 to `max`, or null when cancelled. Digit keys work too; with
// `enterConfirms`, Enter takes a valid number (typed number + Enter on a handheld's keys, no reach for OK).
// A number over `max` buzzes as it is typed: the person hears it without looking at the display.
export function numberDialog({ message, detail, value = "", max = maxQty(), confirm = "OK", cancel = "Cancel",
  enterConfirms = false }) {
  return new Promise((resolve) => {
    let typed = value === "" ? "" : String(value);
    let fresh = true; // the first key replaces the suggested number
    const display = h("output", { class: "keypad-display", id: "keypad-display", "aria-live": "polite" });
    const problem = h("p", { class: "keypad-problem", id: "keypad-problem" });
    const show = () => {
      display.textContent = typed || "0";
      const n = Number(typed);
      problem.textContent = typed && (n < 1 || n > max) ? `From 1 to ${max}` : "";
      confirmButton.disabled = !typed || n < 1 || n > max;
    };
    const press = (key) => {
      if (key === "clear") typed = "";
      else if (key === "back") typed = typed.slice(0, -1);
      else typed = (fresh ? "" : typed).concat(key).replace(/^0+/, "").slice(0, 7);
      fresh = false;
      show();
      if (Number(typed) > max) feedback.failure(`At most ${max}`, `${typed} is too many`);
    };
    const key = (label, code, extra = {}) => h("button", { type: "button", class: "key", dataset: { key: code },
      onclick: () => press(code), ...extra }, label);
    const keys = [..."123456789"].map((d) => key(d, d));
    keys.push(key("C", "clear", { "aria-label": "Clear" }), key("0", "0"), key("⌫", "back", { "aria-label": "Delete one" }));
    const cancelButton = h("button", { type: "submit", value: "cancel", class: "big-button" }, cancel);
    const confirmButton = h("button", { type: "submit", value: "ok", class: "big-button warn", id: "keypad-ok" }, confirm);
    const dialog = h("dialog", { class: "confirm keypad-dialog", "aria-labelledby": "keypad-message" },
      h("form", { method: "dialog", class: "stack" },
        h("p", { id: "keypad-message", class: "confirm-message" }, message),
        detail ? h("p", { class: "confirm-detail" }, detail) : null,
        display, problem,
        h("div", { class: "keypad" }, keys),
        h("div", { class: "dialog-actions" }, cancelButton, confirmButton)));
    const onKey = (event) => {
      if (/^\d$/.test(event.key)) press(event.key);
      else if (event.key === "Backspace") press("back");
      else if (event.key === "Enter" && enterConfirms) {
        event.stopPropagation(); // the person's Enter, not a scanner's end of label
        if (!confirmButton.disabled) dialog.close("ok");
      } else return;
      event.preventDefault();
    };
    dialog.addEventListener("keydown", onKey);
    dialog.addEventListener("close", () => {
      const n = Number(typed);
      resolve(dialog.returnValue === "ok" && n >= 1 && n <= max ? n : null);
      dialog.remove();
    });
    document.body.append(dialog);
    show();
    dialog.showModal();
    cancelButton.focus();
  });
}

// Locale formatting is slow on a cheap handheld (the status bar asks after every scan): the last answer is kept.
let lastClock = { key: "", text: "" };
export function clockTime(iso) {
  if (!iso) return "";
  const key = `${iso} ${new Date().toDateString()}`;
  if (key === lastClock.key) return lastClock.text;
  const when = new Date(iso);
  const time = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  const text = when.toDateString() === new Date().toDateString() ? time : `${when.toLocaleDateString()} ${time}`;
  lastClock = { key, text };
  return text;
}

// "1 × Basmati Rice 250g" or "2 CS × …" in the warehouse's words.
export function quantityText(qty, uom) {
  return uom && uom !== "EA" ? `${qty} ${uom}` : `${qty}`;
}

// The server's flags on an applied scan, in the warehouse's words.
export const FLAG_TEXT = {
  negative_stock: "more than the system held there: check the bin",
  location_frozen: "the location is frozen for a count",
  order_not_open: "the order is not open",
  over_receipt: "more received than ordered",
  unexpected_item: "not on the order",
  partial_order: "the order left incomplete",
  clock_skew: "this handheld's clock is wrong",
  out_of_order: "sent after a later scan",
  not_quarantine: "quarantined goods put where they can be sold",
  not_sellable: "restocked goods put in quarantine",
  over_shipment: "more shipped than the transfer order asks",
  transfer_order_closed: "the transfer order is closed",
  cross_warehouse: "the order belongs to another warehouse",
};

// "move 900 × Rice WH1-A-01-01 → …: refused, no stock there" for an alert (db.listAlerts).
export function alertText(alert) {
  const what = movementText(alert.movement);
  if (alert.kind === "rejected") return `${what}: ${alert.error?.message || "refused"}`;
  return `${what}: ${(alert.flags || []).map((flag) => FLAG_TEXT[flag] || flag).join(", ")}`;
}

export function movementText(m) {
  // A whole carton (a dispatch by SSCC) has no quantity of its own: "dispatch carton at 00…".
  const what = m.qty === undefined || m.qty === null ? `${m.label || m.item}` : `${quantityText(m.qty, m.uom)} × ${m.label || m.item}`;
  const where = m.from && m.to ? `${m.from} → ${m.to}` : m.to ? `→ ${m.to}` : m.from ? `at ${m.from}` : "";
  return `${m.kind} ${what} ${where}`.trim();
}

// One row of a scan sequence: "From  WH1-A-01-01", the current one highlighted.
// `done: false` shows a value still to come (the tote to use) without marking the row done.
export function stepRow(label, value, { current = false, note = null, id = null, done = null } = {}) {
  return h("li", { class: `step ${current ? "current" : (done ?? value) ? "done" : ""}`, id },
    h("span", { class: "step-label" }, label),
    h("span", { class: "step-value" }, value || (current ? "scan now" : "—")),
    note ? h("span", { class: "step-note" }, note) : null);
}

// The big line under the steps: what just happened, in green / red / neutral.
export function resultLine(last) {
  return h("p", { class: `result ${last?.kind || ""}`, id: "result", "aria-live": "polite" }, last?.text || "");
}

// "1 CS = 12" for a case barcode, nothing for a unit.
export function packText(scan) {
  return scan && scan.factor > 1 ? `1 ${scan.uom} = ${scan.factor}` : null;
}

// The same as a badge that cannot be missed: a case is not a unit.
export function packBadge(scan) {
  const text = packText(scan);
  return text ? h("span", { class: "pack-badge" }, text) : null;
}

// A quantity field with big − and + buttons; `onchange(qty)` gets a number or NaN.
export function qtyControl(value, onchange, { id = "qty", unit = "" } = {}) {
  const input = h("input", { id, class: "qty-input", inputmode: "numeric", pattern: "[0-9]*", value: String(value),
    "aria-label": "Quantity", autocomplete: "off" });
  const set = (qty) => { input.value = String(qty); onchange(qty); };
  input.addEventListener("input", () => onchange(/^\d+$/.test(input.value.trim()) ? Number(input.value) : NaN));
  const minus = h("button", { type: "button", class: "qty-step", "aria-label": "One less",
    onclick: () => set(Math.max(1, (Number(input.value) || 1) - 1)) }, "−");
  const plus = h("button", { type: "button", class: "qty-step", "aria-label": "One more",
    onclick: () => set((Number(input.value) || 0) + 1) }, "+");
  return h("div", { class: "qty-row" }, minus, input, plus, unit ? h("span", { class: "qty-unit" }, unit) : null);
}

// The server's limit, as it said at sign-in (pwa/limits.js).
export function maxQty() {
  return limit("max_qty") ?? Number.MAX_SAFE_INTEGER;
}

export function validQty(qty) {
  return Number.isInteger(qty) && qty >= 1 && qty <= maxQty();
}

// A screen's answer to a scan: the result line, a redraw, and the sound, vibration and flash a person
// notices without looking. `state.last` is what resultLine() shows.
export function scanOutcome(state, render) {
  return {
    refuse(text, detail) {
      state.last = { kind: "bad", text: detail ? `${text}: ${detail}` : text };
      render();
      feedback.failure(text, detail);
    },
    accept(text, kind = "info") {
      state.last = { kind, text };
      render();
      feedback.step();
    },
  };
}
