// One person on the people screen (views/admin_people.js): roles, password reset, (de)activation, API tokens.
// A reset or a deactivation ends every session and token of the person on the server at once.
import { ago, failureText, send } from "./admin_http.js";
import { confirmDialog, h, setChildren } from "./ui.js";

export const ROLES = ["picker", "receiver", "counter", "supervisor", "admin", "integration"];

// Big toggles instead of small checkboxes: a role is a button that stays pressed.
export function roleToggles(chosen, { idPrefix }) {
  const box = h("div", { class: "role-toggles", role: "group", "aria-label": "Roles" });
  for (const role of ROLES) {
    const button = h("button", { type: "button", class: "role-toggle", id: `${idPrefix}-${role}`, dataset: { role },
      "aria-pressed": String(chosen.has(role)) }, role);
    button.addEventListener("click", () => {
      if (chosen.has(role)) chosen.delete(role);
      else chosen.add(role);
      button.setAttribute("aria-pressed", String(chosen.has(role)));
    });
    box.append(button);
  }
  return box;
}

export function personPanel(person, { changed, failed }) {
  const name = encodeURIComponent(person.username);
  const roles = new Set(person.roles);
  const saveRoles = h("button", { type: "button", class: "big-button info", id: "save-roles", onclick: async () => {
    try {
      await send("PATCH", `/api/v1/users/${name}`, { roles: ROLES.filter((r) => roles.has(r)) });
      await changed(`${person.username}'s roles saved`);
    } catch (error) {
      failed(error);
    }
  } }, "Save roles");

  const newPassword = h("input", { id: "reset-password", type: "password", autocomplete: "new-password", minlength: "8",
    "aria-label": "New password" });
  const reset = h("button", { type: "button", class: "big-button warn", id: "reset-password-button", onclick: async () => {
    const ok = await confirmDialog({ message: `Reset ${person.username}'s password?`,
      detail: "Every device and token they are signed in with stops working at once.", confirm: "Reset", danger: true });
    if (!ok) return;
    try {
      await send("PATCH", `/api/v1/users/${name}`, { password: newPassword.value });
      newPassword.value = "";
      await changed(`${person.username}'s password reset: they sign in again with the new one`);
    } catch (error) {
      failed(error);
    }
  } }, "Reset password");

  const activeButton = h("button", { type: "button", class: `big-button ${person.active ? "stop" : "go"}`,
    id: person.active ? "deactivate-person" : "reactivate-person", onclick: async () => {
      if (person.active) {
        const ok = await confirmDialog({ message: `Deactivate ${person.username}?`,
          detail: "They are signed out everywhere at once and their API tokens stop working. Scans waiting on their "
            + "handheld stay there.", confirm: "Deactivate", danger: true });
        if (!ok) return;
      }
      try {
        await send("PATCH", `/api/v1/users/${name}`, { active: !person.active });
        await changed(person.active ? `${person.username} is deactivated` : `${person.username} is active again`);
      } catch (error) {
        failed(error);
      }
    } }, person.active ? "Deactivate" : "Reactivate");

  const tokens = h("div", { class: "tokens", id: "tokens" }, h("p", { class: "muted" }, "Loading tokens…"));
  const shownOnce = h("div", { class: "token-once", id: "token-once", hidden: true });
  const tokenName = h("input", { id: "token-name", maxlength: "120", placeholder: "What it is for (ERP, scales…)",
    autocomplete: "off", "aria-label": "Token name" });

  async function loadTokens() {
    try {
      const page = await send("GET", `/api/v1/users/${name}/tokens`);
      setChildren(tokens, page.items.length ? h("ul", { class: "cards small", id: "token-list" }, page.items.map((token) =>
        h("li", { class: "card token-row", dataset: { token: String(token.id) } },
          h("span", { class: "card-title" }, token.name || `Token ${token.id}`),
          h("span", { class: "muted" }, `made ${ago(token.created_at)} · `
            + (token.last_used_at ? `last used ${ago(token.last_used_at)}` : "never used")),
          h("button", { type: "button", class: "small-button revoke-token", onclick: () => revoke(token) }, "Revoke"))))
        : h("p", { class: "muted", id: "no-tokens" }, "No API tokens."));
    } catch (error) {
      setChildren(tokens, h("p", { class: "error-text" }, failureText(error)));
    }
  }

  async function revoke(token) {
    const ok = await confirmDialog({ message: `Revoke ${token.name || `token ${token.id}`}?`,
      detail: "Whatever uses it gets 401 on its next request.", confirm: "Revoke", danger: true });
    if (!ok) return;
    try {
      await send("DELETE", `/api/v1/tokens/${token.id}`);
      shownOnce.hidden = true;
      await loadTokens();
    } catch (error) {
      failed(error);
    }
  }

  const createToken = h("button", { type: "button", class: "big-button info", id: "create-token", onclick: async () => {
    try {
      const made = await send("POST", `/api/v1/users/${name}/tokens`, { name: tokenName.value.trim() });
      tokenName.value = "";
      // The server keeps only a digest: this is the one time anyone sees the token.
      setChildren(shownOnce, h("p", { class: "reason" }, "Copy it now: it is never shown again."),
        h("code", { class: "token-value", id: "token-value" }, made.token));
      shownOnce.hidden = false;
      await loadTokens();
    } catch (error) {
      failed(error);
    }
  } }, "Create token");

  loadTokens();
  return h("div", { class: "card office-form", dataset: { person: person.username } },
    h("h2", { id: "person-name" }, person.username),
    h("p", { class: `office-state ${person.active ? "on" : "off"}`, id: "person-state" },
      person.active ? "Active" : "Deactivated: cannot sign in, tokens do not work"),
    h("span", { class: "field-label" }, "Roles"), roleToggles(roles, { idPrefix: "role" }), saveRoles,
    h("label", { for: "reset-password" }, "New password"), newPassword, reset,
    activeButton,
    h("h2", {}, "API tokens"), tokens, shownOnce,
    h("label", { for: "token-name" }, "New token"), tokenName, createToken);
}
