"""Supervisor and admin corrections: stock adjustments (never an edit of a quantity) and devices."""

from flask import jsonify
from flask_login import current_user

from webapp.domain.clock import format_instant
from webapp.domain.ledger import content_digest
from webapp.domain.roles import ADMIN, SUPERVISORS
from webapp.extensions import db
from webapp.services import adjustments
from webapp.services.users import update_device
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
        "corrects_seq": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1, "description": "the movement this one corrects"},
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
    if corrects is not None and not 1 <= corrects <= 2**63 - 1:
        raise ApiError(400, "invalid_field", "corrects_seq is the seq of an existing movement", field="corrects_seq")
    with db.unit_of_work() as s:
        result = adjustments.post_adjustment(s, adjustments.Adjustment(
            item=field(body, "item", str, max_len=64), location=field(body, "location", str, max_len=64), qty=qty,
            reason=reason, lot=lot, corrects_seq=corrects), current_user.id, content_digest(body))
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
        device = update_device(s, device_id, name=name, status=status)
        result = {"id": device.id, "name": device.name, "status": device.status,
                  "last_seen_at": format_instant(device.last_seen_at), "last_device_seq": device.last_device_seq}
    return jsonify(result)
