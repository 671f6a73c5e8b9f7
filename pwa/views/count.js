// Count (blind): the counter's count tasks and their locations; scan a location, scan every item in it
// (each scan adds one unit, or one case for a case barcode), or type a quantity on the keypad; "Empty"
// for an empty bin; then "Save count" queues one `count` per item with ref = the count's id.
// Expected quantities are never shown: the server never sends them to a counter.
import * as db from "../db.js";
import * as feedback from "../feedback.js";
import { enqueue } from "../outbox.js";
import { locationFirst } from "../scan/lookup.js";
import { h, numberDialog, packBadge, quantityText, resultLine, scanOutcome, setChildren, stepRow } from "./ui.js";

// A location is done when the server has a count of it from this person, or this device saved one.
function doneLocations(task) {
  const done = new Set((task.counted || []).map((c) => c.location));
  for (const entry of task.local || []) if (entry.kind === "count") done.add(entry.location);
  return done;
}

export function countView() {
  const state = { tasks: [], task: null, location: null, lines: new Map(), saved: 0, last: null, lastKey: null };
  const el = h("section", { class: "screen", id: "count-screen" });

  function step() {
    return state.location ? "item" : "location";
  }

  function taskCard(task) {
    const done = doneLocations(task);
    return h("li", { class: `card count-task ${state.task?.key === task.key ? "attention" : ""}`,
      dataset: { count: String(task.id) } },
      h("p", { class: "card-title" }, `Count ${task.id}`, task.reason ? h("span", { class: "chip-note" }, ` · ${task.reason}`) : null),
      task.items?.length ? h("p", { class: "muted" }, `Only: ${task.items.join(", ")}`) : null,
      h("div", { class: "pack-context" }, task.locations.map((code) =>
        h("span", { class: `chip ${done.has(code) ? "" : "todo"}`, dataset: { location: code, done: String(done.has(code)) } },
          done.has(code) ? `✓ ${code}` : code))));
  }

  function render() {
    el.dataset.step = step();
    const lines = [...state.lines.values()];
    setChildren(el,
      h("h1", {}, "Count"),
      h("p", { class: "prompt", id: "prompt" }, state.location
        ? "Scan every item here, then Save" : state.tasks.length ? "Scan a location from your list" : "Scan the location to count"),
      h("ol", { class: "steps" },
        stepRow("Count", state.task ? `Count ${state.task.id}` : (state.location ? "not on a list" : null), { done: !!state.task }),
        stepRow("Location", state.location?.code, { current: !state.location })),
      resultLine(state.last),
      h("ul", { class: "pack-lines", id: "count-lines" }, lines.map((line) =>
        h("li", { class: "pack-line", dataset: { item: line.sku, qty: String(line.qty) } },
          h("span", { class: "pack-line-count" }, quantityText(line.qty, line.uom)), " ",
          h("span", { class: "pack-line-name" }, `× ${line.name}`, line.lot ? h("small", {}, `lot ${line.lot}`) : null),
          line.factor > 1 ? packBadge(line) : null))),
      state.location ? h("div", { class: "count-buttons" },
        h("button", { type: "button", class: "big-button warn", id: "count-qty", onclick: typeQuantity,
          disabled: !state.lastKey }, "Type quantity"),
        h("button", { type: "button", class: "big-button info", id: "count-empty", onclick: empty,
          disabled: lines.length > 0 }, "Empty bin")) : null,
      state.location ? null : h("ul", { class: "cards", id: "count-tasks" }, state.tasks.map(taskCard)),
      state.location || state.tasks.length ? null : h("p", { class: "muted", id: "no-count-tasks" }, "No count tasks for you."));
  }

  const { refuse, accept } = scanOutcome(state, render);

  async function refresh() {
    state.tasks = (await db.listTasks()).filter((t) => t.kind === "count" && Array.isArray(t.locations))
      .sort((a, b) => a.id - b.id);
    if (state.task) state.task = state.tasks.find((t) => t.key === state.task.key) || state.task;
    render();
  }

  async function onScan(scan) {
    if (scan.type === "unknown") return refuse("Unknown code", scan.code);
    const located = locationFirst(scan, { location: state.location, refuse, firstPrompt: "Scan the location first",
      onLocation: (location) => {
        if (state.lines.size && location.code !== state.location.code) {
          return refuse("Save or clear first", `${state.location.code} has a count in progress`);
        }
        state.location = location;
        state.task = state.tasks.find((t) => t.locations.includes(location.code)) || null;
        return accept(state.task ? `Counting ${location.code} for count ${state.task.id}`
          : `Counting ${location.code} (not on your list)`);
      } });
    if (located) return;
    if (state.task?.items?.length && !state.task.items.includes(scan.sku)) {
      return refuse("Not in this count", `count ${state.task.id} is for ${state.task.items.join(", ")}`);
    }
    const key = `${scan.sku}/${scan.uom}/${scan.lot || ""}`;
    const line = state.lines.get(key) || { sku: scan.sku, name: scan.name, uom: scan.uom, factor: scan.factor,
      lot: scan.lot, qty: 0 };
    line.qty += 1;
    state.lines.set(key, line);
    state.lastKey = key;
    accept(`${scan.name}: ${quantityText(line.qty, scan.uom)}`);
  }

  async function typeQuantity() {
    const line = state.lines.get(state.lastKey);
    if (!line) return refuse("Scan an item first");
    const qty = await numberDialog({ message: `How many ${line.uom === "EA" ? "units" : line.uom} of ${line.name}?`,
      detail: line.factor > 1 ? `1 ${line.uom} = ${line.factor}` : null, value: line.qty, confirm: "Set" });
    if (qty === null) return;
    line.qty = qty;
    accept(`${line.name}: ${quantityText(qty, line.uom)}`);
  }

  // Remember on the device which locations of the task are done; committed with the scan itself.
  async function markDone(location) {
    if (!state.task) return () => [];
    const task = (await db.getTask(state.task.key)) || state.task;
    return (id) => [{ store: "tasks", value: { ...task, local: [...(task.local || []), { id, kind: "count", location }] } }];
  }

  async function queue(lines) {
    const code = state.location.code;
    for (const line of lines) {
      const also = await markDone(code);
      await enqueue({ kind: "count", item: line.sku, qty: line.qty, uom: line.uom, to: code, ref: state.task?.ref || "",
        lot: line.lot, label: line.name }, { also });
      state.lines.delete(`${line.sku}/${line.uom}/${line.lot || ""}`); // saved lines are never queued twice
    }
  }

  async function finish(text) {
    state.saved += 1;
    Object.assign(state, { location: null, task: null, lastKey: null, last: { kind: "ok", text } });
    await refresh();
    feedback.success(text);
  }

  async function empty() {
    if (!state.location) return refuse("Scan the location first");
    if (state.lines.size) return refuse("Items counted here", "clear them first if the bin is empty");
    const code = state.location.code;
    try {
      // An item-count names its items: each is counted 0. A location count has nothing to name:
      // what nobody scanned is counted 0 when the count closes, so the device only remembers it is done.
      if (state.task?.items?.length) {
        await queue(state.task.items.map((sku) => ({ sku, name: sku, uom: "EA", qty: 0 })));
      } else if (state.task) {
        const task = (await db.getTask(state.task.key)) || state.task;
        await db.putTask({ ...task, local: [...(task.local || []), { id: `empty-${code}`, kind: "count", location: code }] });
      }
    } catch (error) {
      return refuse("Not saved, press Empty again", error.message);
    }
    await finish(state.task?.items?.length ? `${code} counted empty` : `${code} marked empty: unscanned items count 0`);
  }

  const save = h("button", { type: "button", class: "big-button go", id: "save-count", onclick: async () => {
    if (!state.location || !state.lines.size) return refuse("Nothing counted yet", "scan items, or press Empty bin");
    const code = state.location.code;
    try {
      await queue([...state.lines.values()]);
    } catch (error) {
      return refuse("Not all saved, press Save again", error.message);
    }
    await finish(`Count of ${code} saved`);
  } }, "Save count");
  const clear = h("button", { type: "button", class: "big-button", id: "clear-count", onclick: () => {
    Object.assign(state, { location: null, task: null, last: null, lastKey: null });
    state.lines.clear();
    render();
  } }, "Clear");

  render();
  return { title: "Count", el, onScan, scanning: true, actions: [clear], primary: save, refresh };
}
