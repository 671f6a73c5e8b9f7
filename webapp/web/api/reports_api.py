"""Reports from the ledger over the API: each as JSON, or as CSV with `?format=csv` or `Accept: text/csv`."""
import re

from flask import Response, jsonify, request

from webapp.domain.reports import Column, to_csv
from webapp.domain.roles import ADMIN, SUPERVISOR
from webapp.extensions import db
from webapp.services import reports
from webapp.web.api import api
from webapp.web.api.registry import api_endpoint
from webapp.web.errors import ApiError

READERS = (SUPERVISOR, ADMIN)
COMMON = [{"name": "warehouse", "in": "query", "schema": {"type": "string", "maxLength": 64},
           "description": "one warehouse (default: every warehouse)"},
          {"name": "format", "in": "query", "schema": {"enum": ["json", "csv"]},
           "description": "csv: a spreadsheet-safe CSV file (also with Accept: text/csv)"}]
DAYS = {"name": "days", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 3650},
        "description": "no movement for this many days (default 90)"}
MONTHS = {"name": "months", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 36},
          "description": "how many calendar months, this one included (default 12)"}


def _whole_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"[0-9]{1,5}", raw) or not low <= int(raw) <= high:
        raise ApiError(400, "invalid_field", f"{name} is a whole number from {low} to {high}", field=name)
    return int(raw)


def _wants_csv() -> bool:
    wanted = request.args.get("format")
    if wanted not in (None, "", "json", "csv"):
        raise ApiError(400, "invalid_field", "format is json or csv", field="format")
    if wanted:
        return wanted == "csv"
    return request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"


def _answer(report: dict):
    if not _wants_csv():
        return jsonify(report)
    columns = [Column(c["key"], c["label"]) for c in report["columns"]]
    response = Response(to_csv(columns, report["rows"]), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{report["report"]}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _run(name: str, **params):
    with db.unit_of_work() as s:
        report = reports.REPORTS[name](s, warehouse=request.args.get("warehouse") or None, **params)
    return _answer(report)


CSV_OR_JSON = {"200": "the report: columns and rows (JSON), or text/csv", "404": "unknown_warehouse"}


@api_endpoint(api, "/reports/inventory-value-by-category", "GET", roles=READERS, parameters=COMMON,
              summary="Inventory value by category: on hand × unit cost", responses=CSV_OR_JSON)
def report_value_by_category():
    return _run("inventory-value-by-category")


@api_endpoint(api, "/reports/inventory-value-by-zone", "GET", roles=READERS, parameters=COMMON,
              summary="Inventory value by zone: on hand × unit cost, per zone of the locations holding it",
              responses=CSV_OR_JSON)
def report_value_by_zone():
    return _run("inventory-value-by-zone")


@api_endpoint(api, "/reports/slow-movers", "GET", roles=READERS, parameters=[DAYS, *COMMON],
              summary="Slow movers: items holding stock with no movement for N days", responses=CSV_OR_JSON)
def report_slow_movers():
    return _run("slow-movers", days=_whole_arg("days", 90, 1, 3650))


@api_endpoint(api, "/reports/below-reorder-point", "GET", roles=READERS, parameters=COMMON,
              summary="Items whose available + in transit is below their reorder point", responses=CSV_OR_JSON)
def report_below_reorder_point():
    return _run("below-reorder-point")


@api_endpoint(api, "/reports/negative-stock", "GET", roles=READERS, parameters=COMMON,
              summary="Locations holding a negative quantity of an item", responses=CSV_OR_JSON)
def report_negative_stock():
    return _run("negative-stock")


@api_endpoint(api, "/reports/monthly-turnover", "GET", roles=READERS, parameters=[MONTHS, *COMMON],
              summary="Monthly turnover: issues at cost / average stock at cost, per calendar month of the warehouse",
              responses=CSV_OR_JSON)
def report_monthly_turnover():
    return _run("monthly-turnover", months=_whole_arg("months", 12, 1, 36))
