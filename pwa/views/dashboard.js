// The supervisor's live dashboard (#/dashboard; supervisor, admin; tablet first). One read of
// GET /api/v1/dashboard, then the WebSocket's events are applied on top: movements heat their zone and add
// to the dispatch trend, order steps move the counts, alerts arrive and leave; an exception, reject or count
// re-reads the queue it changed (rows carry the ids their actions need). Needs the network. With several
// warehouses a picker (dashboard_picker.js) chooses one or All: the read and the socket then cover just that.
import { ApiError, getJson, postJson } from "../api.js";
import * as feedback from "../feedback.js";
import { openLive } from "./dashboard_live.js";
import { rememberedWarehouse, rememberWarehouse, warehousePicker } from "./dashboard_picker.js";
import { alertsPanel, discrepancyPanel, ordersPanel, queuesPanel, reconcilePanel, trendPanel, zonesPanel } from "./dashboard_panels.js";
import { h, setChildren } from "./ui.js";

const REREAD_MS = 300; // events in a burst cause one re-read
const HEARD_KEPT = 500;
// Time alone makes an order stuck (no event says so): the whole dashboard is read again this often.
const TIME_PASSES_MS = 60_000;

export function dashboardView() {
  // warehouse: the picked code, "" for All; warehouses: the last read's list, so the picker stays while loading.
  const state = { board: null, problem: null, live: "connecting", reconcile: null, recent: [],
    warehouse: rememberedWarehouse(), warehouses: [] };
  const el = h("section", { class: "screen dashboard", id: "dashboard-screen" });
  let live = null;
  let rereadTimer = null;
  let minuteTimer = null;
  let gone = false;
  let reads = 0; // a read answered after a newer pick's read started is dropped
  const heard = []; // the latest events, to apply again over a re-read that may not hold them

  const act = {
    async acknowledge(alert) {
      await attempt(() => postJson(`/api/v1/alerts/${alert.id}/acknowledge`, {}), "Alert noted");
      state.board.alerts = state.board.alerts.filter((a) => a.id !== alert.id);
      render();
    },
    async resolveException(x) {
      const note = await textDialog({ message: `Resolve ${x.code.replace("_", " ")}`, detail: x.detail, label: "Note" });
      if (note === null) return;
      if (await attempt(() => postJson(`/api/v1/exceptions/${x.id}/resolve`, { note }), "Resolved")) rereadAll(); // the heat map and summary count it too
    },
    async resolveReject(r) {
      const note = await textDialog({ message: `Resolve reject: ${r.code.replace("_", " ")}`, detail: r.message, label: "Note" });
      if (note === null) return;
      if (await attempt(() => postJson(`/api/v1/rejects/${r.id}/resolve`, { note }), "Resolved")) rereadAll(); // the heat map and summary count it too
    },
    async resubmit(r) {
      const text = await textDialog({ message: "Fix and send again", detail: r.message, label: "Movement (JSON)",
        value: JSON.stringify(r.payload, null, 1), multiline: true });
      if (text === null) return;
      let movement;
      try {
        movement = JSON.parse(text);
      } catch {
        return feedback.failure("Not sent", "that is not valid JSON");
      }
      const result = await attempt(() => postJson(`/api/v1/rejects/${r.id}/resubmit`, { movement, note: "fixed on the dashboard" }));
      if (!result) return;
      if (result.status === "rejected") feedback.failure("Still refused", result.error?.message);
      else feedback.success("Sent again", result.status);
      rereadAll();
    },
    async reconcile(scope) {
      const path = scope.item ? `items/${encodeURIComponent(scope.item)}` : `zones/${encodeURIComponent(scope.zone)}`;
      try {
        state.reconcile = await getJson(`/api/v1/reconcile/${path}`);
      } catch (error) {
        state.reconcile = { ok: false, error: error.message, ...scope };
      }
      render();
      document.getElementById("reconcile-result")?.scrollIntoView({ block: "nearest" });
    },
    async createCount(result) {
      result.key = result.key || crypto.randomUUID(); // a retry of this press is not a second count
      const count = await attempt(() => postJson("/api/v1/counts", { ...result.count, note: "from reconcile" },
        { idempotencyKey: result.key }), "Count created");
      if (count) {
        result.countCreated = count.id;
        result.count = null;
        render();
      }
    },
  };

  async function attempt(call, success) {
    try {
      const answer = await call();
      if (success) feedback.success(success);
      return answer ?? true;
    } catch (error) {
      feedback.failure("Not done", error instanceof ApiError ? error.message : String(error));
      return null;
    }
  }

  async function load() {
    const read = ++reads;
    const chosen = state.warehouse;
    try {
      const board = await getJson(chosen ? `/api/v1/dashboard?warehouse=${encodeURIComponent(chosen)}` : "/api/v1/dashboard");
      if (read !== reads || gone) return;
      state.board = board;
      state.warehouses = board.warehouses || [];
      state.problem = null;
      for (const event of heard) if (event.seq > board.last_seq) applyEvent(event, true);
    } catch (error) {
      if (read !== reads || gone) return;
      if (chosen && error.code === "unknown_warehouse") return pick(""); // the remembered warehouse is gone
      state.problem = error.code === "offline" ? "The dashboard needs a connection" : error.message;
    }
    render();
    if (state.board && !live && !gone) {
      // An old socket's last words (after a pick closed it) change nothing.
      let socket = null;
      socket = openLive({ warehouse: chosen || undefined, since: state.board.last_seq,
        onEvent: (event) => { if (live === socket) apply(event); },
        onState: (s) => { if (live === socket || socket === null) { state.live = s; renderStatus(); } } });
      live = socket;
    }
  }

  // Another warehouse (or All): drop what was shown and heard, read it, and subscribe for just that.
  function pick(code) {
    state.warehouse = code;
    rememberWarehouse(code);
    live?.close();
    live = null;
    clearTimeout(rereadTimer);
    heard.length = 0;
    Object.assign(state, { board: null, problem: null, live: "connecting", reconcile: null, recent: [] });
    render();
    load();
  }

  function rereadQueues() {
    clearTimeout(rereadTimer);
    rereadTimer = setTimeout(async () => {
      try {
        const only = state.warehouse ? `&warehouse=${encodeURIComponent(state.warehouse)}` : ""; // rejects have no warehouse
        const [exceptions, rejects] = await Promise.all([getJson(`/api/v1/exceptions?limit=50${only}`), getJson("/api/v1/rejects?limit=50")]);
        Object.assign(state.board, { exceptions, rejects });
        render();
      } catch { /* the next event or the minute's re-read tries again */ }
    }, REREAD_MS);
  }

  function rereadAll() {
    clearTimeout(rereadTimer);
    rereadTimer = setTimeout(load, REREAD_MS);
  }

  function apply(event) {
    if (!state.board) return;
    heard.push(event);
    if (heard.length > HEARD_KEPT) heard.shift();
    applyEvent(event, false);
    render();
  }

  // `replay`: an event heard while a re-read was on its way, applied again on top of the fresh read (only what
  // the read cannot already hold: seq above its last_seq), without asking for another read.
  function applyEvent(event, replay) {
    const data = event.data || {};
    if (event.topic === "movements") applyMovement(data);
    else if (event.topic === "orders") applyOrderStep(data);
    else if (event.topic === "alerts") applyAlert(data, replay);
    else if (event.topic === "exceptions" && !replay) { state.board.exceptions.open_total += 1; rereadQueues(); }
    else if (event.topic === "counts" && !replay) rereadAll();
  }

  function applyMovement(m) {
    const zoneOf = state.board.location_zones || {};
    for (const code of new Set([zoneOf[m.from], zoneOf[m.to]])) {
      const zone = state.board.zones.find((z) => z.zone === code);
      if (zone) zone.movements_24h += 1;
    }
    if (m.kind === "dispatch") {
      const trend = state.board.dispatch_trend;
      const last = trend[trend.length - 1];
      if (last && Date.parse(m.recorded_at) >= Date.parse(last.hour)) last.qty += m.qty_base;
    }
    state.recent = [m, ...state.recent].slice(0, 6);
  }

  function applyOrderStep(step) {
    const byState = state.board.orders.by_state;
    if (step.from && byState[step.from] > 0) byState[step.from] -= 1;
    if (step.to) byState[step.to] = (byState[step.to] || 0) + 1;
    if (step.from && step.to) state.board.orders.stuck = state.board.orders.stuck.filter((o) => o.number !== step.number);
  }

  function applyAlert(alert, replay) {
    const alerts = state.board.alerts.filter((a) => a.id !== alert.id);
    state.board.alerts = alert.acknowledged_at ? alerts : [alert, ...alerts];
    if (!alert.acknowledged_at && !replay) feedback.failure("Alert", alert.message);
  }

  const status = h("p", { class: "dash-status", id: "dash-live", "aria-live": "polite" });
  function renderStatus() {
    status.dataset.state = state.live;
    status.textContent = { live: "● Live", connecting: "Connecting…", reconnecting: "Reconnecting…",
      ended: "Signed out: sign in again to watch the floor" }[state.live] || state.live;
  }

  function render() {
    if (!state.board) {
      delete el.dataset.board;
      setChildren(el, h("h1", {}, "Dashboard"), warehousePicker(state.warehouses, state.warehouse, pick),
        state.problem ? h("p", { class: "notice" }, state.problem) : h("p", { class: "muted" }, "Loading…"));
      return;
    }
    el.dataset.lastSeq = String(live?.lastSeq ?? state.board.last_seq);
    el.dataset.board = state.board.warehouse || "all"; // which warehouse the panels show (tests wait on it)
    setChildren(el,
      h("div", { class: "dash-head" }, h("h1", {}, state.board.warehouse ? `Floor ${state.board.warehouse}` : "Floor · all warehouses"),
        status),
      warehousePicker(state.warehouses, state.warehouse, pick),
      h("div", { class: "dash-grid" },
        alertsPanel(state, act), ordersPanel(state), queuesPanel(state, act), zonesPanel(state, act),
        trendPanel(state), discrepancyPanel(state), reconcilePanel(state, act),
        h("section", { class: "dash-panel", id: "dash-recent" }, h("h2", {}, "Just now"),
          state.recent.length ? h("ul", { class: "dash-list" }, state.recent.map((m) => h("li", { class: "dash-row" },
            h("span", { class: "dash-row-text" }, `${m.kind} ${m.qty_base} × ${m.item} ${m.from || ""}${m.to ? ` → ${m.to}` : ""}`)))) : h("p", { class: "muted" }, "Waiting for the floor…"))));
    renderStatus();
  }

  render();
  load();
  minuteTimer = setInterval(() => { if (state.live !== "ended") rereadAll(); }, TIME_PASSES_MS);
  return {
    title: "Dashboard", el, actions: [], refresh: () => {},
    destroy() {
      gone = true;
      live?.close();
      clearTimeout(rereadTimer);
      clearInterval(minuteTimer);
    },
  };
}

// A question with a typed answer in an in-page dialog; resolves with the text, or null when cancelled.
function textDialog({ message, detail, label, value = "", multiline = false }) {
  return new Promise((resolve) => {
    const field = h(multiline ? "textarea" : "input", { id: "dash-dialog-text", class: "dash-dialog-text", "aria-label": label,
      rows: multiline ? "8" : null, autocomplete: "off" });
    field.value = value;
    const dialog = h("dialog", { class: "confirm", "aria-labelledby": "dash-dialog-message" },
      h("form", { method: "dialog", class: "stack" },
        h("p", { id: "dash-dialog-message", class: "confirm-message" }, message),
        detail ? h("p", { class: "confirm-detail" }, detail) : null,
        h("label", { for: "dash-dialog-text" }, label), field,
        h("div", { class: "dialog-actions" },
          h("button", { type: "submit", value: "cancel", class: "big-button" }, "Cancel"),
          h("button", { type: "submit", value: "ok", class: "big-button go", id: "dash-dialog-ok" }, "OK"))));
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "ok" ? field.value.trim() : null);
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    field.focus();
  });
}
