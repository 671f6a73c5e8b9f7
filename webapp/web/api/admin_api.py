"""Supervisor and admin corrections: stock adjustments (never an edit of a quantity) and devices."""
import uuid

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select

from webapp.db.ledger_tables import Movement
from webapp.db.models import Device
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.ledger import content_digest
from webapp.domain.roles import ADMIN, SUPERVISORS
from webapp.extensions import db
from webapp.services.catalogue import find_item, find_location
from webapp.services.floor_effects import apply_floor_effects
from webapp.services.ledger import MovementInput, post_movement
from webapp.web.api import api
from webapp.web.api.body import field, json_body
from webapp.web.api.registry import api_endpoint
from webapp.web.errors import ApiError

ADJUSTMENT_SCHEMA = {
    "type": "object",
    "required": ["item", "location", "qty", "reason"],
    "properties": {
        "item": {"type": "string", "minLength": 1, "maxLength": 64},
        "location": {"type": "string", "minLength": 1, "maxLength": 64},
        "qty": {"type": "integer", "minimum": -1000000, "maximum": 1000000, "not": {"const": 0},
                "description": "signed base units: positive adds, negative removes"},
        "reason": {"type": "string", "minLength": 1, "maxLength": 200},
        "lot": {"type": "string", "maxLength": 64},
        "corrects_seq": {"type": "integer", "minimum": 1, "maximum": 2147483647, "description": "the movement this one corrects"},
    },
}
DEVICE_SCHEMA = {"type": "object", "properties": {"name": {"type": "string", "maxLength": 120},
                                                  "status": {"enum": ["active", "retired", "blocked"]}}}


@api_endpoint(api, "/adjustments", "POST", roles=SUPERVISORS,
              summary="Post a positive or negative stock adjustment with a reason (optionally correcting a movement)",
              request_schema=ADJUSTMENT_SCHEMA, responses={"201": "the adjustment movement"})
def post_adjustment():
    body = json_body()
    qty = field(body, "qty", int)
    if qty == 0 or abs(qty) > 1_000_000:
        raise ApiError(400, "invalid_quantity", "qty is a non-zero whole number from -1000000 to 1000000", field="qty")
    reason = field(body, "reason", str, max_len=200)
    lot = field(body, "lot", str, required=False, default="", max_len=64)
    corrects = field(body, "corrects_seq", int, required=False)
    if corrects is not None and not 1 <= corrects <= 2**31 - 1:
        raise ApiError(400, "invalid_field", "corrects_seq is the seq of an existing movement", field="corrects_seq")
    with db.unit_of_work() as s:
        scanned = find_item(s, field(body, "item", str, max_len=64))
        if scanned is None:
            raise ApiError(404, "unknown_item", f"no item {body['item']}")
        location = find_location(s, field(body, "location", str, max_len=64))
        if location is None or location.kind in ("warehouse", "zone", "aisle"):
            raise ApiError(404, "unknown_location", f"no stock location {body['location']}")
        if corrects is not None and s.scalar(select(Movement.seq).where(Movement.seq == corrects)) is None:
            raise ApiError(404, "unknown_movement", f"no movement with seq {corrects}")
        kind = "adjust_in" if qty > 0 else "adjust_out"
        movement = post_movement(s, MovementInput(
            id=f"adj-{uuid.uuid4()}", kind=kind, item_id=scanned.item.id, warehouse_id=location.warehouse_id,
            qty_base=scanned.to_base(abs(qty)), qty_scanned=abs(qty), uom=scanned.uom,
            to_location=location if qty > 0 else None, from_location=location if qty < 0 else None, lot=lot,
            reason=reason, corrects_seq=corrects, scanned_by_id=current_user.id, sent_by_id=current_user.id,
            occurred_at=utcnow(), content_hash=content_digest(body)), before_append=apply_floor_effects(s))
        result = {"id": movement.id, "seq": movement.seq, "kind": kind, "qty_base": movement.qty_base,
                  "balance_after": movement.to_balance_after if qty > 0 else movement.from_balance_after,
                  "corrects_seq": corrects, "flags": [f for f in movement.flags.split(",") if f]}
    return jsonify(result), 201


@api_endpoint(api, "/devices/<device_id>", "PATCH", roles=(ADMIN,), summary="Name, retire or block a device",
              request_schema=DEVICE_SCHEMA, responses={"200": "the device"})
def patch_device(device_id: str):
    body = json_body()
    name = field(body, "name", str, required=False, max_len=120)
    status = field(body, "status", str, required=False, max_len=16)
    if status is not None and status not in ("active", "retired", "blocked"):
        raise ApiError(400, "invalid_field", "status is active, retired or blocked", field="status")
    with db.unit_of_work() as s:
        device = s.get(Device, device_id)
        if device is None:
            raise ApiError(404, "unknown_device", f"no device {device_id}")
        if name is not None:
            device.name = name
        if status is not None:
            device.status = status
        result = {"id": device.id, "name": device.name, "status": device.status,
                  "last_seen_at": format_instant(device.last_seen_at), "last_device_seq": device.last_device_seq}
    return jsonify(result)
