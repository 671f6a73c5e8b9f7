"""Cycle counts end to end through the API, on SQLite and PostgreSQL: freeze, blind count, close,
variance with movements during the count, sign-off with four-eyes, blocks, recount."""
import pytest
from sqlalchemy import text

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, stock, sync, verify_clean
from webapp.extensions import db


def at(minute: int) -> str:
    return f"2026-11-25T10:{minute:02d}:00Z"


@pytest.fixture
def site(app, client, make_user):
    """WH1: SKU-1 ×100 in A-01, SKU-2 ×100 in A-02, SKU-3 ×100 in A-03, SKU-1 ×20 in A-04; unit costs set."""
    small_warehouse()
    people = {"boss": make_user("boss", "admin"), "sup": make_user("sam", "supervisor"),
              "sup2": make_user("sue", "supervisor"), "counter": make_user("cory", "counter"),
              "both": make_user("bea", "counter", "supervisor")}
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE item SET unit_cost_cents = 325 WHERE sku = 'SKU-1'"))
    results = sync(client, people["boss"], [scan("receive", "SKU-1", 100, to="A-01", occurred_at=at(0)),
                                            scan("receive", "SKU-2", 100, to="A-02", occurred_at=at(0)),
                                            scan("receive", "SKU-3", 100, to="A-03", occurred_at=at(0)),
                                            scan("receive", "SKU-1", 20, to="A-04", occurred_at=at(0))],
                   device_id="boss-dev").get_json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 4, results
    return people


