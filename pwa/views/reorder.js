// Reorder (supervisors, admins): make draft purchase orders for what fell below its reorder point, review each
// supplier's draft, change quantities or take lines off, then Approve (a real purchase order, in transit from then)
// or Discard. Nothing is ordered without the Approve button. Needs the connection: the server decides.
import { ApiError, getJson, postJson } from "../api.js";
import { serverFetch } from "../connection.js";
import * as db from "../db.js";
import * as feedback from "../feedback.js";
import { confirmDialog, h, numberDialog, resultLine, scanOutcome, setChildren } from "./ui.js";

const METHODS = [
  { method: "static", label: "Reorder point", note: "each item's own point" },
  { method: "dynamic", label: "Issue velocity", note: "last N days × lead time + safety" },
];

// PATCH and DELETE with the session's CSRF token (api.js has GET and POST only).
async function send(method, path, body) {
  const csrf = (await db.getMeta("csrf")) || "";
  let response;
  try {
    response = await serverFetch(path, { method, headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, "offline", error.message);
  }
  const answer = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, answer?.error?.code || `http_${response.status}`,
    answer?.error?.message || `${path} answered ${response.status}`);
  return answer;
}

// 123456 cents → "1,234.56" (unit costs today; the purchase order carries no prices).
function money(cents) {
  const whole = Math.trunc(Math.abs(cents) / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${cents < 0 ? "-" : ""}${whole}.${String(Math.abs(cents) % 100).padStart(2, "0")}`;
}

export function reorderView() {
  const state = { drafts: [], method: "static", last: null, loading: true, key: null, busy: false };
  const el = h("section", { class: "screen wide-screen", id: "reorder-screen" });
  const { refuse, accept } = scanOutcome(state, () => render());

  function lineRow(draft, line) {
    const changed = line.qty !== line.suggested;
    return h("tr", { class: "draft-line", dataset: { item: line.item } },
      h("td", {}, h("b", {}, line.item), h("div", { class: "muted" }, line.name)),
      h("td", { class: "num position" }, String(line.position), h("div", { class: "muted" }, `point ${line.reorder_point}`)),
      h("td", { class: "num" }, h("button", { type: "button", class: `small-button qty-edit ${changed ? "changed" : ""}`,
        "aria-label": `Quantity of ${line.item}: ${line.qty}. Change`, onclick: () => changeQty(draft, line) },
      String(line.qty)), changed ? h("div", { class: "muted" }, `suggested ${line.suggested}`) : null),
      h("td", { class: "num" }, h("button", { type: "button", class: "small-button remove-line",
        "aria-label": `Take ${line.item} off`, onclick: () => removeLine(draft, line) }, "✕")));
  }

  function draftCard(draft) {
    const units = draft.lines.reduce((n, l) => n + l.qty, 0);
    const cents = draft.lines.reduce((n, l) => n + l.value_cents, 0);
    const title = draft.supplier ? `${draft.supplier} · ${draft.supplier_name}` : "No supplier";
    return h("article", { class: `card draft ${draft.supplier ? "" : "attention"}`, id: `draft-${draft.id}`,
      dataset: { supplier: draft.supplier || "", draft: String(draft.id) } },
    h("div", { class: "draft-head" }, h("p", { class: "card-title" }, title),
      h("p", { class: "muted" }, draft.supplier ? `${draft.warehouse} · lead time ${draft.lead_time_days} days · `
        + (draft.method === "dynamic" ? `issues of the last ${draft.velocity_days} days · ` : "")
        + `${draft.lines.length} line${draft.lines.length === 1 ? "" : "s"}, ${units} units, value ${money(cents)}` : `${draft.warehouse} · `
        + "give these items a supplier, then make drafts again")),
    // The decision sits at the top: a long draft must not hide its Approve button below the fold.
    h("div", { class: "draft-actions" },
      h("button", { type: "button", class: "big-button stop discard-draft", onclick: () => discard(draft) }, "Discard"),
      draft.supplier ? h("button", { type: "button", class: "big-button go approve-draft", disabled: !draft.lines.length,
        onclick: () => approve(draft) }, "Approve") : null),
    draft.lines.length ? h("table", { class: "report-table draft-lines" },
      h("thead", {}, h("tr", {}, h("th", {}, "Item"), h("th", { class: "num position" }, "Have + coming"),
        h("th", { class: "num" }, "Order"), h("th", { class: "num" }, h("span", { class: "sr-only" }, "Remove")))),
      h("tbody", {}, draft.lines.map((line) => lineRow(draft, line)))) : h("p", { class: "muted" }, "No lines left."));
  }

  function render() {
    setChildren(el,
      h("h1", {}, "Reorder"),
      h("div", { class: "method-choice", role: "group", "aria-label": "How to find what to order" },
        METHODS.map((m) => h("button", { type: "button", class: `work-button method ${state.method === m.method ? "chosen" : ""}`,
          "aria-pressed": String(state.method === m.method), id: `method-${m.method}`,
          onclick: () => { state.method = m.method; state.key = null; render(); } },
        h("span", { class: "work-label" }, m.label), h("span", { class: "work-count" }, m.note)))),
      state.last ? resultLine(state.last) : null,
      h("p", { class: "prompt", id: "prompt" }, state.loading ? "Loading…" : state.drafts.length
        ? "Check each draft, then Approve or Discard" : "No open drafts"),
      h("div", { class: "drafts", id: "drafts" }, state.drafts.map(draftCard)));
    make.disabled = state.busy;
  }

  async function load() {
    try {
      state.drafts = (await getJson("/api/v1/reorder/drafts")).items;
    } catch (error) {
      state.last = { kind: "bad", text: error.code === "offline" ? "Reorder needs a connection" : error.message };
    }
    state.loading = false;
    render();
  }

  async function act(work, failure) {
    if (state.busy) return;
    state.busy = true;
    try {
      await work();
    } catch (error) {
      refuse(failure, error instanceof ApiError ? error.message : String(error));
    } finally {
      state.busy = false;
    }
    await load();
  }

  const make = h("button", { type: "button", class: "big-button go", id: "make-drafts", onclick: () => act(async () => {
    state.key = state.key || crypto.randomUUID(); // a retry after a lost answer is the same request, not new drafts
    const made = await postJson("/api/v1/reorder/drafts", { method: state.method }, { idempotencyKey: state.key });
    state.key = null;
    const n = made.drafts.length;
    accept(n ? `${n} new draft${n === 1 ? "" : "s"}` + (made.without_supplier.length
      ? `; no supplier: ${made.without_supplier.map((w) => w.item).join(", ")}` : "") : "Nothing new to order", n ? "ok" : "info");
  }, "No drafts made") }, "Make drafts");

  function changeQty(draft, line) {
    return act(async () => {
      const qty = await numberDialog({ message: `Order how many ${line.item}?`, value: line.qty,
        detail: `Suggested ${line.suggested}; have + coming ${line.position}, point ${line.reorder_point}`, confirm: "Set" });
      if (qty === null || qty === line.qty) return;
      await send("PATCH", `/api/v1/reorder/drafts/${draft.id}`, { lines: [{ item: line.item, qty }] });
      accept(`${line.item}: ${qty}`, "ok");
    }, "Not changed");
  }

  function removeLine(draft, line) {
    return act(async () => {
      await send("PATCH", `/api/v1/reorder/drafts/${draft.id}`, { remove: [line.item] });
      accept(`${line.item} taken off the draft`, "info");
    }, "Not changed");
  }

  function approve(draft) {
    return act(async () => {
      const units = draft.lines.reduce((n, l) => n + l.qty, 0);
      const ok = await confirmDialog({ message: `Order ${units} units from ${draft.supplier}?`,
        detail: "This makes a real purchase order; its quantities count as in transit from now.", confirm: "Approve" });
      if (!ok) return;
      const done = await send("POST", `/api/v1/reorder/drafts/${draft.id}/approve`);
      accept(`Approved: purchase order ${done.purchase_order}`, "ok");
      feedback.success("Approved", done.purchase_order);
    }, "Not approved");
  }

  function discard(draft) {
    return act(async () => {
      const ok = await confirmDialog({ message: `Discard the draft for ${draft.supplier || "items with no supplier"}?`,
        detail: "Nothing is ordered. Its items may be drafted again later.", confirm: "Discard", danger: true });
      if (!ok) return;
      await send("DELETE", `/api/v1/reorder/drafts/${draft.id}`);
      accept("Draft discarded", "info");
    }, "Not discarded");
  }

  render();
  load();
  return { title: "Reorder", el, actions: [], primary: make };
}
