// Pick: the walks from GET /api/v1/tasks, kept in IndexedDB, worked step by step in walk order.
// Per step: scan the bin → each unit (one each; a case counts its pack size; or the keypad's number),
// never more than is due → the order's own tote confirms what was counted → `pick` with ref = order. "Short" asks how many are missing and queues `short`.
import * as db from "../db.js";
import * as feedback from "../feedback.js";
import { enqueue } from "../outbox.js";
import { h, numberDialog, packBadge, quantityText, resultLine, scanOutcome, setChildren, stepRow, validQty } from "./ui.js";

// The walk: the server's steps, in walk order (GET /api/v1/tasks sorts them).
export function stepsOf(task) {
  return Array.isArray(task.steps) ? task.steps : [];
}

// What is left at a step: the server's numbers and this device's scans the server has not had yet.
export function remaining(task, step) {
  if (step.status && step.status !== "open") return 0;
  const mine = (task.local || []).filter((entry) => entry.step === step.step);
  const done = mine.reduce((sum, entry) => sum + entry.qty, 0);
  return Math.max(0, step.qty - (step.picked || 0) - done);
}

export function openSteps(task) {
  return stepsOf(task).filter((step) => remaining(task, step) > 0);
}

function ordersOf(task) {
  return task.orders?.length ? task.orders : [task.order].filter(Boolean);
}

export function pickListView() {
  const list = h("div", { class: "work-list scroll-list", id: "pick-list" });
  const el = h("section", { class: "screen" }, h("h1", {}, "Pick"), list);

  async function refresh() {
    const tasks = (await db.listTasks()).filter((task) => task.kind === "pick");
    const open = tasks.filter((task) => openSteps(task).length > 0);
    list.replaceChildren(...(open.length ? open.map((task) => {
      const all = stepsOf(task).filter((step) => !step.status || step.status === "open");
      const toGo = openSteps(task).length;
      return h("a", { href: `#/pick/${encodeURIComponent(task.key)}`, class: "work-button", dataset: { orders: ordersOf(task).join(" ") } },
        h("span", { class: "work-label" }, ordersOf(task).join(", ")),
        h("span", { class: "work-count" }, `${toGo} of ${all.length} steps to pick`));
    }) : [h("p", { class: "notice", id: "no-tasks" }, "No pick tasks. New ones arrive when you are online.")]));
  }
  refresh();
  return { title: "Pick", el, refresh, actions: [], onScan: async (scan) => {
    feedback.failure("Choose an order first", scan.code);
  } };
}

