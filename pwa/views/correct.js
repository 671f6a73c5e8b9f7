// Correct a movement (supervisors): from a row of the movement history, "Correct this" → where, how many to
// add or remove, and why → POST /api/v1/adjustments with corrects_seq. Never an edit of the old movement: a new
// adjustment in the ledger that points at it. One Idempotency-Key per correction, kept until it is posted, so a
// press again after a lost answer gets the first adjustment back instead of posting a second.
import { ApiError, getJson, postJson } from "../api.js";
import * as feedback from "../feedback.js";
import { historyHref, movementCard } from "./history.js";
import { h, qtyControl, resultLine, scanOutcome, setChildren, validQty } from "./ui.js";

const REASONS = ["Scanned twice", "Wrong quantity", "Wrong item", "Damaged", "Found in the bin"];

export function correctView({ params }) {
  const seq = Number(params[0]);
  const state = { movement: null, location: null, sign: -1, qty: 1, reason: "", key: null, posted: null, last: null };
  const el = h("section", { class: "screen wide", id: "correct-screen" });
  const reasonInput = h("input", { id: "correct-reason", class: "text-input", maxlength: "200", autocomplete: "off",
    placeholder: "what went wrong", "aria-label": "Reason" });
  reasonInput.addEventListener("input", () => { state.reason = reasonInput.value.trim(); changed(false); });
  const qty = qtyControl(1, (n) => { state.qty = n; changed(false); }, { id: "correct-qty" });

  // Another correction than the one tried: another key (the server would call the same key a conflict).
  function changed(redraw = true) {
    state.key = null;
    if (redraw) return render();
    // Typing: no redraw (it would take the field's focus away), only what depends on the typing.
    post.disabled = !ready();
    const shown = el.querySelector("#correct-preview");
    if (shown && state.movement) shown.textContent = preview();
  }

  const ready = () => Boolean(state.movement && state.location && validQty(state.qty) && state.reason && !state.posted);

  function choice(label, chosen, onclick, extra = {}) {
    return h("button", { type: "button", class: `small-button choice ${chosen ? "chosen" : ""}`, "aria-pressed": String(chosen),
      onclick, ...extra }, label);
  }

  function render() {
    const m = state.movement;
    el.dataset.step = state.posted ? "posted" : m ? "form" : "loading";
    const places = m ? [m.to, m.from].filter(Boolean) : [];
    setChildren(el, h("h1", {}, `Correct movement #${seq}`),
      m ? h("ul", { class: "cards" }, movementCard(m, { correct: false })) : null,
      resultLine(state.last),
      m && !state.posted ? [
        h("p", { class: "field-label" }, "Where"),
        h("div", { class: "choices", id: "correct-where" }, places.map((code) =>
          choice(code, state.location === code, () => { state.location = code; changed(); }, { dataset: { location: code } }))),
        h("p", { class: "field-label" }, "Change"),
        h("div", { class: "choices", id: "correct-sign" },
          choice("Remove", state.sign < 0, () => { state.sign = -1; changed(); }, { id: "correct-remove" }),
          choice("Add", state.sign > 0, () => { state.sign = 1; changed(); }, { id: "correct-add" })),
        qty,
        h("label", { class: "field-label", for: "correct-reason" }, "Reason"), reasonInput,
        h("div", { class: "choices" }, REASONS.map((text) => choice(text, state.reason === text, () => {
          reasonInput.value = text;
          state.reason = text;
          changed();
        }))),
        h("p", { class: "correct-preview", id: "correct-preview" }, preview()),
      ] : null,
      m ? h("a", { href: historyHref({ item: m.item }), class: "big-button", id: "correct-history" }, `History of ${m.item}`) : null);
    post.disabled = !ready();
  }

  function preview() {
    const m = state.movement;
    if (!validQty(state.qty)) return "How many? A whole number from 1.";
    const where = state.location ? (state.sign < 0 ? `from ${state.location}` : `to ${state.location}`) : "(choose where)";
    return `${state.sign < 0 ? "Remove" : "Add"} ${state.qty} × ${m.item} ${where}, correcting #${m.seq}`;
  }

  const { refuse } = scanOutcome(state, render);

  const post = h("button", { type: "button", class: "big-button warn", id: "correct-post", onclick: async () => {
    if (!ready()) return;
    const m = state.movement;
    state.key = state.key || crypto.randomUUID();
    const body = { item: m.item, location: state.location, qty: state.sign * state.qty, reason: state.reason,
      corrects_seq: m.seq, ...(m.lot ? { lot: m.lot } : {}) };
    post.disabled = true;
    let result;
    try {
      result = await postJson("/api/v1/adjustments", body, { idempotencyKey: state.key });
    } catch (error) {
      post.disabled = false;
      const why = error instanceof ApiError && error.code === "offline" ? "no answer from the server: press again" : error.message;
      return refuse("Not posted", why);
    }
    state.posted = result;
    const text = `Posted #${result.seq}: ${state.location} now ${result.balance_after}`;
    state.last = { kind: "ok", text };
    render();
    feedback.success("Correction posted", text);
  } }, "Post correction");

  async function load() {
    try {
      // The newest movement before seq + 1 is movement seq itself (the history's own paging).
      const page = await getJson(`/api/v1/movements?cursor=${seq + 1}&limit=1`);
      const m = page.items.find((row) => row.seq === seq);
      if (!m) {
        state.last = { kind: "bad", text: `No movement #${seq}` };
      } else {
        state.movement = m;
        state.location = m.to || m.from;
      }
    } catch (error) {
      state.last = { kind: "bad", text: error.code === "offline" ? "Correcting needs a connection" : error.message };
    }
    render();
  }

  render();
  load();
  return { title: "Correct", el, actions: [], primary: post };
}
