// Sign-off (supervisor, tablet or phone): counts waiting for a person, their lines biggest value of
// variance first, one tap to the bin's recent movements, approve with a reason code or order a
// recount. This is a supervisor's desk, not a floor scan: it needs the connection and says so.
import { ApiError, getJson, postJson } from "../api.js";
import * as feedback from "../feedback.js";
import { clockTime, h, resultLine, setChildren } from "./ui.js";

export const REASONS = [["damage", "Damage"], ["theft", "Theft"], ["mis_pick", "Mis-pick"],
  ["receiving_error", "Receiving error"], ["uom_error", "Pack size error"], ["found", "Found"], ["other", "Other"]];

function money(cents) {
  if (cents === null || cents === undefined) return "";
  const sign = cents < 0 ? "−" : cents > 0 ? "+" : "";
  return `${sign}${(Math.abs(cents) / 100).toFixed(2)}`;
}

function problemText(error) {
  if (error instanceof ApiError && error.code === "offline") return "No connection: sign-off needs the network";
  if (error instanceof ApiError && error.code === "four_eyes") return "You counted this line: another supervisor signs it off";
  return error.message;
}

export function signoffListView() {
  const state = { waiting: null, counting: [], last: null };
  const el = h("section", { class: "screen", id: "signoff-list" });

  function card(count, action) {
    return h("li", { class: "card", dataset: { count: String(count.id) } },
      h("a", { href: `#/signoff/${count.id}`, class: "card-link" },
        h("p", { class: "card-title" }, `Count ${count.id} · ${count.locations.join(", ")}`),
        h("p", { class: "muted" }, [count.origin, count.assigned_to ? `for ${count.assigned_to}` : null, clockTime(count.created_at)]
          .filter(Boolean).join(" · ")),
        count.lines_waiting ? h("p", { class: "reason" }, `${count.lines_waiting} line${count.lines_waiting === 1 ? "" : "s"} to sign off`) : null),
      action);
  }

  function render() {
    setChildren(el,
      h("h1", {}, "Sign-off"),
      resultLine(state.last),
      h("h2", {}, "Waiting for sign-off"),
      state.waiting === null ? h("p", { class: "muted" }, "Loading…")
        : state.waiting.length ? h("ul", { class: "cards", id: "counts-waiting" }, state.waiting.map((c) => card(c)))
          : h("p", { class: "muted", id: "nothing-waiting" }, "Nothing waiting."),
      h("h2", {}, "Still counting"),
      h("ul", { class: "cards", id: "counts-counting" }, state.counting.map((c) => card(c,
        h("button", { type: "button", class: "big-button warn close-count", dataset: { count: String(c.id) },
          onclick: () => closeCount(c.id) }, "Close count")))));
  }

  async function closeCount(id) {
    try {
      await postJson(`/api/v1/counts/${id}/close`, {});
      feedback.success(`Count ${id} closed`);
      location.hash = `#/signoff/${id}`;
    } catch (error) {
      state.last = { kind: "bad", text: problemText(error) };
      render();
      feedback.failure("Not closed", problemText(error));
    }
  }

  async function refresh() {
    try {
      const [waiting, counting] = await Promise.all([getJson("/api/v1/counts?state=needs_signoff"),
        getJson("/api/v1/counts?state=counting")]);
      state.waiting = waiting.items;
      state.counting = counting.items;
    } catch (error) {
      state.waiting = state.waiting || [];
      state.last = { kind: "bad", text: problemText(error) };
    }
    render();
  }

  render();
  return { title: "Sign-off", el, refresh };
}

