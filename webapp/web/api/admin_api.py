"""Supervisor and admin corrections: stock adjustments (never an edit of a quantity) and devices."""

from typing import Annotated

from flask import jsonify
from flask_login import current_user
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from webapp.domain.ledger import content_digest
from webapp.domain.roles import ADMIN, SUPERVISORS
from webapp.extensions import db
from webapp.services import adjustments, devices
from webapp.services.users import update_device
from webapp.web.api import api
from webapp.web.api.body import PAGING_PARAMETERS, page_args
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import Body, Choice, OptionalText, Quantity, Text, WholeNumber

def _not_zero(qty: int) -> int:
    if qty == 0:
        raise PydanticCustomError("invalid_quantity", "must not be 0: positive adds, negative removes")
    return qty


class NewAdjustment(Body):
    item: Text(64)
    location: Text(64)
    qty: Annotated[Quantity(-1_000_000, 1_000_000, description="signed base units: positive adds, negative removes"),
                   AfterValidator(_not_zero), Field(json_schema_extra={"not": {"const": 0}})]
    reason: Text(200)
    lot: OptionalText(64) = ""
    corrects_seq: WholeNumber(1, 2**63 - 1, description="the movement this one corrects") | None = None


class DeviceChange(Body):
    name: OptionalText(120) | None = None
    status: Choice(("active", "retired", "blocked")) | None = None


@api_endpoint(api, "/adjustments", "POST", roles=SUPERVISORS,
              summary="Post a positive or negative stock adjustment with a reason (optionally correcting a movement)",
              body=NewAdjustment, idempotent=True, responses={"201": "the adjustment movement"})
def post_adjustment(body: NewAdjustment):
    with db.unit_of_work() as s:
        result = adjustments.post_adjustment(s, adjustments.Adjustment(
            item=body.item, location=body.location, qty=body.qty, reason=body.reason, lot=body.lot,
            corrects_seq=body.corrects_seq), current_user.id, content_digest(body.model_dump(exclude_unset=True)))
    return jsonify(result), 201


@api_endpoint(api, "/devices/<device_id>", "PATCH", roles=(ADMIN,), summary="Name, retire or block a device",
              body=DeviceChange, responses={"200": "the device"})
def patch_device(device_id: str, body: DeviceChange):
    with db.unit_of_work() as s:
        device = update_device(s, device_id, name=body.name, status=body.status)
        result = devices.device_json(device, devices.last_signins(s, [device.id]).get(device.id))
    return jsonify(result)


@api_endpoint(api, "/devices", "GET", roles=SUPERVISORS,
              summary="Devices, most recently seen first: status, last sync, last device sequence, who last signed in",
              parameters=PAGING_PARAMETERS, responses={"200": "a page of devices"})
def list_devices():
    offset, limit = page_args()
    with db.unit_of_work() as s:
        page = devices.list_devices(s, offset, limit)
    return jsonify(page)
