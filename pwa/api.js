// The few direct calls a screen makes to the server (open a carton, read an order): JSON in and
// out, the session cookie plus its CSRF token. Scans never go this way: they go through the outbox.
import { serverFetch } from "./connection.js";
import * as db from "./db.js";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function answer(response, path) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = body?.error || {};
    throw new ApiError(response.status, error.code || `http_${response.status}`,
      error.message || `${path} answered ${response.status}`);
  }
  return body;
}

// Throws ApiError for an HTTP error, and ApiError(0, "offline") when the server cannot be reached or is silent.
export async function getJson(path) {
  let response;
  try {
    response = await serverFetch(path);
  } catch (error) {
    throw new ApiError(0, "offline", error.message);
  }
  return answer(response, path);
}

// `idempotencyKey`: for a POST that creates something, the same key on every try of one action, so a
// retry after a lost answer gets the original back instead of creating a second one.
export async function postJson(path, body, { idempotencyKey } = {}) {
  let csrf = await db.getMeta("csrf");
  for (let attempt = 0; ; attempt += 1) {
    let response;
    try {
      response = await serverFetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf || "",
          ...(idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {}) },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, "offline", error.message);
    }
    if (response.status === 403 && attempt === 0) {
      const copy = response.clone();
      const code = (await copy.json().catch(() => null))?.error?.code;
      if (code === "csrf_failed") { // the stored token is stale (a server restart, a new session)
        csrf = await freshCsrf();
        continue;
      }
    }
    return answer(response, path);
  }
}

async function freshCsrf() {
  const me = await getJson("/api/v1/me");
  await db.setMeta({ csrf: me.csrf_token, user: me.user });
  return me.csrf_token;
}