export function pickView({ params }) {
  const key = decodeURIComponent(params[0]);
  // bin: the bin scanned for the current step; item: the last item scan; counted: units counted into the
  // hand so far at this step (each unit scan one, a case its pack size, or the keypad's number);
  // uoms: the pack sizes scanned, so a pick of cases only is recorded in cases.
  const state = { task: null, step: null, stepId: null, bin: null, item: null, counted: 0, uoms: new Set(), last: null };
  const el = h("section", { class: "screen", id: "pick-screen" });

  const now = () => (!state.bin ? "bin" : !state.counted ? "item" : "tote");
  const forgetCount = () => { state.item = null; state.counted = 0; state.uoms = new Set(); };

  // Reload from IndexedDB; the scans already made for the step on show stay if it is still the one.
  async function load() {
    state.task = await db.getTask(key);
    const next = state.task ? openSteps(state.task)[0] || null : null;
    if (!next || next.step !== state.stepId) {
      // Same bin as the step just finished (batch picking, or the rest after a short): no need to scan it again.
      state.bin = next && state.bin === next.location ? state.bin : null;
      forgetCount();
    }
    state.step = next;
    state.stepId = next?.step ?? null;
    render();
    short.hidden = !next; // nothing left to report short
  }

  function render() {
    const { task, step } = state;
    if (task) state.totes = [...new Set(stepsOf(task).map((s) => s.tote).filter(Boolean))];
    if (!task && state.totes?.length) { // finished here, and the server has since closed the walk
      el.dataset.step = "done";
      setChildren(el, h("h1", {}, "Pick"), h("p", { class: "prompt done", id: "prompt" },
        `All picked: take ${state.totes.join(", ")} to packing`), resultLine(state.last));
      return;
    }
    if (!task) {
      el.dataset.step = "done";
      setChildren(el, h("h1", {}, "Pick"), h("p", { class: "prompt done", id: "prompt" }, "Nothing left to pick here"),
        h("p", { class: "notice" }, "This walk is finished, or the server took it back."), resultLine(state.last));
      return;
    }
    const title = ordersOf(task).join(", ");
    if (!step) {
      el.dataset.step = "done";
      setChildren(el, h("h1", {}, `Order ${title}`), ...finishedWalk(task), resultLine(state.last));
      return;
    }
    const step_ = now();
    const left = remaining(task, step);
    const walk = stepsOf(task).filter((s) => !s.status || s.status === "open");
    const position = walk.findIndex((s) => s.step === step.step) + 1;
    const uom = state.item && state.item.uom !== "EA" && state.uoms.size === 1 ? state.item.uom : "";
    el.dataset.step = step_;
    el.dataset.order = step.order;
    setChildren(el,
      h("h1", {}, `Order ${step.order}`),
      h("p", { class: "muted", id: "walk-position" }, `Step ${position} of ${walk.length}` + (ordersOf(task).length > 1 ? ` · walk ${title}` : "")),
      h("p", { class: "prompt", id: "prompt" },
        step_ === "bin" ? `Go to ${step.location} and scan it`
          : step_ === "item" ? `Scan ${step.name || step.item}`
            : `Put ${state.counted} in ${step.tote || "a tote"} and scan it`),
      h("ol", { class: "steps" },
        stepRow("Bin", state.bin || step.location, { current: step_ === "bin", id: "step-bin", done: !!state.bin }),
        stepRow("Item", state.item ? state.item.name : step.name || step.item, {
          current: step_ === "item", id: "step-item",
          note: [`${step.item} · pick `, h("b", { id: "step-left" }, String(left)), step.lot ? ` · lot ${step.lot}` : "", " ",
            packBadge(state.item)] }),
        state.counted ? h("li", { class: "step current qty counted-row" }, h("span", { class: "step-label" }, "Counted"),
          h("span", { class: "counted" }, h("b", { id: "counted", dataset: { uom } }, String(state.counted)), ` of ${left}`),
          h("button", { type: "button", class: "small-button", id: "set-qty", onclick: setCount }, "Keypad")) : null,
        stepRow("Tote", step.tote || (step_ === "tote" ? null : "any empty tote"), { current: step_ === "tote", id: "step-tote",
          done: false })),
      resultLine(state.last));
  }

  // After the last step: where the goods go next, and what is missing (the server backorders it).
  function finishedWalk(task) {
    const totes = [...new Set(stepsOf(task).map((s) => s.tote).filter(Boolean))];
    const short = stepsOf(task).reduce((sum, s) => sum + (task.local || []).filter((e) => e.step === s.step && e.kind === "short")
      .reduce((n, e) => n + e.qty, 0), 0);
    return [
      h("p", { class: "prompt done", id: "prompt" }, totes.length ? `All picked: take ${totes.join(", ")} to packing` : "All picked"),
      short ? h("p", { class: "notice", id: "short-note" }, `${short} short: packing ships what is there, the rest is backordered.`) : null,
    ];
  }

  const { refuse, accept } = scanOutcome(state, render);

  // The keypad sets the number counted (in units): for a picker who counted by hand.
  async function setCount() {
    const step = state.step;
    if (!step || !state.item) return;
    const left = remaining(state.task, step);
    const n = await numberDialog({ message: "How many did you take?", detail: `${step.name || step.item}: ${left} to pick`,
      value: state.counted, max: left, confirm: "Set", cancel: "Back" });
    if (n === null || state.step !== step) return;
    state.counted = n;
    state.uoms = new Set(["EA"]);
    accept(`${step.name || step.item}: ${n} of ${left}`);
  }

  // The scan's progress goes into the task record in the same transaction as the movement.
  function recordLocally(step, kind, qtyBase) {
    return (id) => [{ store: "tasks", key, update: (task) => task && {
      ...task, local: [...(task.local || []), { id, step: step.step, kind, qty: qtyBase }] } }];
  }

  async function onScan(scan) {
    const step = state.step;
    if (!step) return refuse("Nothing left to pick here", scan.code);
    if (scan.type === "unknown") return refuse("Unknown code", scan.code);
    const at = now();
    if (at === "bin" || (at === "item" && scan.type === "location")) {
      if (scan.type !== "location" || scan.code !== step.location) return refuse("Wrong bin", `go to ${step.location}`);
      state.bin = scan.code;
      return accept(`At ${scan.code}`);
    }
    if (scan.type === "item") {
      if (scan.sku !== step.item) return refuse("Wrong item", `this step is ${step.name || step.item}`);
      const left = remaining(state.task, step);
      const after = state.counted + scan.factor;
      if (after > left) {
        return refuse("Too many", scan.factor > 1 && !state.counted
          ? `${scan.uom} = ${scan.factor}, only ${left} to pick: scan a unit` : `${state.counted} of ${left} counted: put the extra back`);
      }
      state.item = scan;
      state.counted = after;
      state.uoms.add(scan.uom);
      return accept(`${scan.name}: ${after} of ${left}`);
    }
    if (scan.location.kind !== "tote") return refuse("Scan a tote", `${scan.code} is a ${scan.location.kind}`);
    if (step.tote && scan.code !== step.tote) return refuse("Wrong tote", `${step.order} goes in ${step.tote}`);
    const base = state.counted;
    const left = remaining(state.task, step);
    if (!validQty(base) || base > left) return refuse("Too many", `only ${left} left at this step`);
    // Cases only: recorded in cases, as scanned; anything mixed (or keyed in) in units.
    const inPacks = state.uoms.size === 1 && state.item.factor > 1 && base % state.item.factor === 0;
    const qty = inPacks ? base / state.item.factor : base;
    const uom = inPacks ? state.item.uom : "EA";
    const movement = { kind: "pick", item: step.item, qty, uom, from: state.bin, to: scan.code,
      ref: step.order, lot: state.item.lot || step.lot || undefined, expiry: state.item.expiry || step.expiry || undefined,
      label: state.item.name };
    try {
      await enqueue(movement, { also: recordLocally(step, "pick", base) });
    } catch (error) {
      return refuse("Not saved, scan again", error.message);
    }
    const text = `Picked ${quantityText(qty, uom)} × ${state.item.name}`;
    state.last = { kind: "ok", text: `${text} → ${scan.code}` };
    forgetCount();
    feedback.success(text, `→ ${scan.code}`);
    await load();
  }

  const short = h("button", { type: "button", class: "big-button warn", id: "short", onclick: async () => {
    const step = state.step;
    if (!step) return;
    const left = remaining(state.task, step);
    const missing = await numberDialog({
      message: "How many are missing?",
      detail: `${step.name || step.item} at ${step.location}: ${left} to pick`,
      value: left, max: left, confirm: "Report short", cancel: "Back",
    });
    if (missing === null) return;
    // The current state may have moved on while the dialog was open (a scan): report against the step asked about.
    try {
      await enqueue({ kind: "short", item: step.item, qty: missing, from: step.location, ref: step.order, label: step.name },
        { also: recordLocally(step, "short", missing) });
    } catch (error) {
      return refuse("Not saved, try again", error.message);
    }
    const rest = left - missing;
    forgetCount(); // the count on show was for before the short: scan the items again for the rest
    state.last = { kind: "ok", text: `Short ${missing} × ${step.name || step.item} reported` + (rest ? ` · pick the other ${rest}` : "") };
    feedback.success("Short reported", rest ? `pick the other ${rest}` : `${missing} × ${step.item}`);
    await load();
  } }, "Short");
  const back = h("a", { href: "#/pick", class: "big-button" }, "Orders");

  load();
  return { title: "Pick", el, onScan, refresh: load, scanning: true, back: true, actions: [back, short] };
}
