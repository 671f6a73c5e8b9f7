"""The supervisor's dashboard: its aggregates in one read, the alerts with acknowledge, and reconcile of a SKU
or a zone. Reading the dashboard or the alerts first checks for new alerts (no process of its own does)."""
from flask import current_app, jsonify, request
from flask_login import current_user

from webapp.domain.roles import SUPERVISORS
from webapp.extensions import db
from webapp.services import alerts, dashboard, reconcile
from webapp.services.catalogue import resolve_warehouse
from webapp.services.webhook import SENDER
from webapp.web.api import api
from webapp.web.api.body import PAGING_PARAMETERS, page_args
from webapp.web.api.registry import api_endpoint
from webapp.web.errors import ApiError

CODE_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"^[^\x00]*$"}
WAREHOUSE_PARAMETER = {"name": "warehouse", "in": "query", "schema": CODE_SCHEMA,
                       "description": "a warehouse code (needed when there are several)"}
DASHBOARD_WAREHOUSE = {**WAREHOUSE_PARAMETER, "description": "a warehouse code; none: every warehouse together"}


def _code(name: str) -> str | None:
    """An optional code in the query; named but empty is a 400, as the schema says (minLength 1)."""
    if name not in request.args:
        return None
    value = request.args[name]
    if not value or len(value) > 64 or "\x00" in value:
        raise ApiError(400, "invalid_field", f"{name} is a code of 1 to 64 characters", field=name)
    return value.strip() or None


def check_alerts() -> None:
    """New alerts are stored and published now; their webhook posts go out after the commit, in the background."""
    with db.unit_of_work() as s:
        raised = alerts.check(s, current_app.config)
    if any(alert.webhook_state == "pending" for alert in raised):
        SENDER.kick(db, current_app.config)


@api_endpoint(api, "/dashboard", "GET", roles=SUPERVISORS,
              summary="The supervisor dashboard in one read: orders by state with the stuck ones, exceptions and "
                      "rejects, zone heat map, 24-hour dispatch trend, discrepancy summary, open alerts, "
                      "last_seq to subscribe to /api/v1/live from, and the warehouses to pick from; no warehouse "
                      "named: all of them together",
              parameters=[DASHBOARD_WAREHOUSE], responses={"200": "the dashboard", "404": "unknown_warehouse"})
def get_dashboard():
    code = _code("warehouse")
    if code:
        with db.read_snapshot() as s:
            resolve_warehouse(s, code)  # a wrong warehouse is a 4xx before anything is written
    check_alerts()
    with db.read_snapshot() as s:
        result = dashboard.dashboard(s, resolve_warehouse(s, code) if code else None, current_app.config)
    return jsonify(result)


@api_endpoint(api, "/alerts", "GET", roles=SUPERVISORS,
              summary="Alerts, newest first: stuck orders, discrepancies past tolerance, negative stock, blocked "
                      "devices; open ones only unless ?all=true",
              parameters=PAGING_PARAMETERS + [WAREHOUSE_PARAMETER,
                                              {"name": "all", "in": "query", "schema": {"enum": ["true", "false"]}}],
              responses={"200": "a page of alerts"})
def list_alerts():
    before, limit = page_args()
    code = _code("warehouse")
    show_all = request.args.get("all", "false")
    if show_all not in ("true", "false"):
        raise ApiError(400, "invalid_field", "all is true or false", field="all")
    with db.read_snapshot() as s:
        warehouse_id = resolve_warehouse(s, code).id if code else None
    check_alerts()
    with db.unit_of_work() as s:
        page = alerts.list_alerts(s, warehouse_id=warehouse_id, include_acknowledged=show_all == "true",
                                  before=before, limit=limit)
    return jsonify(page)


@api_endpoint(api, "/alerts/<int:alert_id>/acknowledge", "POST", roles=SUPERVISORS,
              summary="Acknowledge an alert (who and when are recorded; no body)",
              responses={"200": "the alert", "404": "not_found", "409": "already_acknowledged"})
def acknowledge_alert(alert_id: int):
    with db.unit_of_work() as s:
        alert = alerts.acknowledge(s, alert_id, current_user.id)
        answer = alerts.alert_json(alert, current_user.username)
    return jsonify(answer)


RECONCILE_RESPONSES = {"200": "the result: ok, problems, and the count to offer (the body of POST /api/v1/counts)"}


@api_endpoint(api, "/reconcile/items/<item>", "GET", roles=SUPERVISORS,
              summary="Verify one item's hash chains and projection against the ledger now (a SKU or any barcode)",
              responses={**RECONCILE_RESPONSES, "404": "unknown_item"})
def reconcile_item(item: str):
    with db.read_snapshot() as s:
        result = reconcile.reconcile(s, item=item)
    return jsonify(result)


@api_endpoint(api, "/reconcile/zones/<zone>", "GET", roles=SUPERVISORS,
              summary="Verify the hash chains and projection of every item in one zone against the ledger now",
              responses={**RECONCILE_RESPONSES, "404": "unknown_zone"})
def reconcile_zone(zone: str):
    with db.read_snapshot() as s:
        result = reconcile.reconcile(s, zone=zone)
    return jsonify(result)
