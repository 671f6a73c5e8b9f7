// Receiving against a notice or a purchase order, offline: choose it from the receiver's tasks (or scan its
// reference), scan the dock, then scan pallets (an SSCC on the notice receives all its lines at once) or item
// labels. A label with a count (GS1 AI 30/37) posts straight away; any other label (plain EAN, case barcode, GS1
// without count) asks how many on the big keypad, 1 prefilled, OK or Enter; "Quantity" arms the keypad for the next
// labelled scan too (a case that is short). Over-receipts and items not on the delivery warn and are still recorded;
// "Damaged" sends the next receipt (an item, or every line of a pallet) with condition damaged and a photo. Then put away from the dock.
import { getJson } from "../api.js";
import * as db from "../db.js";
import * as feedback from "../feedback.js";
import { enqueue } from "../outbox.js";
import { captureFrame, keepPhoto } from "../photos.js";
import { parseGs1 } from "../scan/gs1.js";
import { stockLocationProblem } from "../scan/lookup.js";
import { ssccFromScan } from "../scan/sscc.js";
import { onTask, openFor, progress, receivedHere } from "./receiving_lines.js";
import { h, maxQty, numberDialog, packBadge, packText, qtyControl, resultLine, scanOutcome, setChildren, stepRow,
  validQty } from "./ui.js";

const taskKeyOf = (ref) => `receive:${ref}`;

export function receivingListView({ navigate }) {
  const state = { tasks: [], last: null };
  const el = h("section", { class: "screen", id: "receiving-list" });
  function card(task) {
    const left = progress(task).lines.reduce((sum, line) => sum + line.left, 0);
    return h("li", { class: "card" }, h("a", { href: `#/receiving/${encodeURIComponent(task.ref)}`, class: "card-link",
      id: `receiving-${task.ref}` }, h("p", { class: "card-title" }, task.ref),
      h("p", { class: "muted" }, [task.source === "inbound_shipment" ? "Notice" : "Purchase order", task.supplier,
        task.pallets?.length ? `${task.pallets.length} pallet${task.pallets.length === 1 ? "" : "s"}` : null, `${left} to come`].filter(Boolean).join(" · "))));
  }
  function render() {
    setChildren(el, h("h1", {}, "Receive a delivery"),
      h("p", { class: "prompt", id: "prompt" }, "Choose the delivery, or scan its notice or PO number"),
      resultLine(state.last),
      state.tasks.length ? h("ul", { class: "cards", id: "receiving-tasks" }, state.tasks.map(card))
        : h("p", { class: "muted", id: "no-receiving-tasks" }, "No deliveries expected. Open Receive for a free receipt."));
  }
  const { refuse } = scanOutcome(state, render);
  async function refresh() {
    state.tasks = (await db.listTasks()).filter((task) => task.kind === "receive");
    render();
  }
  async function onScan(scan) {
    const code = String(scan.code).trim().toUpperCase();
    const task = state.tasks.find((t) => t.ref.toUpperCase() === code);
    if (!task) return refuse("Not an expected delivery", scan.code);
    feedback.step();
    navigate(`#/receiving/${encodeURIComponent(task.ref)}`);
  }
  render();
  return { title: "Receive a delivery", el, onScan, refresh, scanning: true, actions: [] };
}