export function signoffCountView({ params }) {
  const id = Number(params[0]);
  const state = { count: null, history: new Map(), open: null, last: null, busy: false };
  const el = h("section", { class: "screen", id: "signoff-count" });

  function lineCard(line) {
    const waiting = line.status === "needs_signoff";
    const history = state.history.get(line.line);
    return h("li", { class: `card variance-line ${waiting ? "attention" : ""}`,
      dataset: { line: String(line.line), status: line.status, item: line.item } },
      h("p", { class: "card-title" }, `${line.location} · ${line.name}`, line.lot ? ` · lot ${line.lot}` : ""),
      h("div", { class: "variance-figures" },
        h("span", {}, h("small", {}, "Expected"), h("b", {}, String(line.expected ?? "—"))),
        h("span", {}, h("small", {}, "Counted"), h("b", {}, String(line.counted ?? "—"))),
        h("span", { class: line.variance < 0 ? "minus" : line.variance > 0 ? "plus" : "" },
          h("small", {}, "Variance"), h("b", {}, `${line.variance > 0 ? "+" : ""}${line.variance ?? "—"}`)),
        h("span", { class: "value" }, h("small", {}, "Value"), h("b", { class: "line-value" }, money(line.value_cents)))),
      h("p", { class: "muted" }, [line.variance_pct === null ? "nothing expected" : `${line.variance_pct}%`,
        line.counted_by ? `counted by ${line.counted_by}` : "nobody scanned it",
        line.approved_by ? `approved by ${line.approved_by}` : null, line.reason].filter(Boolean).join(" · ")),
      line.blocks && waiting ? h("p", { class: "reason" }, "Item blocked until this is resolved") : null,
      line.recount_id ? h("p", { class: "muted" }, `Recount: count ${line.recount_id}`) : null,
      line.line ? h("button", { type: "button", class: "small-button history-button",
        onclick: () => toggleHistory(line) }, history ? "Hide movements" : "Movements") : null,
      history ? h("ul", { class: "cards small bin-history" }, history.map((m) =>
        h("li", { class: "card" }, `${clockTime(m.occurred_at)} · ${m.kind} ${m.change > 0 ? "+" : ""}${m.change || m.qty} × ${m.item}`,
          m.scanned_by ? ` · ${m.scanned_by}` : "", m.flags.length ? h("span", { class: "reason" }, ` ${m.flags.join(", ")}`) : null))) : null,
      waiting && state.open === line.line ? reasonPicker(line) : null,
      waiting && state.open !== line.line ? h("div", { class: "dialog-actions" },
        h("button", { type: "button", class: "big-button go approve-button", onclick: () => { state.open = line.line; render(); } },
          "Approve…"),
        h("button", { type: "button", class: "big-button warn recount-button", disabled: !!line.recount_id,
          onclick: () => recount(line) }, "Recount")) : null);
  }

  function reasonPicker(line) {
    return h("div", { class: "reason-picker" },
      h("p", { class: "confirm-message" }, "Why is it different?"),
      h("div", { class: "reason-grid" }, REASONS.map(([code, label]) =>
        h("button", { type: "button", class: "big-button reason-code", dataset: { reason: code },
          onclick: () => approve(line, code) }, label))),
      h("button", { type: "button", class: "big-button", onclick: () => { state.open = null; render(); } }, "Cancel"));
  }

  function render() {
    const count = state.count;
    if (!count) {
      setChildren(el, h("h1", {}, `Count ${id}`), resultLine(state.last));
      return;
    }
    const lines = [...count.lines].sort((a, b) => Math.abs(b.value_cents ?? 0) - Math.abs(a.value_cents ?? 0)
      || Math.abs(b.variance ?? 0) - Math.abs(a.variance ?? 0) || a.line - b.line);
    const waiting = lines.filter((l) => l.status === "needs_signoff").length;
    el.dataset.state = count.state;
    setChildren(el,
      h("h1", {}, `Count ${count.id}`),
      h("p", { class: "prompt", id: "prompt" }, count.state === "closed" ? "Closed: every line resolved"
        : count.state === "counting" ? "Still counting" : `${waiting} line${waiting === 1 ? "" : "s"} to sign off`),
      h("p", { class: "muted" }, `${count.locations.join(", ")} · ${count.origin}${count.note ? ` · ${count.note}` : ""}`),
      resultLine(state.last),
      h("ul", { class: "cards", id: "variance-lines" }, lines.map(lineCard)),
      h("a", { href: `/api/v1/counts/${count.id}/variance-report.pdf`, target: "_blank", rel: "noopener",
        class: "big-button info doc-button", id: "variance-report" }, "Variance report (PDF)"));
  }

  async function act(path, body, okText) {
    if (state.busy) return;
    state.busy = true;
    try {
      const answer = await postJson(path, body);
      state.last = { kind: "ok", text: okText(answer) };
      feedback.success(state.last.text);
      state.open = null;
      await refresh(false);
    } catch (error) {
      state.last = { kind: "bad", text: problemText(error) };
      render();
      feedback.failure("Not done", problemText(error));
    } finally {
      state.busy = false;
    }
  }

  const approve = (line, reason) => act(`/api/v1/counts/${id}/lines/${line.line}/approve`, { reason },
    () => `Line ${line.line} approved: ${reason.replace("_", " ")}`);
  const recount = (line) => act(`/api/v1/counts/${id}/lines/${line.line}/recount`, { note: `recount of count ${id}` },
    (answer) => `Recount ordered: count ${answer.id} of ${answer.locations.join(", ")}`);

  async function toggleHistory(line) {
    if (state.history.has(line.line)) {
      state.history.delete(line.line);
      return render();
    }
    try {
      state.history.set(line.line, (await getJson(`/api/v1/counts/${id}/lines/${line.line}/movements`)).movements);
    } catch (error) {
      state.last = { kind: "bad", text: problemText(error) };
    }
    render();
  }

  async function refresh(clear = true) {
    try {
      state.count = await getJson(`/api/v1/counts/${id}`);
      if (clear && state.last?.kind === "bad") state.last = null;
    } catch (error) {
      state.last = { kind: "bad", text: problemText(error) };
    }
    render();
  }

  render();
  const back = h("a", { href: "#/signoff", class: "big-button", id: "back-button" }, "All counts");
  return { title: "Count sign-off", el, refresh, back, actions: [back] };
}
