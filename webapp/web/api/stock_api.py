"""Stock reads and reservations."""
from flask import jsonify, request
from flask_login import current_user

from webapp.domain.roles import ORDER_MANAGERS, STOCK_READERS
from webapp.extensions import db
from webapp.services import reservations
from webapp.services.catalogue import find_item, resolve_warehouse
from webapp.services.stock import stock_report
from webapp.web.api import api
from webapp.web.api.body import field, json_body, positive_int
from webapp.web.api.registry import api_endpoint
from webapp.web.errors import ApiError

RESERVATION_SCHEMA = {
    "type": "object",
    "required": ["item", "qty", "ref"],
    "properties": {
        "item": {"type": "string", "minLength": 1, "maxLength": 64},
        "qty": {"type": "integer", "minimum": 1, "maximum": 10000000},
        "ref": {"type": "string", "minLength": 1, "maxLength": 64},
        "warehouse": {"type": "string", "maxLength": 64},
    },
}


@api_endpoint(api, "/stock/<item>", "GET", roles=STOCK_READERS,
              summary="The five numbers for an item (by SKU or any barcode), exact at the time of the request",
              parameters=[{"name": "warehouse", "in": "query", "schema": {"type": "string", "maxLength": 64}}],
              responses={"200": "on_hand, reserved, committed, in_transit, available, locations"})
def get_stock(item: str):
    warehouse = request.args.get("warehouse") or None
    with db.unit_of_work() as s:
        report = stock_report(s, item, warehouse)
    return jsonify(report)


@api_endpoint(api, "/reservations", "POST", roles=ORDER_MANAGERS, summary="Reserve stock atomically",
              request_schema=RESERVATION_SCHEMA, responses={"201": "reserved", "409": "insufficient_stock"},
              idempotent=True)
def create_reservation():
    body = json_body()
    code = field(body, "item", str, max_len=64)
    qty = positive_int(body, "qty", maximum=10_000_000)
    ref = field(body, "ref", str, max_len=64)
    warehouse_code = field(body, "warehouse", str, required=False, max_len=64)
    with db.unit_of_work() as s:
        scanned = find_item(s, code)
        if scanned is None:
            raise ApiError(404, "unknown_item", f"no item {code}")
        warehouse = resolve_warehouse(s, warehouse_code)
        reservation = reservations.reserve(s, scanned.item.id, warehouse.id, scanned.to_base(qty), ref,
                                           user_id=current_user.id)
        result = reservations.reservation_json(reservation, scanned.item.sku, warehouse.code)
    return jsonify(result), 201


@api_endpoint(api, "/reservations/<int:reservation_id>", "DELETE", roles=ORDER_MANAGERS,
              summary="Release what is still reserved", responses={"204": "released", "409": "reservation_owned_by_order"})
def delete_reservation(reservation_id: int):
    with db.unit_of_work() as s:
        reservations.release_standalone(s, reservation_id)
    return "", 204


@api_endpoint(api, "/reservations/<int:reservation_id>", "GET", roles=ORDER_MANAGERS, summary="One reservation",
              responses={"200": "the reservation"})
def get_reservation(reservation_id: int):
    with db.unit_of_work() as s:
        result = reservations.get_reservation(s, reservation_id)
    return jsonify(result)
