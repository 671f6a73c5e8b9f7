"""Reports against a small hand-built ledger, on SQLite and PostgreSQL, as JSON and as spreadsheet-safe CSV.

The ledger (WH1 is London; bins A-01..A-04 are in zone WH1-Z, the dock is in no zone):
  2026-05-01 receive SKU-3 ×5 → A-03      (cost 10.00; nothing since: a slow mover)
  2026-09-10 receive SKU-1 ×40 → A-01     (cost 2.50)
  2026-09-10 receive SKU-2 ×10 → DOCK-1   (cost 1.00)
  2026-10-15 dispatch SKU-1 ×10 from A-01
  2026-11-05 dispatch SKU-1 ×6 from A-01
  2026-11-20 dispatch SKU-2 ×12 from DOCK-1 (two more than it held: −2 there)
"""
import csv
import io
from datetime import datetime, timezone

import pytest

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, sync, verify_clean
from webapp.extensions import db
from webapp.services import reports

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
EVIL_NAME = '=HYPERLINK("http://evil.example","Click")'


@pytest.fixture
def ledger(client, make_user, app):
    small_warehouse()
    admin, boss = make_user("ada", "admin"), make_user("boss", "supervisor")
    for sku, fields in (("SKU-1", {"unit_cost": 2.5, "category": "fasteners", "reorder_point": 30, "supplier": "SUP"}),
                        ("SKU-2", {"unit_cost": 1, "category": "fasteners"}),
                        ("SKU-3", {"unit_cost": 10, "category": "@tools", "name": EVIL_NAME})):
        assert client.patch(f"/api/v1/items/{sku}", json=fields, headers=bearer(admin)).status_code == 200
    moved = sync(client, boss, [
        scan("receive", "SKU-3", 5, to="A-03", occurred_at="2026-05-01T10:00:00Z"),
        scan("receive", "SKU-1", 40, to="A-01", occurred_at="2026-09-10T10:00:00Z"),
        scan("receive", "SKU-2", 10, to="DOCK-1", occurred_at="2026-09-10T10:00:00Z"),
        scan("dispatch", "SKU-1", 10, from_="A-01", occurred_at="2026-10-15T10:00:00Z"),
        scan("dispatch", "SKU-1", 6, from_="A-01", occurred_at="2026-11-05T10:00:00Z"),
        scan("dispatch", "SKU-2", 12, from_="DOCK-1", occurred_at="2026-11-20T10:00:00Z")])
    assert [r["status"] for r in moved.get_json()["results"]] == ["applied"] * 6, moved.get_json()
    verify_clean(app)
    return boss


def _rows(client, token, name, **query):
    response = client.get(f"/api/v1/reports/{name}", query_string=query, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return [{k: v for k, v in row.items() if k != "warehouse"} for row in response.get_json()["rows"]]


def test_inventory_value_by_category_and_by_zone_is_on_hand_times_unit_cost(client, ledger):
    assert _rows(client, ledger, "inventory-value-by-category") == [
        {"category": "@tools", "on_hand": 5, "value": "50.00", "value_cents": 5000},
        {"category": "fasteners", "on_hand": 22, "value": "58.00", "value_cents": 5800}]  # 24 × 2.50 − 2 × 1.00
    assert _rows(client, ledger, "inventory-value-by-zone") == [
        {"zone": "(no zone)", "on_hand": -2, "value": "-2.00", "value_cents": -200},
        {"zone": "WH1-Z", "on_hand": 29, "value": "110.00", "value_cents": 11000}]


def test_below_reorder_point_and_negative_stock_come_from_the_ledger(client, ledger):
    assert _rows(client, ledger, "below-reorder-point") == [
        {"item": "SKU-1", "supplier": "SUP", "available": 24, "in_transit": 0, "reorder_point": 30, "suggested_qty": 7},
        {"item": "SKU-2", "supplier": None, "available": -2, "in_transit": 0, "reorder_point": 0, "suggested_qty": 3}]
    assert _rows(client, ledger, "negative-stock") == [
        {"location": "DOCK-1", "item": "SKU-2", "name": "Item 2", "lot": "", "qty": -2}]


def test_slow_movers_are_items_holding_stock_that_nothing_moved_for_the_given_days(app, ledger):
    with db.unit_of_work() as s:
        ninety = reports.slow_movers(s, 90, now=NOW)["rows"]
        ten = reports.slow_movers(s, 10, now=NOW)["rows"]
    assert [(r["item"], r["on_hand"], r["value"], r["last_movement_at"]) for r in ninety] == [
        ("SKU-3", 5, "50.00", "2026-05-01T10:00:00.000000Z")]
    # SKU-1 last moved 22 days ago; SKU-2 holds nothing (−2), so it is no slow mover.
    assert [r["item"] for r in ten] == ["SKU-3", "SKU-1"]


def test_monthly_turnover_is_issues_at_cost_over_the_months_average_stock(app, ledger):
    with db.unit_of_work() as s:
        rows = reports.monthly_turnover(s, 3, now=NOW)["rows"]
    assert [(r["month"], r["issued_units"], r["issued_value"], r["opening_value"], r["closing_value"],
             r["turnover"]) for r in rows] == [
        ("2026-09", 0, "0.00", "50.00", "160.00", 0.0),
        ("2026-10", 10, "25.00", "160.00", "135.00", 0.17),  # 25 / 147.50
        ("2026-11", 18, "27.00", "135.00", "108.00", 0.22)]  # (15 + 12) / 121.50


def test_each_report_downloads_as_csv_with_formula_cells_defused(client, ledger):
    by_param = client.get("/api/v1/reports/slow-movers?format=csv&days=90", headers=bearer(ledger))
    assert by_param.status_code == 200 and by_param.mimetype == "text/csv"
    assert "attachment" in by_param.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(by_param.get_data(as_text=True))))
    assert table[0] == ["Warehouse", "Item", "Name", "On hand", "Value", "Last movement"]
    assert table[1][:5] == ["WH1", "SKU-3", "'" + EVIL_NAME, "5", "50.00"]
    by_accept = client.get("/api/v1/reports/inventory-value-by-category",
                           headers={**bearer(ledger), "Accept": "text/csv"})
    assert by_accept.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(by_accept.get_data(as_text=True))))[1:] == [
        ["WH1", "'@tools", "5", "50.00"], ["WH1", "fasteners", "22", "58.00"]]
    negative = client.get("/api/v1/reports/negative-stock?format=csv", headers=bearer(ledger)).get_data(as_text=True)
    assert list(csv.reader(io.StringIO(negative)))[1] == ["WH1", "DOCK-1", "SKU-2", "Item 2", "", "-2"]
    for name in ("inventory-value-by-zone", "below-reorder-point", "monthly-turnover"):
        response = client.get(f"/api/v1/reports/{name}?format=csv", headers=bearer(ledger))
        assert response.status_code == 200 and response.mimetype == "text/csv", name


def test_a_bad_report_parameter_is_a_400_and_a_picker_may_not_read_reports(client, ledger, make_user):
    for query in ("days=0", "days=ninety", "format=xlsx"):
        response = client.get(f"/api/v1/reports/slow-movers?{query}", headers=bearer(ledger))
        assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid_field"), query
    assert client.get("/api/v1/reports/negative-stock?warehouse=NOPE",
                      headers=bearer(ledger)).get_json()["error"]["code"] == "unknown_warehouse"
    picker = make_user("pia", "picker")
    assert client.get("/api/v1/reports/negative-stock", headers=bearer(picker)).status_code == 403
