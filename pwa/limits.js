// What the server accepts (max quantity, batch size), as GET /api/v1/me and sign-in report it, kept on
// the device so that the app checks the same limits offline. Never a copy of the server's numbers:
// until the server has said, nothing is refused here and the server's answer decides.
import * as db from "./db.js";

const limits = {};

export function limit(name) {
  return Number.isFinite(limits[name]) ? limits[name] : null;
}

export async function loadLimits() {
  Object.assign(limits, (await db.getMeta("limits")) || {});
}

export async function rememberLimits(fromServer) {
  if (!fromServer || typeof fromServer !== "object") return;
  Object.assign(limits, fromServer);
  await db.setMeta({ limits: { ...limits } });
}
