// Imports (supervisors, admins; tablet first): choose what the file holds, pick the CSV file, "Check" (a dry run:
// every bad row listed with its reason, nothing changed), then "Import" (creates exactly the good rows; a repeat
// creates nothing and says so). Needs the network: the server checks items, stock and numbers.
import { serverFetch } from "../connection.js";
import * as db from "../db.js";
import * as feedback from "../feedback.js";
import { h, setChildren } from "./ui.js";

// What each kind's file holds (the server's layouts in webapp/services/imports/*.py); * is required.
const KINDS = [
  { kind: "orders", label: "Orders", roles: ["supervisor", "admin"], noun: "order",
    columns: "number*, item*, qty*, unit_price, warehouse, ship_to_name, notes — one row per line" },
  { kind: "purchase-orders", label: "Purchase orders", roles: ["supervisor", "admin"], noun: "purchase order",
    columns: "number*, supplier*, item*, qty*, expected_at, warehouse — one row per line" },
  { kind: "items", label: "Items", roles: ["admin"], noun: "item",
    columns: "sku*, name*, barcodes (a;b), unit_cost, reorder_point, reorder_qty, safety_stock, abc_class, supplier, temperature, category" },
];

// POST the file as it is (text/csv), with the session's CSRF token; a stale token is fetched again once.
async function postFile(path, file) {
  let csrf = await db.getMeta("csrf");
  for (let attempt = 0; ; attempt += 1) {
    const response = await serverFetch(path, { method: "POST", body: file,
      headers: { "Content-Type": "text/csv", "X-CSRF-Token": csrf || "" } }, 120_000); // a long file takes a while: the server answers after the last row
    const body = await response.json().catch(() => null);
    if (response.status === 403 && body?.error?.code === "csrf_failed" && attempt === 0) {
      const me = await (await serverFetch("/api/v1/me")).json();
      await db.setMeta({ csrf: me.csrf_token, user: me.user });
      csrf = me.csrf_token;
      continue;
    }
    if (!response.ok) throw new Error(body?.error?.message || `the server answered ${response.status}`);
    return body;
  }
}

export function importsView({ user }) {
  const roles = new Set(user.roles || []);
  const kinds = KINDS.filter((k) => k.roles.some((role) => roles.has(role)));
  const state = { kind: kinds[0]?.kind, file: null, checked: null, imported: null, busy: false, problem: null };
  const el = h("section", { class: "screen imports", id: "imports-screen" });
  const fileInput = h("input", { type: "file", id: "import-file", accept: ".csv,text/csv,text/plain", class: "import-file-input",
    onchange: () => { state.file = fileInput.files[0] || null; forget(); render(); } });

  function forget() {
    state.checked = null;
    state.imported = null;
    state.problem = null;
  }

  function kindInfo() {
    return KINDS.find((k) => k.kind === state.kind);
  }

  function render() {
    el.dataset.step = state.imported ? "imported" : state.checked ? "checked" : state.file ? "chosen" : "choose";
    const info = kindInfo();
    setChildren(el,
      h("h1", {}, "Import from a CSV file"),
      kinds.length ? null : h("p", { class: "notice" }, "Your roles may not import anything."),
      h("div", { class: "import-kinds", role: "radiogroup", "aria-label": "What the file holds" }, kinds.map((k) =>
        h("button", { type: "button", class: `work-button import-kind ${k.kind === state.kind ? "chosen" : ""}`, role: "radio",
          "aria-checked": String(k.kind === state.kind), dataset: { kind: k.kind },
          onclick: () => { state.kind = k.kind; forget(); render(); } },
        h("span", { class: "work-label" }, k.label)))),
      info ? h("p", { class: "muted import-columns" }, `Columns: ${info.columns}`) : null,
      h("label", { class: "big-button info import-file", for: "import-file" },
        state.file ? `File: ${state.file.name}` : "Choose a CSV file"),
      fileInput,
      h("p", { class: `result ${state.problem ? "bad" : state.imported ? "ok" : "info"}`, id: "import-result", "aria-live": "polite" },
        state.problem || summary()),
      report());
    check.disabled = !state.file || state.busy;
    run.disabled = !state.checked || state.busy || Boolean(state.imported);
    run.textContent = state.imported ? "Imported" : state.checked ? `Import ${state.checked.would_create.length}` : "Import";
  }

  function summary() {
    const answer = state.imported || state.checked;
    if (!answer) return state.file ? "Check the file first: nothing is changed by a check" : "";
    const made = state.imported ? answer.created : answer.would_create;
    const noun = kindInfo().noun;
    const verb = state.imported ? "created" : "to create";
    return `${answer.rows} rows: ${answer.good} good, ${answer.bad.length} bad · ${made.length} ${noun}${made.length === 1 ? "" : "s"} ${verb}`
      + (answer.already_there.length ? ` · ${answer.already_there.length} already there` : "");
  }

  function report() {
    const answer = state.imported || state.checked;
    if (!answer) return null;
    const made = state.imported ? answer.created : answer.would_create;
    // What goes (or went) in first: it is short; then every bad row, to fix in the file.
    return h("div", { class: "import-report" },
      made.length ? h("h2", {}, state.imported ? "Created" : "Will be created") : null,
      made.length ? h("ul", { class: "import-list", id: "import-created" }, made.map((n) => h("li", { class: "code" }, n))) : null,
      answer.already_there.length ? h("h2", {}, "Already there: left as they are") : null,
      answer.already_there.length ? h("ul", { class: "import-list", id: "import-already" },
        answer.already_there.map((n) => h("li", { class: "code" }, n))) : null,
      answer.bad.length ? h("h2", {}, `Bad rows (${answer.bad.length}): not imported`) : null,
      answer.bad.length ? h("table", { class: "import-bad", id: "import-bad" },
        h("thead", {}, h("tr", {}, h("th", {}, "Row"), h("th", {}, "Number"), h("th", {}, "Why"))),
        h("tbody", {}, answer.bad.map((b) => h("tr", { dataset: { row: String(b.row), code: b.code } },
          h("td", { class: "import-row" }, String(b.row)), h("td", { class: "code" }, b.number || "—"),
          h("td", {}, h("span", { class: "import-code" }, b.code.replaceAll("_", " ")), " ", b.reason))))) : null);
  }

  async function send(dryRun) {
    if (!state.file || state.busy) return;
    state.busy = true;
    state.problem = null;
    render();
    try {
      const answer = await postFile(`/api/v1/imports/${state.kind}${dryRun ? "?dry_run=true" : ""}`, state.file);
      if (dryRun) state.checked = answer;
      else state.imported = answer;
      // Bad rows are a list to read, not a wrong scan: a warning, and the good rows still go (or went) in.
      if (answer.bad.length) feedback.warning(`${answer.bad.length} bad row${answer.bad.length === 1 ? "" : "s"}`, "listed on the screen");
      else feedback.success(dryRun ? "File checked" : "Imported", summary());
    } catch (error) {
      state.problem = error.name === "Unreachable" ? "Importing needs a connection" : error.message;
      feedback.failure("Not imported", state.problem);
    } finally {
      state.busy = false;
      render();
    }
  }

  const check = h("button", { type: "button", class: "big-button warn", id: "import-check", onclick: () => send(true) }, "Check");
  const run = h("button", { type: "button", class: "big-button go", id: "import-run", onclick: () => send(false) }, "Import");
  render();
  return { title: "Imports", el, actions: [check], primary: run, refresh: () => {} };
}