export function receivingView({ params, actionsChanged }) {
  const ref = decodeURIComponent(params[0]);
  const state = { task: null, dock: null, mode: "receive", qty: 1, damaged: false, photo: null, camera: null,
    putaway: null, suggestions: [], last: null, askNext: false, asking: false };
  const el = h("section", { class: "screen", id: "receiving-screen" });

  const step = () => (!state.dock ? "dock" : state.mode === "putaway" ? (state.putaway ? "to" : "putaway-item") : "scan");

  function lineRow(line) {
    const status = line.over ? "over" : line.left === 0 ? "done" : "open";
    return h("li", { class: `step ${line.over ? "over" : line.left === 0 ? "done" : ""}`, dataset: { item: line.item, status },
      id: `line-${line.line}` },
      h("span", { class: "step-label" }, line.name || line.item),
      h("span", { class: "step-value" }, `${line.left} open`),
      h("span", { class: "step-note" }, [`${line.expected} expected`, line.sscc ? `pallet …${line.sscc.slice(-6)}` : null,
        line.lot ? `lot ${line.lot}` : null, line.over ? `+${line.over} over` : null].filter(Boolean).join(" · ")));
  }

  function render() {
    el.dataset.step = step();
    el.dataset.mode = state.mode;
    if (!state.task) {
      setChildren(el, h("h1", {}, `Receive ${ref}`), h("p", { class: "notice" }, "This delivery is not on this device. "
        + "Go online once so your tasks download."));
      return;
    }
    const { lines, unexpected } = progress(state.task);
    const prompts = { dock: "Scan the dock", scan: "Scan a pallet or an item label",
      "putaway-item": "Put away: scan an item at the dock", to: "Scan the bin to put it in" };
    setChildren(el, 
      h("h1", {}, `Receive ${ref}`),
      h("p", { class: "prompt", id: "prompt" }, prompts[step()]),
      h("ol", { class: "steps" }, stepRow("Dock", state.dock?.code, { current: step() === "dock", id: "step-dock" })),
      state.mode === "receive" && state.dock ? keypadControl() : null,
      state.mode === "receive" && state.dock ? damagedControls() : null,
      state.mode === "putaway" ? putawayControls() : null,
      resultLine(state.last),
      h("h2", {}, "Expected"),
      h("ol", { class: "steps", id: "expected-lines" }, lines.map(lineRow)),
      unexpected.size ? h("h2", {}, "Not on this delivery") : null,
      unexpected.size ? h("ul", { class: "tally-list", id: "unexpected-lines" }, [...unexpected].map(([sku, u]) =>
        h("li", { dataset: { item: sku } }, h("b", {}, String(u.qty)), ` × ${u.name}`))) : null);
  }

  // Arms the keypad for the next item scan even when its label carries a count.
  function keypadControl() {
    return h("div", { class: "damaged-controls" }, h("button", { type: "button", class: `big-button ${state.askNext ? "info" : ""}`,
      id: "keypad-next", "aria-pressed": String(state.askNext), onclick: () => { state.askNext = !state.askNext; render(); } },
    state.askNext ? "Quantity: next scan asks" : "Quantity"));
  }

  function damagedControls() {
    const toggle = h("button", { type: "button", class: `big-button ${state.damaged ? "stop" : ""}`, id: "damaged-toggle",
      "aria-pressed": String(state.damaged), onclick: () => { state.damaged = !state.damaged; if (!state.damaged) closeCamera(); render(); } },
    state.damaged ? "Damaged: ON" : "Damaged");
    const parts = [toggle];
    if (state.damaged) {
      parts.push(h("p", { class: "muted", id: "photo-status" }, state.photo ? "Photo kept: scan the damaged item"
        : "Take a photo, then scan the damaged item"));
      if (state.camera) {
        parts.push(state.camera.panel, h("button", { type: "button", class: "big-button go", id: "photo-take",
          onclick: takePhoto }, "Take photo"));
      } else {
        parts.push(h("button", { type: "button", class: "big-button info", id: "photo-button", onclick: openCamera },
          state.photo ? "Retake photo" : "Photo"));
      }
    }
    return h("div", { class: "damaged-controls", id: "damaged-controls" }, parts);
  }

  function putawayControls() {
    if (!state.putaway) return null;
    return h("div", {},
      h("ol", { class: "steps" },
        stepRow("Item", state.putaway.name, { id: "step-item", note: [state.putaway.sku, " ", packBadge(state.putaway)] }),
        h("li", { class: "step current qty" }, h("span", { class: "step-label" }, "Quantity"),
          qtyControl(state.qty, (qty) => { state.qty = qty; }))),
      h("p", { class: "muted", id: "putaway-suggestions" }, state.suggestions.length
        ? `Suggested: ${state.suggestions.join(", ")}` : "No suggestion offline: any bin of the right zone"));
  }

  async function openCamera() {
    const video = h("video", { id: "photo-video", playsinline: true, muted: true });
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: { ideal: "environment" } } });
      video.muted = true;
      video.srcObject = stream;
      await video.play();
      state.camera = { stream, video, panel: h("div", { class: "camera-panel", id: "photo-panel" }, video) };
    } catch (error) {
      feedback.failure("Camera not available", error.message);
    }
    render();
  }

  function closeCamera() {
    for (const track of state.camera?.stream.getTracks() || []) track.stop();
    state.camera = null;
  }

  async function takePhoto() {
    try {
      state.photo = await keepPhoto(await captureFrame(state.camera.video));
    } catch (error) {
      return refuse("Photo not saved, try again", error.message);
    }
    closeCamera();
    accept("Photo kept: scan the damaged item");
  }

  const { refuse, accept } = scanOutcome(state, render);

  // One receipt in the outbox, and the task's local progress in the same transaction.
  async function receive(sku, name, qty, uom, factor, extra = {}) {
    const key = taskKeyOf(ref);
    await enqueue({ kind: "receive", item: sku, qty, uom, to: state.dock.code, ref, label: name, ...extra }, {
      also: (id) => [{ store: "tasks", key, update: (current) => current && ({ ...current,
        local: [...(current.local || []), { id, kind: "receive", item: sku, name, qty: qty * (factor || 1) }] }) }],
    });
    state.task = await db.getTask(key);
  }

  async function onPallet(sscc) {
    const pallet = (state.task.pallets || []).find((p) => p.sscc === sscc);
    if (!pallet) {
      state.last = { kind: "warn", text: `Pallet ${sscc} is not on this notice: scan its items one by one` };
      render();
      return feedback.warning("Unknown pallet", "scan its items");
    }
    const left = progress(state.task).lines.filter((line) => line.sscc === sscc && line.left > 0);
    if (!left.length) return refuse("Pallet already received", sscc);
    // A damaged pallet: every line carries the condition and the one photo of it.
    const damaged = state.damaged ? { condition: "damaged", photo: state.photo || undefined } : {};
    try {
      for (const line of left) {
        await receive(line.item, line.name || line.item, line.left, "EA", 1, { lot: line.lot || undefined,
          expiry: line.expiry || undefined, ...damaged });
      }
    } catch (error) {
      return refuse("Not saved, scan again", error.message);
    }
    state.damaged = false;
    state.photo = null;
    const text = `Pallet received: ${left.length} line${left.length === 1 ? "" : "s"}${damaged.condition ? " (damaged, flagged)" : ""}`;
    state.last = { kind: "ok", text };
    render();
    feedback.success(text, sscc);
  }

  async function onItem(scan) {
    const gs1 = parseGs1(scan.code);
    const counted = gs1.ok && Number(gs1.data.count) > 0 ? Number(gs1.data.count) : null;
    let qty = counted ?? 1;
    if (counted === null || state.askNext) {
      state.asking = true;
      try {
        qty = await numberDialog({ message: `How many ${scan.uom && scan.uom !== "EA" ? scan.uom : ""} received?`.replace("  ", " "),
          detail: [scan.name, packText(scan)].filter(Boolean).join(" · "), value: qty, confirm: "Receive",
          max: Math.floor(maxQty() / (scan.factor || 1)), enterConfirms: true });
      } finally {
        state.asking = false;
      }
      if (qty === null) return accept("Not received: scan again", "info");
      if (!el.isConnected) return; // the person left the screen with the keypad open
      state.askNext = false;
    }
    const base = qty * (scan.factor || 1);
    const expected = onTask(state.task, scan.sku);
    const over = expected && base > openFor(state.task, scan.sku);
    const extra = { lot: scan.lot, expiry: scan.expiry };
    if (state.damaged) Object.assign(extra, { condition: "damaged", photo: state.photo || undefined });
    try {
      await receive(scan.sku, scan.name, qty, scan.uom, scan.factor, extra);
    } catch (error) {
      return refuse("Not saved, scan again", error.message);
    }
    const what = `${qty}${scan.uom && scan.uom !== "EA" ? ` ${scan.uom}` : ""} × ${scan.name}`;
    const damaged = state.damaged;
    state.damaged = false;
    state.photo = null;
    if (!expected || over) {
      const why = !expected ? "not on this delivery" : "more than expected";
      state.last = { kind: "warn", text: `Received ${what}: ${why}, the supervisor is told` };
      render();
      return feedback.warning(`Received: ${why}`, what);
    }
    state.last = { kind: "ok", text: `Received ${what}${damaged ? " (damaged, flagged)" : ""}` };
    render();
    feedback.success(`Received ${what}`, damaged ? "damaged" : state.dock.code);
  }

  async function onPutaway(scan) {
    if (scan.type === "item") {
      state.putaway = scan;
      state.qty = Math.max(1, receivedHere(state.task, scan.sku));
      state.suggestions = [];
      accept(`Put away ${scan.name}: scan the bin`);
      // Not awaited: offline, the next scan must not wait for a request that cannot be answered.
      getJson(`/api/v1/putaway-suggestions?item=${encodeURIComponent(scan.sku)}`).then((answer) => {
        if (state.putaway !== scan) return;
        state.suggestions = answer.bins || [];
        render();
      }).catch(() => { /* offline: the person knows the zones */ });
      return;
    }
    if (scan.type !== "location" || !state.putaway) return refuse("Scan an item at the dock first", scan.code);
    const problem = stockLocationProblem(scan.location);
    if (problem) return refuse("Not a stock location", problem);
    if (!validQty(state.qty)) return refuse("Quantity?", "enter how many");
    const item = state.putaway;
    try {
      await enqueue({ kind: "putaway", item: item.sku, qty: state.qty, uom: item.uom, from: state.dock.code,
        to: scan.location.code, ref, label: item.name });
    } catch (error) {
      return refuse("Not saved, scan again", error.message);
    }
    const text = `Put away ${state.qty} × ${item.name} → ${scan.location.code}`;
    state.putaway = null;
    state.last = { kind: "ok", text };
    render();
    feedback.success(text, scan.location.code);
  }

  async function onScan(scan) {
    if (!state.task) return refuse("Delivery not on this device", ref);
    if (state.asking) return refuse("Enter the quantity first", scan.code);
    if (!state.dock) {
      if (scan.type !== "location") return refuse("Scan the dock first", scan.code);
      const problem = stockLocationProblem(scan.location);
      if (problem) return refuse("Not a stock location", problem);
      state.dock = scan.location;
      return accept(`Receiving ${ref} at ${scan.location.code}`);
    }
    if (state.mode === "putaway") return onPutaway(scan);
    const sscc = scan.type === "item" ? null : ssccFromScan(scan.code);
    if (sscc) return onPallet(sscc);
    if (scan.type === "item") return onItem(scan);
    return refuse("Unknown code", scan.reason || scan.code);
  }

  const modeButton = h("button", { type: "button", class: "big-button", id: "putaway-mode", onclick: () => {
    state.mode = state.mode === "receive" ? "putaway" : "receive";
    state.putaway = null;
    closeCamera();
    modeButton.textContent = state.mode === "receive" ? "Put away" : "Receive";
    render();
    actionsChanged?.();
  } }, "Put away");

  async function refresh() {
    state.task = await db.getTask(taskKeyOf(ref));
    render();
  }

  render();
  return { title: `Receive ${ref}`, el, onScan, refresh, scanning: true, actions: [modeButton], destroy: closeCamera };
}
