// Photos taken on the device (damaged goods): the JPEG is kept in an IndexedDB database of its own until the
// server has it, then uploaded by PUT /api/v1/photos/{id} — idempotent, so a retry after a lost answer is
// harmless. The scan that names the photo travels in the outbox as usual; the server takes them in any order.
import { openDB } from "/static/vendor/idb/index.js";
import { connectionEvents, isOnline, serverFetch } from "./connection.js";
import * as db from "./db.js";

const STRICT = { durability: "strict" };
const RETRY_MS = 15000;
let opening = null;

function photoDb() {
  if (!opening) {
    opening = openDB("dockhand-photos", 1, { upgrade(d) { d.createObjectStore("photos", { keyPath: "id" }); } });
    opening.catch(() => { opening = null; });
  }
  return opening;
}

// One frame of a playing <video> as a JPEG Blob.
export async function captureFrame(video) {
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth || 640;
  canvas.height = video.videoHeight || 480;
  canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("no image"))),
    "image/jpeg", 0.8));
}

// Stored for good (strict) before the person is told: → the photo's id, the one the scan will name.
export async function keepPhoto(blob) {
  const id = crypto.randomUUID();
  const tx = (await photoDb()).transaction("photos", "readwrite", STRICT);
  tx.store.put({ id, blob, type: blob.type || "image/jpeg", taken_at: new Date().toISOString() });
  await tx.done;
  setTimeout(uploadPhotos, 0);
  return id;
}

export async function waitingPhotos() {
  return (await photoDb()).count("photos");
}

let running = null;
// Sends every waiting photo; one refused for good (a 4xx but 401/403/408/429) is kept aside, never retried
// in a loop. Removed only when the server said it has it (201 or 200).
export function uploadPhotos() {
  if (running) return running;
  running = (async () => {
    if (!isOnline()) return;
    const photos = await (await photoDb()).getAll("photos");
    for (const photo of photos) {
      if (photo.refused) continue;
      const csrf = await db.getMeta("csrf");
      let response;
      try {
        response = await serverFetch(`/api/v1/photos/${photo.id}`, { method: "PUT", body: photo.blob,
          headers: { "Content-Type": photo.type, "X-CSRF-Token": csrf || "" } });
      } catch {
        return; // offline again: the next trigger tries
      }
      const store = (await photoDb()).transaction("photos", "readwrite", STRICT);
      if (response.ok) store.store.delete(photo.id);
      else if (response.status >= 400 && response.status < 500 && ![401, 403, 408, 429].includes(response.status)) {
        store.store.put({ ...photo, refused: response.status });
      }
      await store.done;
    }
  })().finally(() => { running = null; });
  return running;
}

export function startPhotoUploads() {
  connectionEvents.addEventListener("change", () => { if (isOnline()) uploadPhotos(); });
  setInterval(() => { if (isOnline()) uploadPhotos(); }, RETRY_MS);
  uploadPhotos();
}
