// The pack station's cartons: open one (an SSCC from this device's own block, offline too; else the server
// gives one, asked with an Idempotency-Key kept across the packer's retries) and close it (on the server once its
// scans are in; offline: closed here, its label printed when the network is back, see pwa/cartons.js).
import { ApiError, postJson } from "../api.js";
import { closeCartonHere } from "../cartons.js";
import { isOnline } from "../connection.js";
import * as db from "../db.js";
import { limit } from "../limits.js";
import { replay } from "../outbox.js";


// The pack screen's state and what it does after a change (refuse/accept show and sound the outcome;
// `changed` marks that an answer from before it is stale; `refetch` asks the server for the order again).
export function cartonActions({ state, weightInput, refuse, accept, saveSession, refetch, changed }) {
  async function openCarton() {
    const order = state.order;
    if (!order || !state.tote) return refuse("Scan the tote and the order first");
    if (state.carton) return refuse("A carton is open", state.carton.sscc);
    // This device's own SSCCs first: no network needed (the server creates the carton with its first scan).
    const own = await db.takeSscc();
    if (own) return cartonOpened(order, { sscc: own, status: "open", label_url: null, offline: true });
    if (!isOnline()) return refuse("No carton numbers left on this device", "connect once to get more");
    state.busy = true;
    // One key per carton the packer asked for: tapping again after a lost answer gets that carton back.
    if (state.openKey?.order !== order.number) state.openKey = { order: order.number, key: crypto.randomUUID() };
    let carton;
    try {
      carton = await postJson("/api/v1/cartons", { order: order.number, station: state.station },
        { idempotencyKey: state.openKey.key });
      state.openKey = null;
    } catch (error) {
      return refuse("Carton not opened", error.message);
    } finally {
      state.busy = false;
    }
    return cartonOpened(order, carton);
  }

  async function cartonOpened(order, carton) {
    changed();
    await db.putLocation({ code: carton.sscc, kind: "carton", name: `carton for ${order.number}`, parent: state.station });
    const kept = await db.updateOrder(order.number, (o) => ({
      ...o, cartons: [...(o.cartons || []), { sscc: carton.sscc, status: carton.status, label_url: carton.label_url,
        offline: carton.offline || undefined }] }));
    state.order = kept;
    state.carton = kept.cartons[kept.cartons.length - 1];
    state.closed = null;
    weightInput.value = "";
    await saveSession();
    accept(`Carton ${carton.sscc} open`);
  }

  async function closeCarton() {
    const order = state.order;
    const carton = state.carton;
    if (!carton) return;
    const weightText = weightInput.value.trim();
    const weight = weightText ? Number(weightText) : null;
    const maxWeight = limit("max_weight_g") ?? Number.MAX_SAFE_INTEGER; // the server's limit, as it said at sign-in
    if (weightText && (!/^\d+$/.test(weightText) || weight < 1 || weight > maxWeight)) {
      return refuse("Check the weight", `whole grams from 1 to ${maxWeight}`);
    }
    if (!isOnline()) return closeOffline(order, carton, weight);
    changed();
    state.busy = true;
    let closed;
    try {
      await replay(); // the server closes only a carton it knows is not empty
      const waiting = (await db.outboxInOrder()).filter((m) => m.kind === "pack" && m.to === carton.sscc);
      if (waiting.length) return refuse("Scans still sending", `${waiting.length} for this carton: try again`);
      closed = await postJson(`/api/v1/cartons/${carton.sscc}/close`, weight ? { weight_g: weight } : {});
    } catch (error) {
      if (!(error instanceof ApiError && error.code === "carton_closed")) {
        return refuse("Carton not closed", error.message);
      }
      closed = { status: "closed" };
    } finally {
      state.busy = false;
    }
    changed();
    const kept = await db.updateOrder(order.number, (o) => ({ ...o, cartons: (o.cartons || []).map((c) => (c.sscc === carton.sscc
      ? { ...c, ...closed, label_url: closed.label_url || c.label_url } : c)) }));
    state.order = kept;
    state.carton = null;
    state.closed = carton.sscc;
    await saveSession();
    accept(`Carton ${carton.sscc} closed` + (weight ? ` · ${weight} g` : ""), "ok");
    refetch();
  }

  // Offline: closed here, and on the server (which prints its label) once its scans are in (cartons.js).
  async function closeOffline(order, carton, weight) {
    if (!(order.local || []).some((entry) => entry.sscc === carton.sscc)) return refuse("The carton is empty", "scan something into it first");
    changed();
    state.order = await closeCartonHere(order.number, carton.sscc, weight);
    state.carton = null;
    state.closed = carton.sscc;
    await saveSession();
    accept(`Carton ${carton.sscc} closed · its label prints when online`, "ok");
  }

  return { openCarton, closeCarton };
}
