// Release (supervisors): the validated orders waiting for the floor; tap the ones to walk together, then
// "Release" makes one pick walk of them (POST /api/v1/pick-tasks, one Idempotency-Key per press, so a retry
// after a lost answer is not a second walk). Needs the network: the server reserves and plans the walk.
import { ApiError, getJson, postJson } from "../api.js";
import * as feedback from "../feedback.js";
import { refreshTasks } from "../offline_data.js";
import { h, resultLine, scanOutcome, setChildren } from "./ui.js";

const MAX_PER_WALK = 20; // the server's limit

export function releaseView() {
  const state = { orders: [], chosen: new Set(), last: null, loading: true, key: null };
  const el = h("section", { class: "screen", id: "release-screen" });

  function render() {
    el.dataset.count = String(state.orders.length);
    setChildren(el, h("h1", {}, "Release orders"),
      h("p", { class: "prompt", id: "prompt" }, state.orders.length ? "Tap the orders for one walk, then Release"
        : state.loading ? "Loading…" : "No orders waiting to be released"),
      resultLine(state.last),
      h("div", { class: "work-list scroll-list", id: "release-list" }, state.orders.map((order) => {
        const chosen = state.chosen.has(order.number);
        return h("button", { type: "button", class: `work-button release-order ${chosen ? "chosen" : ""}`,
          dataset: { order: order.number }, "aria-pressed": String(chosen), onclick: () => toggle(order.number) },
        h("span", { class: "work-label" }, order.number),
        h("span", { class: "work-count" }, `${order.lines} line${order.lines === 1 ? "" : "s"} · ${order.units} units`
          + (order.customer ? ` · ${order.customer}` : "")));
      })));
    release.disabled = state.chosen.size === 0;
    release.textContent = state.chosen.size ? `Release ${state.chosen.size}` : "Release";
  }

  const { refuse, accept } = scanOutcome(state, render);

  function toggle(number) {
    if (state.chosen.has(number)) state.chosen.delete(number);
    else if (state.chosen.size >= MAX_PER_WALK) return refuse("One walk takes 20 orders at most");
    else state.chosen.add(number);
    state.key = null; // another choice: another release
    render();
  }

  async function load() {
    try {
      state.orders = (await getJson("/api/v1/orders?state=validated&limit=100")).items;
    } catch (error) {
      state.last = { kind: "bad", text: error.code === "offline" ? "Releasing needs a connection" : error.message };
    }
    state.loading = false;
    state.chosen = new Set([...state.chosen].filter((n) => state.orders.some((o) => o.number === n)));
    render();
  }

  const release = h("button", { type: "button", class: "big-button go", id: "release-button", onclick: async () => {
    const numbers = [...state.chosen].sort();
    if (!numbers.length) return;
    state.key = state.key || crypto.randomUUID();
    let task;
    try {
      task = await postJson("/api/v1/pick-tasks", { orders: numbers }, { idempotencyKey: state.key });
    } catch (error) {
      return refuse("Not released", error instanceof ApiError ? error.message : String(error));
    }
    state.key = null;
    state.chosen.clear();
    const totes = [...new Set((task.steps || []).map((s) => s.tote).filter(Boolean))];
    accept(`Released ${numbers.join(", ")}: ${task.steps?.length || 0} steps` + (totes.length ? ` into ${totes.join(", ")}` : ""), "ok");
    feedback.success("Released", numbers.join(", "));
    refreshTasks().catch(() => {});
    await load();
  } }, "Release");

  render();
  load();
  return { title: "Release", el, refresh: () => {}, actions: [], primary: release };
}
