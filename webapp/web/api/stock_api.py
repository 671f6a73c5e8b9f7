"""Stock reads (the five numbers, lots and expiry) and reservations."""
import re
from typing import Annotated

from flask import current_app, jsonify, request
from flask_login import current_user

from webapp.domain.roles import ORDER_MANAGERS, STOCK_READERS
from webapp.extensions import db
from pydantic import Field

from webapp.domain.clock import parse_instant, utcnow
from webapp.domain.expiry import MAX_DAYS
from webapp.services import reservation_expiry, reservations, settings
from webapp.services.catalogue import find_item, resolve_warehouse
from webapp.services.expiring import expiring_stock
from webapp.services.stock import stock_report
from webapp.web.api import api
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import Body, OptionalText, Quantity, Text
from webapp.web.errors import ApiError

class NewReservation(Body):
    item: Text(64, description="SKU or any barcode")
    qty: Quantity(1, 10_000_000, description="in the scanned unit (a case barcode counts cases)")
    ref: Text(64)
    warehouse: OptionalText(64) | None = None
    expires_at: Annotated[str, Field(max_length=40, json_schema_extra={"format": "date-time"},
                                     description="released by the server after this (default: the "
                                                 "reservation_expiry_minutes setting; 0 there: never)")] | None = None


@api_endpoint(api, "/stock/<item>", "GET", roles=STOCK_READERS,
              summary="The five numbers for an item (by SKU or any barcode), exact at the time of the request",
              parameters=[{"name": "warehouse", "in": "query", "schema": {"type": "string", "maxLength": 64}}],
              responses={"200": "on_hand, reserved, committed, in_transit, available, locations (each with its lots and expiry)"})
def get_stock(item: str):
    warehouse = request.args.get("warehouse") or None
    with db.unit_of_work() as s:
        report = stock_report(s, item, warehouse)
    return jsonify(report)


@api_endpoint(api, "/expiring", "GET", roles=STOCK_READERS,
              summary="Stock whose lot expires within N days (expired included), soonest first, per location",
              parameters=[{"name": "days", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": MAX_DAYS},
                           "description": "how far ahead, in days (default 30; 0: today)"},
                          {"name": "warehouse", "in": "query", "schema": {"type": "string", "maxLength": 64}}],
              responses={"200": "items: item, name, warehouse, location, lot, expiry, days_left, qty"})
def get_expiring():
    days = request.args.get("days", "30")
    if not re.fullmatch(r"[0-9]{1,4}", days) or int(days) > MAX_DAYS:
        raise ApiError(400, "invalid_field", f"days is a whole number from 0 to {MAX_DAYS}", field="days")
    warehouse = request.args.get("warehouse") or None
    if warehouse is not None and len(warehouse) > 64:
        raise ApiError(400, "invalid_field", "warehouse is longer than 64 characters", field="warehouse")
    with db.unit_of_work() as s:
        report = expiring_stock(s, int(days), utcnow().date(), warehouse)
    return jsonify(report)


@api_endpoint(api, "/reservations", "POST", roles=ORDER_MANAGERS, summary="Reserve stock atomically",
              body=NewReservation, idempotent=True, responses={"201": "reserved", "409": "insufficient_stock"})
def create_reservation(body: NewReservation):
    try:
        requested_expiry = parse_instant(body.expires_at) if body.expires_at is not None else None
    except ValueError as err:
        raise ApiError(400, "invalid_field", f"expires_at: {err}", field="expires_at") from None
    with db.unit_of_work() as s:
        reservation_expiry.expire_due(s)  # what is due goes back before anything is promised again
        expires_at = reservation_expiry.expires_at_for(
            requested_expiry, settings.value(s, "reservation_expiry_minutes", current_app.config), utcnow())
        scanned = find_item(s, body.item)
        if scanned is None:
            raise ApiError(404, "unknown_item", f"no item {body.item}")
        warehouse = resolve_warehouse(s, body.warehouse or None)
        reservation = reservations.reserve(s, scanned.item.id, warehouse.id, scanned.to_base(body.qty), body.ref,
                                           user_id=current_user.id, expires_at=expires_at)
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
        reservation_expiry.expire_due(s)
        result = reservations.get_reservation(s, reservation_id)
    return jsonify(result)