def new_count(client, token, **body) -> dict:
    response = client.post("/api/v1/counts", json=body, headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def count_scan(client, token, count_id, item, qty, location, minute, device="counter-dev", **extra):
    result = sync(client, token, [scan("count", item, qty, to=location, ref=str(count_id), occurred_at=at(minute),
                                       **extra)], device_id=device).get_json()["results"][0]
    assert result["status"] == "applied", result
    return result


def close(client, token, count_id) -> dict:
    response = client.post(f"/api/v1/counts/{count_id}/close", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def lines_by(count: dict) -> dict:
    return {(l["location"], l["item"]): l for l in count["lines"]}


def level(client, token, item, location) -> int:
    return next((l["qty"] for l in stock(client, token, item)["locations"] if l["location"] == location), 0)


def test_a_count_freezes_its_bins_and_movements_there_are_applied_but_flagged(client, site):
    count = new_count(client, site["sup"], locations=["A-01"])
    assert count["state"] == "counting" and count["locations"] == ["A-01"]
    result = sync(client, site["boss"], [scan("transfer", "SKU-1", 3, from_="A-01", to="A-02", occurred_at=at(3))],
                  device_id="boss-dev").get_json()["results"][0]
    assert result["status"] == "applied" and "location_frozen" in result["flags"]
    again = client.post("/api/v1/counts", json={"locations": ["A-01"]}, headers=bearer(site["sup"]))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "location_counting"


def test_variance_takes_movements_before_the_scan_and_after_approval_the_bin_holds_counted_plus_what_moved_after(
        app, client, site):
    count = new_count(client, site["sup"], locations=["A-01"])
    boss = site["boss"]
    sync(client, boss, [scan("transfer", "SKU-1", 10, from_="A-01", to="A-02", occurred_at=at(3))], device_id="boss-dev")
    count_scan(client, site["counter"], count["id"], "SKU-1", 50, "A-01", 4)
    count_scan(client, site["counter"], count["id"], "SKU-1", 38, "A-01", 5)  # several scans add up: 88
    sync(client, boss, [scan("transfer", "SKU-1", 5, from_="A-01", to="A-02", occurred_at=at(10))], device_id="boss-dev")
    closed = close(client, site["sup"], count["id"])
    line = lines_by(closed)[("A-01", "SKU-1")]
    # expected = 100 at freeze − 10 moved before the scan; the 5 moved after it do not count
    assert (line["expected"], line["counted"], line["variance"]) == (90, 88, -2)
    assert line["variance_pct"] == -2.22 and line["value_cents"] == -650
    assert line["status"] == "approved" and line["approved_by"] is None  # within 5 %: no person needed
    assert closed["state"] == "closed"
    assert level(client, boss, "SKU-1", "A-01") == 88 - 5  # counted + what moved after it was counted
    with db.engine.connect() as conn:
        adjustments = conn.execute(text("SELECT kind, qty_base, lot FROM movement WHERE ref = :ref AND kind LIKE 'adjust%'"),
                                   {"ref": str(count["id"])}).all()
    assert [tuple(a) for a in adjustments] == [("adjust_out", 2, "")]  # one adjustment, referencing the count
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT frozen FROM location WHERE code = 'A-01'")).scalar() in (False, 0)
    verify_clean(app)


def test_thresholds_blocks_and_a_frozen_item_nobody_scanned(app, client, site):
    count = new_count(client, site["sup"], locations=["A-01", "A-02", "A-03", "A-04"], assign_to="cory")
    c = site["counter"]
    count_scan(client, c, count["id"], "SKU-1", 95, "A-01", 5)   # exactly 5 %: approved
    count_scan(client, c, count["id"], "SKU-2", 90, "A-02", 5)   # exactly 10 %: sign-off, not blocked
    count_scan(client, c, count["id"], "SKU-3", 89, "A-03", 5)   # 11 %: sign-off and blocked
    count_scan(client, c, count["id"], "SKU-2", 3, "A-04", 5)    # expected 0, counted 3: over 10 %
    lines = lines_by(close(client, site["sup"], count["id"]))     # SKU-1 in A-04 was never scanned: 0
    assert (lines[("A-01", "SKU-1")]["status"], lines[("A-01", "SKU-1")]["blocks"]) == ("approved", False)
    assert (lines[("A-02", "SKU-2")]["status"], lines[("A-02", "SKU-2")]["blocks"]) == ("needs_signoff", False)
    assert (lines[("A-03", "SKU-3")]["status"], lines[("A-03", "SKU-3")]["blocks"]) == ("needs_signoff", True)
    found = lines[("A-04", "SKU-2")]
    assert (found["expected"], found["variance_pct"], found["blocks"]) == (0, None, True)
    unscanned = lines[("A-04", "SKU-1")]
    assert (unscanned["counted"], unscanned["variance"], unscanned["blocks"]) == (0, -20, True)
    assert lines[("A-02", "SKU-2")]["variance_pct"] == -10.0 and lines[("A-03", "SKU-3")]["variance_pct"] == -11.0
    verify_clean(app)


def test_a_blocked_item_refuses_reservations_and_orders_until_every_blocked_line_is_resolved(app, client, site):
    count = new_count(client, site["sup"], locations=["A-03"])
    count_scan(client, site["counter"], count["id"], "SKU-3", 80, "A-03", 5)
    closed = close(client, site["sup"], count["id"])
    [line] = closed["lines"]
    assert line["blocks"] and closed["state"] == "needs_signoff"
    for path, body in (("/api/v1/reservations", {"item": "SKU-3", "qty": 1, "ref": "R-1"}),
                       ("/api/v1/orders", {"number": "SO-B", "lines": [{"item": "SKU-3", "qty": 1}]})):
        refused = client.post(path, json=body, headers=bearer(site["boss"]))
        assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "item_blocked", refused.get_json()
    assert client.get("/api/v1/orders/SO-B", headers=bearer(site["boss"])).status_code == 404  # nothing was kept
    approved = client.post(f"/api/v1/counts/{count['id']}/lines/{line['line']}/approve", json={"reason": "theft"},
                           headers=bearer(site["sup"]))
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["state"] == "closed"
    assert client.post("/api/v1/reservations", json={"item": "SKU-3", "qty": 1, "ref": "R-1"},
                       headers=bearer(site["boss"])).status_code == 201
    assert level(client, site["boss"], "SKU-3", "A-03") == 80
    verify_clean(app)


def test_a_counter_cannot_approve_and_nobody_approves_a_line_they_counted(client, site):
    count = new_count(client, site["sup"], locations=["A-02"])
    count_scan(client, site["both"], count["id"], "SKU-2", 70, "A-02", 5, device="bea-dev")
    [line] = close(client, site["sup"], count["id"])["lines"]
    assert line["counted_by"] == "bea"
    url = f"/api/v1/counts/{count['id']}/lines/{line['line']}/approve"
    as_counter = client.post(url, json={"reason": "damage"}, headers=bearer(site["counter"]))
    assert as_counter.status_code == 403 and as_counter.get_json()["error"]["code"] == "forbidden"
    own = client.post(url, json={"reason": "damage"}, headers=bearer(site["both"]))
    assert own.status_code == 403 and own.get_json()["error"]["code"] == "four_eyes"
    bad = client.post(url, json={"reason": "because"}, headers=bearer(site["sup"]))
    assert bad.status_code == 400
    ok = client.post(url, json={"reason": "damage", "note": "crushed case"}, headers=bearer(site["sup"]))
    assert ok.status_code == 200
    [done] = ok.get_json()["lines"]
    assert (done["status"], done["approved_by"], done["reason"], done["counted_by"]) == ("approved", "sam", "damage", "bea")
    twice = client.post(url, json={"reason": "damage"}, headers=bearer(site["sup2"]))
    assert twice.status_code == 409


def test_a_recount_is_a_new_count_the_line_waits_for_it_and_its_close_resolves_the_line(app, client, site):
    count = new_count(client, site["sup"], locations=["A-02"], assign_to="cory")
    count_scan(client, site["counter"], count["id"], "SKU-2", 50, "A-02", 5)
    [line] = close(client, site["sup"], count["id"])["lines"]
    recount = client.post(f"/api/v1/counts/{count['id']}/lines/{line['line']}/recount", json={"note": "again please"},
                          headers=bearer(site["sup"]))
    assert recount.status_code == 201, recount.get_json()
    recount = recount.get_json()
    assert recount["locations"] == ["A-02"] and recount["origin"] == "recount" and recount["assigned_to"] == "cory"
    tasks = client.get("/api/v1/tasks", headers=bearer(site["counter"])).get_json()["tasks"]
    assert [t["id"] for t in tasks if t["kind"] == "count"] == [recount["id"]]  # back on the device as a task
    original = client.get(f"/api/v1/counts/{count['id']}", headers=bearer(site["sup"])).get_json()
    assert original["lines"][0]["status"] == "needs_signoff" and original["lines"][0]["recount_id"] == recount["id"]
    count_scan(client, site["counter"], recount["id"], "SKU-2", 100, "A-02", 20)
    assert close(client, site["sup"], recount["id"])["state"] == "closed"
    original = client.get(f"/api/v1/counts/{count['id']}", headers=bearer(site["sup"])).get_json()
    assert original["state"] == "closed" and original["lines"][0]["status"] == "recount"
    assert level(client, site["boss"], "SKU-2", "A-02") == 100  # the first count's variance was never posted
    verify_clean(app)


def test_bad_count_requests_are_clear_4xx_and_change_nothing(client, site):
    sup = bearer(site["sup"])
    for body, status in (({}, 400), ({"locations": ["NOPE"]}, 404), ({"locations": ["WH1-Z"]}, 400),
                         ({"locations": "A-01"}, 400), ({"items": ["NOPE"]}, 404), ({"zone": "A-01"}, 404),
                         ({"locations": ["A-01"], "assign_to": "ghost"}, 404)):
        response = client.post("/api/v1/counts", json=body, headers=sup)
        assert response.status_code == status, (body, response.get_json())
        assert "code" in response.get_json()["error"]
    assert client.get("/api/v1/counts", headers=sup).get_json()["items"] == []
    assert client.get("/api/v1/counts?state=nonsense", headers=sup).status_code == 400
    assert client.post("/api/v1/counts/999/close", headers=sup).status_code == 404
    count = new_count(client, site["sup"], zone="WH1-Z")
    assert sorted(count["locations"]) == ["A-01", "A-02", "A-03", "A-04"]
    close(client, site["sup"], count["id"])
    again = client.post(f"/api/v1/counts/{count['id']}/close", headers=sup)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "count_not_open"


def test_an_item_count_freezes_the_bins_that_hold_it(client, site):
    count = new_count(client, site["sup"], items=["SKU-1"])
    assert sorted(count["locations"]) == ["A-01", "A-04"] and count["items"] == ["SKU-1"]
    assert {l["item"] for l in count["lines"]} == {"SKU-1"}


SYSTEM_KEYS = {"expected", "variance", "variance_pct", "value_cents", "at_freeze", "on_hand", "available", "reserved",
               "committed", "balance_after", "from_balance_after", "to_balance_after", "system_qty"}


def _keys(value) -> set:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_nothing_a_counter_can_read_shows_a_system_quantity(client, site):
    """Every GET the OpenAPI document lets a counter call, with real ids: no expected quantity, no system number."""
    import re

    boss = site["boss"]
    sync(client, boss, [scan("receive", "SKU-2", 4321 - 100, to="A-02", occurred_at=at(1))], device_id="boss-dev")
    assert level(client, boss, "SKU-2", "A-02") == 4321  # a number that appears nowhere else
    count = new_count(client, site["sup"], locations=["A-02"], assign_to="cory")
    count_scan(client, site["counter"], count["id"], "SKU-2", 17, "A-02", 5)
    other = new_count(client, site["sup"], locations=["A-03"])  # assigned to nobody: any counter may take it
    document = client.get("/api/v1/openapi.json").get_json()
    values = {"count_id": str(count["id"]), "id": str(count["id"]), "item": "SKU-2", "number": "SO-1", "line": "1"}
    called = []
    for state in ("counting", "needs_signoff", "closed"):
        for path, methods in document["paths"].items():
            operation = methods.get("get")
            if not operation or "counter" not in operation["x-roles"]:
                continue
            for query in ("", "?state=counting", "?limit=1000"):
                url = re.sub(r"{([a-z_]+)}", lambda m: values.get(m.group(1), "1"), path) + query
                response = client.get(url, headers=bearer(site["counter"]))
                assert response.status_code < 500, url
                called.append((state, url, response.status_code))
                body = response.get_data(as_text=True)
                assert "4321" not in body and "4304" not in body, f"{url} shows a system quantity: {body[:300]}"
                if response.is_json:
                    leaked = _keys(response.get_json()) & SYSTEM_KEYS
                    assert not leaked, f"{url} shows {leaked}"
        if state == "counting":
            close(client, site["sup"], count["id"])  # 17 of 4321: needs sign-off, blocked
        elif state == "needs_signoff":
            line = client.get(f"/api/v1/counts/{count['id']}", headers=bearer(site["sup"])).get_json()["lines"][0]
            assert line["expected"] == 4321
            client.post(f"/api/v1/counts/{count['id']}/lines/1/approve", json={"reason": "theft"},
                        headers=bearer(site["sup"]))
    paths = {url.split("?")[0] for _, url, _ in called}
    assert {"/api/v1/tasks", "/api/v1/counts", f"/api/v1/counts/{count['id']}", "/api/v1/catalog"} <= paths
    mine = client.get(f"/api/v1/counts/{count['id']}", headers=bearer(site["counter"])).get_json()
    assert mine["counted"] == [{"location": "A-02", "item": "SKU-2", "name": "Item 2", "lot": None, "qty": 17}]
    listed = client.get("/api/v1/counts", headers=bearer(site["counter"])).get_json()["items"]
    assert {c["id"] for c in listed} == {count["id"]}  # the list is theirs only, as CONTRACT.md says
    tasks = client.get("/api/v1/tasks", headers=bearer(site["counter"])).get_json()["tasks"]
    assert other["id"] in {t["id"] for t in tasks if t["kind"] == "count"}  # an unassigned count is offered as a task
    theirs = new_count(client, site["sup"], locations=["A-04"], assign_to="sam")
    hidden = client.get(f"/api/v1/counts/{theirs['id']}", headers=bearer(site["counter"]))
    assert hidden.status_code == 404  # someone else's count
    assert client.get("/api/v1/stock/SKU-2", headers=bearer(site["counter"])).status_code == 403


def test_the_variance_report_names_who_counted_and_who_approved_and_its_lines_match_the_api(app, client, site, tmp_path):
    import subprocess

    from tests.needs import tool

    pdftotext = tool("pdftotext", "poppler-utils")
    count = new_count(client, site["sup"], locations=["A-01", "A-03"], note="<b>year end</b> & audit")
    count_scan(client, site["counter"], count["id"], "SKU-1", 97, "A-01", 5)
    count_scan(client, site["counter"], count["id"], "SKU-3", 70, "A-03", 5)
    closed = close(client, site["sup"], count["id"])
    waiting = [l for l in closed["lines"] if l["status"] == "needs_signoff"]
    for line in waiting:
        response = client.post(f"/api/v1/counts/{count['id']}/lines/{line['line']}/approve",
                               json={"reason": "mis_pick", "note": "<i>wrong bin</i>"}, headers=bearer(site["sup"]))
        assert response.status_code == 200
    api_lines = client.get(f"/api/v1/counts/{count['id']}", headers=bearer(site["sup"])).get_json()["lines"]
    assert client.get(f"/api/v1/counts/{count['id']}/variance-report.pdf",
                      headers=bearer(site["counter"])).status_code == 403
    response = client.get(f"/api/v1/counts/{count['id']}/variance-report.pdf", headers=bearer(site["sup"]))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    report = subprocess.run([pdftotext, "-layout", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                            text=True).stdout
    assert "cory" in report and "sam" in report  # who counted, who approved
    reading = subprocess.run([pdftotext, "-raw", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                             text=True).stdout
    flat = " ".join(reading.split())  # a table cell may wrap
    assert "<b>year end</b> & audit" in flat and "<i>wrong bin</i>" in flat, flat  # text, not markup
    rows = [line for line in report.splitlines() if "SKU-" in line]
    assert len(rows) == len(api_lines) == 2
    for line in api_lines:
        [row] = [r for r in rows if line["item"] in r]
        value = f"{line['value_cents'] / 100:,.2f}"
        numbers = [line["expected"], line["counted"], line["variance"]]
        assert row.split()[0] == str(line["line"]) and line["location"] in row, row
        for number in numbers:
            assert f" {number} " in f" {row} ", (number, row)
        assert value in row and line["status"] in row, (value, row)
    # SKU-1: 97 of 100, 3 %, within tolerance: approved with no person; SKU-3: 70 of 100, signed off by sam
    assert [(l["item"], l["status"], l["approved_by"], l["value_cents"]) for l in api_lines] == [
        ("SKU-1", "approved", None, -975), ("SKU-3", "approved", "sam", 0)]


def test_abc_classes_come_from_the_value_of_issues_and_the_schedule_counts_a_weekly_b_monthly(app, client, site):
    from datetime import timedelta

    from webapp.domain.clock import utcnow
    from webapp.services.count_schedule import schedule_counts

    with db.engine.begin() as conn:
        conn.execute(text("UPDATE item SET unit_cost_cents = 100 WHERE sku IN ('SKU-2', 'SKU-3')"))
    # issues: SKU-1 40 × 3.25 = 130.00, SKU-2 8 × 1.00 = 8.00, SKU-3 1 × 1.00 = 1.00 → A, B, C
    recent = utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    results = sync(client, site["boss"], [scan("dispatch", "SKU-1", 40, from_="A-01", occurred_at=recent),
                                          scan("dispatch", "SKU-2", 8, from_="A-02", occurred_at=recent),
                                          scan("dispatch", "SKU-3", 1, from_="A-03", occurred_at=recent)],
                   device_id="boss-dev").get_json()["results"]
    assert all(r["status"] == "applied" for r in results), results
    runner = app.test_cli_runner()
    out = runner.invoke(args=["counts", "abc"])
    assert out.exit_code == 0 and "A 1, B 1, C 1" in out.output, out.output
    out = runner.invoke(args=["counts", "schedule"])
    assert out.exit_code == 0 and "counts scheduled: 3" in out.output, out.output  # never counted: all due
    assert runner.invoke(args=["counts", "schedule"]).output.startswith("counts scheduled: 0")  # bins being counted
    counts = client.get("/api/v1/counts", headers=bearer(site["sup"])).get_json()["items"]
    for count in counts:
        close(client, site["sup"], count["id"])
        for line in client.get(f"/api/v1/counts/{count['id']}", headers=bearer(site["sup"])).get_json()["lines"]:
            if line["status"] == "needs_signoff":
                client.post(f"/api/v1/counts/{count['id']}/lines/{line['line']}/approve", json={"reason": "other"},
                            headers=bearer(site["sup"]))
    # nobody scanned: every bin was counted empty and adjusted to 0; stock arrives again
    sync(client, site["boss"], [scan("receive", sku, 5, to="A-01") for sku in ("SKU-1", "SKU-2", "SKU-3")],
         device_id="boss-dev")
    with db.unit_of_work() as s:
        assert schedule_counts(s, utcnow() + timedelta(days=6)) == []
    with db.unit_of_work() as s:
        [weekly] = schedule_counts(s, utcnow() + timedelta(days=8))
    assert client.get(f"/api/v1/counts/{weekly}", headers=bearer(site["sup"])).get_json()["items"] == ["SKU-1"]
    verify_clean(app)


def test_a_supervisor_sees_the_bins_recent_movements_from_a_count_line(client, site):
    count = new_count(client, site["sup"], locations=["A-01"])
    sync(client, site["boss"], [scan("transfer", "SKU-1", 4, from_="A-01", to="A-02", occurred_at=at(3))],
         device_id="boss-dev")
    count_scan(client, site["counter"], count["id"], "SKU-1", 90, "A-01", 5)
    [line] = close(client, site["sup"], count["id"])["lines"]
    history = client.get(f"/api/v1/counts/{count['id']}/lines/{line['line']}/movements", headers=bearer(site["sup"]))
    assert history.status_code == 200
    rows = history.get_json()["movements"]
    assert [(m["kind"], m["change"]) for m in rows] == [("count", 0), ("transfer", -4), ("receive", 100)]
    assert "location_frozen" in rows[1]["flags"]
    assert client.get(f"/api/v1/counts/{count['id']}/lines/9/movements", headers=bearer(site["sup"])).status_code == 404


def test_a_count_scan_no_open_count_waits_for_is_applied_and_flagged_for_the_supervisor(client, site):
    count = new_count(client, site["sup"], locations=["A-01"])
    on_time = count_scan(client, site["counter"], count["id"], "SKU-1", 100, "A-01", 5)
    elsewhere = count_scan(client, site["counter"], count["id"], "SKU-2", 100, "A-02", 5)
    close(client, site["sup"], count["id"])
    late = count_scan(client, site["counter"], count["id"], "SKU-1", 1, "A-01", 6)  # synced after the close
    no_count = count_scan(client, site["counter"], "CNT-9", "SKU-1", 1, "A-01", 7)
    assert on_time["flags"] == []
    assert all("count_not_open" in r["flags"] for r in (elsewhere, late, no_count))
    exceptions = client.get("/api/v1/exceptions", headers=bearer(site["sup"])).get_json()["items"]
    assert sum(e["code"] == "count_not_open" for e in exceptions) == 3


def test_open_count_tasks_from_before_counts_existed_become_frozen_counts_on_upgrade(database_url):
    from sqlalchemy import create_engine

    from webapp.db.migrate import downgrade, upgrade

    downgrade(database_url, "0004")
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO location (id, code, kind, name, timezone, temperature, level, walk_key, frozen, "
                          "created_at) VALUES (1, 'WH1', 'warehouse', '', 'UTC', '', 0, '', :no, CURRENT_TIMESTAMP)"), {"no": False})
        conn.execute(text("INSERT INTO location (id, code, kind, name, parent_id, warehouse_id, timezone, temperature, level, "
                          "walk_key, frozen, created_at) VALUES (2, 'A-01', 'bin', '', 1, 1, 'UTC', '', 0, '', :no, "
                          "CURRENT_TIMESTAMP)"), {"no": False})
        conn.execute(text("INSERT INTO item (id, sku, name, base_uom, unit_cost_cents, reorder_point, reorder_qty, "
                          "safety_stock, abc_class, temperature, lot_tracked, created_at) VALUES (1, 'SKU-1', 'One', 'EA', "
                          "0, 0, 0, 0, 'C', 'ambient', :no, CURRENT_TIMESTAMP)"), {"no": False})
        conn.execute(text("INSERT INTO stock_level (item_id, location_id, lot, warehouse_id, expiry, qty) "
                          "VALUES (1, 2, '', 1, '', 7)"))
        for reason in ("short pick for SO-1", "short pick for SO-2"):
            conn.execute(text("INSERT INTO count_task (location_id, item_id, reason, status, created_at) "
                              "VALUES (2, 1, :r, 'open', CURRENT_TIMESTAMP)"), {"r": reason})
    upgrade(database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT state, origin, note FROM stock_count")).all() == [
            ("counting", "short_pick", "short pick for SO-1")]  # one count per bin
        assert conn.execute(text("SELECT line_no, item_id, at_freeze FROM count_line")).all() == [(1, 1, 7)]
        assert conn.execute(text("SELECT frozen FROM location WHERE code = 'A-01'")).scalar() in (True, 1)
        assert {s for (s,) in conn.execute(text("SELECT status FROM count_task"))} == {"converted"}
    from sqlalchemy.orm import Session

    from webapp.db.count_tables import StockCount

    with Session(engine) as session:  # the app reads what the migration wrote
        assert session.get(StockCount, 1).created_at.tzinfo is not None
    engine.dispose()


def test_a_lot_frozen_in_a_bin_is_counted_by_scans_that_name_no_lot(app, client, site):
    sync(client, site["boss"], [scan("receive", "SKU-2", 40, to="DOCK-1", lot="L7", occurred_at=at(0))],
         device_id="boss-dev")
    count = new_count(client, site["sup"], locations=["DOCK-1"])
    count_scan(client, site["both"], count["id"], "SKU-2", 30, "DOCK-1", 5, device="bea-dev")  # no lot on the label
    [line] = close(client, site["sup"], count["id"])["lines"]
    assert (line["lot"], line["expected"], line["counted"], line["counted_by"]) == ("L7", 40, 30, "bea")
    own = client.post(f"/api/v1/counts/{count['id']}/lines/1/approve", json={"reason": "damage"},
                      headers=bearer(site["both"]))
    assert own.status_code == 403 and own.get_json()["error"]["code"] == "four_eyes"  # the remapped line is still hers
    assert client.post(f"/api/v1/counts/{count['id']}/lines/1/approve", json={"reason": "damage"},
                       headers=bearer(site["sup"])).status_code == 200
    assert level(client, site["boss"], "SKU-2", "DOCK-1") == 30
    verify_clean(app)
