// People (admin, tablet and desktop first): everyone with their roles; create a person; tap one to change
// their roles, reset their password, deactivate them (their sessions and tokens end at once) and manage
// their API tokens (views/admin_person.js). Needs the connection: it is the server's list.
import { ago, failureText, send } from "./admin_http.js";
import { personPanel, ROLES, roleToggles } from "./admin_person.js";
import { h, resultLine, setChildren } from "./ui.js";

export function adminPeopleView() {
  const state = { people: null, selected: null, last: null, filter: "" };
  const el = h("section", { class: "screen office", id: "people-screen" });
  const listBox = h("div", { class: "office-list" });
  const detailBox = h("div", { class: "office-detail", id: "person-detail" });

  // The create form is built once: a redraw of the list never empties what is being typed.
  const newRoles = new Set(["picker"]);
  const username = h("input", { id: "new-username", autocomplete: "off", autocapitalize: "none", spellcheck: "false",
    maxlength: "64", "aria-label": "Name" });
  const password = h("input", { id: "new-password", type: "password", autocomplete: "new-password", minlength: "8",
    "aria-label": "Password" });
  const createProblem = h("p", { class: "error-text", id: "new-person-problem", role: "alert" });
  const createForm = h("form", { class: "card office-form", id: "new-person" },
    h("h2", {}, "New person"),
    h("label", { for: "new-username" }, "Name"), username,
    h("label", { for: "new-password" }, "Password (at least 8 characters)"), password,
    h("span", { class: "field-label" }, "Roles"), roleToggles(newRoles, { idPrefix: "new-role" }),
    createProblem,
    h("button", { type: "submit", class: "big-button go", id: "create-person" }, "Create person"));
  createForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    createProblem.textContent = "";
    try {
      const person = await send("POST", "/api/v1/users", { username: username.value.trim(), password: password.value,
        roles: ROLES.filter((r) => newRoles.has(r)) });
      username.value = "";
      password.value = "";
      state.last = { kind: "ok", text: `${person.username} can sign in now` };
      await load();
      select(person.username);
    } catch (error) {
      createProblem.textContent = failureText(error);
    }
  });

  const search = h("input", { id: "people-search", type: "search", placeholder: "Find a person", autocomplete: "off",
    "aria-label": "Find a person" });
  search.addEventListener("input", () => {
    state.filter = search.value.trim().toLowerCase();
    renderList();
  });

  function renderList() {
    const shown = (state.people || []).filter((p) => !state.filter || p.username.toLowerCase().includes(state.filter));
    setChildren(listBox,
      search,
      state.people === null ? h("p", { class: "muted" }, "Loading…") : null,
      h("ul", { class: "cards office-rows", id: "people-list" }, shown.map((person) => h("li", {},
        h("button", { type: "button", class: `card office-row ${person.active ? "" : "inactive"} ${state.selected === person.username ? "chosen" : ""}`,
          dataset: { person: person.username }, "aria-pressed": String(state.selected === person.username),
          onclick: () => select(person.username) },
        h("span", { class: "card-title" }, person.username),
        h("span", { class: "office-chips" }, person.roles.map((role) => h("span", { class: "chip" }, role))),
        h("span", { class: `office-state ${person.active ? "on" : "off"}` },
          person.active ? `active · since ${ago(person.created_at)}` : "deactivated"))))));
  }

  function render() {
    el.dataset.people = String(state.people?.length ?? "");
    setChildren(el, h("h1", {}, "People"), resultLine(state.last),
      h("div", { class: "office-split" }, h("div", { class: "office-column" }, listBox, createForm), detailBox));
    renderList();
  }

  function select(usernameChosen) {
    state.selected = usernameChosen;
    const person = state.people?.find((p) => p.username === usernameChosen);
    renderList();
    if (!person) {
      detailBox.replaceChildren();
      return;
    }
    detailBox.replaceChildren(personPanel(person, {
      changed: async (text) => {
        state.last = { kind: "ok", text };
        await load();
        select(usernameChosen);
      },
      failed: (error) => {
        state.last = { kind: "bad", text: failureText(error) };
        render();
      },
    }));
    if (matchMedia("(max-width: 899px)").matches) detailBox.scrollIntoView({ block: "start" });
  }

  async function load() {
    const people = [];
    try {
      let cursor = null;
      do { // every page: an admin looks for a name, not a page number
        const page = await send("GET", `/api/v1/users?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        people.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      state.people = people;
    } catch (error) {
      state.people = state.people || [];
      state.last = { kind: "bad", text: failureText(error) };
    }
    render();
  }

  render();
  load();
  return { title: "People", el, refresh: () => {}, actions: [] };
}
