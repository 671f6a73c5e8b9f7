// The back-office screens' calls to the server: any method, JSON in and out, the session's CSRF token,
// and the server's error with the field it names (a settings 400 is shown next to that field).
import { ApiError } from "../api.js";
import { serverFetch } from "../connection.js";
import * as db from "../db.js";
import { outboxEvents } from "../outbox.js";

export class FieldError extends ApiError {
  constructor(status, error) {
    super(status, error.code || `http_${status}`, error.message || `the server answered ${status}`);
    this.field = error.field || null;
    this.detail = error;
  }
}

async function csrfToken(fresh) {
  if (!fresh) {
    const stored = await db.getMeta("csrf");
    if (stored) return stored;
  }
  const me = await send("GET", "/api/v1/me");
  await db.setMeta({ csrf: me.csrf_token, user: me.user });
  return me.csrf_token;
}

// → the answer's JSON (null for a 204). Throws FieldError for an HTTP error, ApiError(0, "offline") without a server.
export async function send(method, path, body, { idempotencyKey } = {}) {
  const changing = method !== "GET";
  for (let attempt = 0; ; attempt += 1) {
    const headers = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (changing) headers["X-CSRF-Token"] = await csrfToken(attempt > 0);
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    let response;
    try {
      response = await serverFetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ApiError(0, "offline", error.message);
    }
    if (response.status === 204) return null;
    const answer = await response.json().catch(() => null);
    if (response.ok) return answer;
    const error = answer?.error || {};
    // A stale CSRF token (a server restart, a new session): fetch a fresh one once.
    if (response.status === 403 && error.code === "csrf_failed" && attempt === 0) continue;
    if (response.status === 401) { // the server ended this session: the status bar asks for a sign-in at once
      await db.setMeta({ needs_signin: true, csrf: undefined });
      outboxEvents.dispatchEvent(new Event("changed"));
    }
    throw new FieldError(response.status, error);
  }
}

// "3 min ago", "2 h ago", "4 d ago" for a time in the past; "" for none.
export function ago(iso) {
  if (!iso) return "";
  const minutes = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000));
  if (minutes < 1) return "just now";
  if (minutes < 90) return `${minutes} min ago`;
  if (minutes < 36 * 60) return `${Math.round(minutes / 60)} h ago`;
  return `${Math.round(minutes / 1440)} d ago`;
}

// The words a person reads for a failed call.
export function failureText(error) {
  if (error?.code === "offline") return "No connection: the back office needs the server";
  return error?.message || String(error);
}
