// Pack station: scan the station once (remembered), then a tote or the order number; "Open carton"
// (an SSCC from this device's own block, offline too; else the server gives one), scan every item into it (each a `pack` tote → carton, checked
// offline against the order), "Close carton", print its label and, when the order is complete, the slip.
import { getJson } from "../api.js";
import { isOnline } from "../connection.js";
import * as db from "../db.js";
import * as feedback from "../feedback.js";
import { enqueue, outboxEvents } from "../outbox.js";
import { ssccFromScan } from "../scan/sscc.js";
import { cartonActions } from "./pack_cartons.js";
import { allPacked, packLines } from "./pack_lines.js";
import { h, quantityText, resultLine, scanOutcome, setChildren, stepRow } from "./ui.js";

const REFETCH_AFTER_SYNC_MS = 500;

function slipUrl(number) {
  return `/orders/${encodeURIComponent(number)}/packing-slip.pdf`;
}

export function packView({ actionsChanged }) {
  // order: the stored record (db.getOrder); carton: the open carton on show, from order.cartons.
  const state = { station: null, order: null, tote: null, carton: null, closed: null, names: new Map(), last: null, busy: false };
  const el = h("section", { class: "screen", id: "pack-screen" });
  const weightInput = h("input", { id: "carton-weight", class: "text-input", inputmode: "numeric", pattern: "[0-9]*",
    autocomplete: "off", placeholder: "optional", "aria-label": "Carton weight in grams" });

  const step = () => (!state.station ? "station" : !state.order ? "order" : !state.tote ? "tote"
    : !state.carton ? "carton" : "item");

  const PROMPTS = {
    station: "Scan the pack station",
    order: "Scan a tote or the order number",
    tote: "Scan the tote with this order's goods",
    carton: "Open a carton",
    item: "Scan each item into the carton",
  };

  // ---- keeping what the person chose across reloads --------------------------------------
  async function saveSession() {
    await db.setMeta({ pack_session: state.order ? { order: state.order.number, tote: state.tote, carton: state.carton?.sscc ?? null } : undefined });
  }

  async function restore() {
    const { pack_station: station, pack_session: session } = await db.getMetas(["pack_station", "pack_session"]);
    state.station = station || null;
    if (session?.order) {
      const order = await db.getOrder(session.order);
      if (order) {
        state.tote = session.tote || order.tote || null;
        await showOrder(order, session.carton);
      }
    }
    render();
    refetch(); // fresh numbers when online
  }

  async function showOrder(order, cartonSscc) {
    state.order = order;
    const open = (order.cartons || []).filter((carton) => carton.status === "open");
    state.carton = open.find((carton) => carton.sscc === cartonSscc) || open[open.length - 1] || null;
    for (const line of order.lines || []) {
      if (!state.names.has(line.item)) state.names.set(line.item, (await db.getItem(line.item))?.name || line.item);
    }
  }

  // ---- the order: from the server when online, else what this device kept -----------------
  async function fetchOrder(number) {
    const settled = await db.settledLocalIds("orders");
    const serverOrder = await getJson(`/api/v1/orders/${encodeURIComponent(number)}`);
    return db.storeServerOrder(serverOrder, settled);
  }

  async function findOrder(number) {
    try {
      return await fetchOrder(number);
    } catch (error) {
      if (error.status === 404 && number !== number.toUpperCase()) return findOrder(number.toUpperCase()); // typed by hand
      if (error.status === 404) return null;
      const kept = (await db.getOrder(number)) || (await db.getOrder(number.toUpperCase()));
      if (kept) return kept;
      throw error;
    }
  }

  // Every change made on this screen bumps `changes`: an answer that left before it is not shown.
  let refetchTimer = null;
  let changes = 0;
  function refetch() {
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(async () => {
      if (!state.order || !isOnline()) return;
      const number = state.order.number;
      const startedAt = changes;
      try {
        const order = await fetchOrder(number);
        if (state.order?.number !== number) return;
        if (changes !== startedAt) return refetch(); // something happened meanwhile: ask again
        await showOrder(order, state.carton?.sscc);
        render();
      } catch {
        // offline or the server is busy: the kept copy stays on show
      }
    }, REFETCH_AFTER_SYNC_MS);
  }

  // ---- screen ------------------------------------------------------------------------------
  function render() {
    const now = step();
    el.dataset.step = now;
    const order = state.order;
    const finished = order && !state.carton && allPacked(order);
    const choosing = now === "station" || now === "order" || now === "tote";
    // Right after closing a carton its label is the next thing to print: the button sits under the result.
    const justClosed = !state.carton && order ? (order.cartons || []).find((c) => c.sscc === state.closed) : null;
    setChildren(el,
      h("h1", {}, "Pack"),
      h("p", { class: `prompt ${finished ? "done" : ""}`, id: "prompt" }, finished ? "Order packed: print the packing slip" : PROMPTS[now]),
      // While choosing, one row per scan; then one compact line, so the carton and the lines fit the screen.
      choosing ? h("ol", { class: "steps" },
        stepRow("Station", state.station, { current: now === "station", id: "step-station" }),
        stepRow("Order", order?.number, { current: now === "order", id: "step-order",
          note: order ? h("span", { id: "order-state" }, order.state) : null }),
        stepRow("Tote", state.tote, { current: now === "tote", id: "step-tote" }))
        : h("p", { class: "pack-context" },
          h("span", { class: "chip", id: "step-station" }, state.station),
          h("span", { class: "chip", id: "step-tote" }, state.tote),
          h("span", { class: "chip", id: "step-order" }, order.number, " ", h("span", { class: "chip-note", id: "order-state" }, order.state))),
      state.carton ? cartonPanel(state.carton) : null,
      resultLine(state.last),
      order ? cartonsList(order, justClosed) : null,
      order ? linesList(order) : null,
      state.carton ? h("div", { class: "weight" }, h("label", { class: "field-label", for: "carton-weight" }, "Weight (g)"), weightInput) : null);
    updateActions();
  }

  function cartonPanel(carton) {
    const n = (state.order.cartons || []).findIndex((c) => c.sscc === carton.sscc) + 1;
    return h("div", { class: "carton-panel", id: "open-carton", dataset: { sscc: carton.sscc } },
      h("span", { class: "carton-caption" }, `Carton ${n} open · SSCC (00)`),
      h("span", { class: "sscc", id: "carton-sscc" }, carton.sscc.slice(0, -4), h("b", {}, carton.sscc.slice(-4))));
  }

  function linesList(order) {
    return h("ul", { class: "pack-lines", id: "pack-lines" }, packLines(order).map((line) => {
      const done = line.packed >= line.qty;
      return h("li", { class: `pack-line ${done ? "done" : ""}`, dataset: { item: line.item, packed: String(line.packed), qty: String(line.qty) } },
        h("span", { class: "pack-line-name" }, state.names.get(line.item) || line.item,
          h("small", {}, ` ${line.item}` + (line.picked < line.qty ? ` · picked ${line.picked}` : "")),
          line.follow ? h("small", { class: "to-follow" }, ` ${line.follow} to follow`) : null),
        h("span", { class: "pack-line-count" }, `${line.packed} / ${line.qty}`));
    }));
  }

  // Closed cartons' labels as one row of buttons under the result (a long list would push the screen off a
  // small handheld); the carton just closed is ringed: its label is the next thing to print.
  function cartonsList(order, justClosed) {
    const cartons = (order.cartons || []).filter((carton) => carton.status !== "open");
    if (!cartons.length || state.carton) return null;
    return h("div", { class: "cartons", id: "cartons" }, h("span", { class: "carton-caption" }, "Carton labels"),
      h("ul", { class: "label-row" }, cartons.map((carton) => h("li", { class: "carton-card",
        dataset: { sscc: carton.sscc, status: carton.status, pending: carton.close_pending ? "true" : undefined } },
      carton.close_pending ? h("span", { class: "label-chip label-waiting", id: `label-${carton.sscc}` },
        `…${carton.sscc.slice(-4)} prints online`) : h("a", { href: carton.label_url || `/cartons/${carton.sscc}/label.pdf`, target: "_blank", rel: "noopener",
        class: `big-button info label-chip ${carton === justClosed ? "just-closed" : ""}`, id: `label-${carton.sscc}`,
        title: `${carton.sscc}${carton.weight_g ? ` · ${carton.weight_g} g` : ""}` }, `…${carton.sscc.slice(-4)}`)))));
  }

  // ---- feedback ----------------------------------------------------------------------------
  const { refuse, accept } = scanOutcome(state, render);


  // ---- scans -------------------------------------------------------------------------------
  async function chooseOrder(order, tote) {
    changes += 1;
    state.tote = tote || order.tote || (await toteOf(order.number));
    state.carton = null;
    state.closed = null;
    const tote_ = state.tote;
    const kept = tote_ && order.tote !== tote_ ? await db.updateOrder(order.number, (o) => ({ ...o, tote: tote_ })) : order;
    await showOrder(kept, null);
    await saveSession();
  }

  async function toteOf(number) {
    const totes = (await db.getMeta("tote_orders")) || {};
    return Object.keys(totes).find((tote) => totes[tote] === number) || null;
  }

  async function onScan(scan) {
    if (state.busy) return refuse("Wait", "the server is still answering");
    if (scan.type === "location" && scan.location.kind === "pack") {
      state.station = scan.code;
      await db.setMeta({ pack_station: scan.code });
      return accept(`Packing at ${scan.code}`);
    }
    if (!state.station) return refuse("Scan the pack station first", scan.code);
    if (scan.type === "location" && scan.location.kind === "tote") return scanTote(scan.code);
    if (scan.type === "item") return scanItem(scan);
    if (scan.type === "location" || ssccFromScan(scan.code)) {
      return refuse("Not here", `${scan.code}: scan a tote, an order number or an item`);
    }
    return scanOrderNumber(scan.code);
  }

  async function scanTote(tote) {
    if (state.carton) return refuse("Close the carton first", `${state.carton.sscc} is open`);
    const totes = (await db.getMeta("tote_orders")) || {};
    const number = totes[tote];
    if (state.order && !number) { // a tote this device never saw picked: it is this order's, the person says
      changes += 1;
      state.tote = tote;
      state.order = await db.updateOrder(state.order.number, (o) => ({ ...o, tote }));
      await saveSession();
      return accept(`${state.order.number} in ${tote}`);
    }
    if (!number) {
      state.tote = tote;
      return accept(`${tote}: now scan or type its order number`);
    }
    if (state.order && state.order.number === number) {
      state.tote = tote;
      await saveSession();
      return accept(`${number} in ${tote}`);
    }
    return loadOrder(number, tote);
  }

  async function scanOrderNumber(code) {
    if (state.carton) return refuse("Close the carton first", `${state.carton.sscc} is open`);
    const number = code.trim();
    const totes = (await db.getMeta("tote_orders")) || {};
    if (state.tote && !state.order && totes[state.tote] && totes[state.tote] !== number) {
      return refuse("Wrong tote", `${state.tote} holds ${totes[state.tote]}`);
    }
    return loadOrder(number, state.order ? null : state.tote);
  }

  async function loadOrder(number, tote) {
    let order;
    state.busy = true;
    try {
      order = await findOrder(number);
    } catch (error) {
      return refuse("Order not on this device", error.code === "offline" ? "it needs a connection once" : error.message);
    } finally {
      state.busy = false;
    }
    if (!order) return refuse("Unknown order", number);
    await chooseOrder(order, tote);
    return accept(`Order ${order.number}` + (state.tote ? ` in ${state.tote}` : ""));
  }

  async function scanItem(scan) {
    const order = state.order;
    if (!order) return refuse("Scan a tote or the order first", scan.name);
    if (!state.tote) return refuse("Scan the tote first", scan.name);
    if (!state.carton) return refuse("Open a carton first", scan.name);
    const line = packLines(order).find((l) => l.item === scan.sku);
    if (!line) return refuse("Not on this order", `${scan.name} is not on ${order.number}`);
    const base = scan.factor || 1;
    if (line.packed + base > line.qty) {
      return refuse("Too many", `${scan.name}: ${line.packed} of ${line.qty} packed` + (base > 1 ? `, a ${scan.uom} is ${base}` : ""));
    }
    const sscc = state.carton.sscc;
    changes += 1;
    const movement = { kind: "pack", item: scan.sku, qty: 1, uom: scan.uom, from: state.tote, to: sscc, ref: order.number,
      lot: scan.lot, expiry: scan.expiry, label: scan.name };
    try {
      await enqueue(movement, { also: (id) => [{ store: "orders", key: order.number, update: (kept) => kept && {
        ...kept, local: [...(kept.local || []), { id, item: scan.sku, qty: base, sscc }] } }] });
    } catch (error) {
      return refuse("Not saved, scan again", error.message);
    }
    state.order = (await db.getOrder(order.number)) || order;
    state.carton = (state.order.cartons || []).find((c) => c.sscc === sscc) || state.carton;
    const after = line.packed + base;
    const text = `Packed ${quantityText(1, scan.uom)} × ${scan.name}`;
    state.last = { kind: "ok", text: `${text} · ${after} of ${line.qty}` };
    render();
    feedback.success(text, `${after} of ${line.qty}`);
  }

  // ---- cartons: open (own SSCC block or the server), close (online or here) ----------------------
  const { openCarton, closeCarton } = cartonActions({ state, weightInput, refuse, accept, saveSession, refetch,
    changed: () => { changes += 1; } });

  function clearOrder() {
    if (state.carton) return refuse("Close the carton first", state.carton.sscc);
    Object.assign(state, { order: null, tote: null, carton: null, closed: null, last: null });
    saveSession();
    render();
  }

  // ---- the bottom bar follows the step ---------------------------------------------------------
  const openButton = h("button", { type: "button", class: "big-button go", id: "open-carton-button", onclick: openCarton }, "Open carton");
  const closeButton = h("button", { type: "button", class: "big-button warn", id: "close-carton-button", onclick: closeCarton }, "Close carton");
  const nextButton = h("button", { type: "button", class: "big-button", id: "next-order", onclick: clearOrder }, "Next order");
  const view = { title: "Pack", el, onScan, scanning: true, actions: [], primary: null,
    destroy: () => { outboxEvents.removeEventListener("changed", onOutboxChanged); clearTimeout(refetchTimer); } };

  let slipLink = null;
  function updateActions() {
    const now = step();
    const finished = state.order && !state.carton && allPacked(state.order);
    if (finished && slipLink?.dataset.order !== state.order.number) {
      slipLink = h("a", { href: slipUrl(state.order.number), target: "_blank", rel: "noopener", class: "big-button go",
        id: "packing-slip", dataset: { order: state.order.number } }, "Packing slip");
    }
    const primary = now === "item" ? closeButton : finished ? slipLink : now === "carton" ? openButton : null;
    const actions = state.order && !state.carton ? [nextButton] : [];
    if (primary === view.primary && actions.length === view.actions.length) return;
    view.primary = primary;
    view.actions = actions;
    actionsChanged?.();
  }

  // Scans reached the server: its packed counts (and the order's state) are now the truth.
  function onOutboxChanged() {
    if (state.order) refetch();
  }
  outboxEvents.addEventListener("changed", onOutboxChanged);

  render();
  restore();
  return view;
}
