"""Advance ship notices (inbound shipments): created by an integration or the office, read by receivers."""
from typing import Annotated

from flask import jsonify, request
from pydantic import Field

from webapp.domain.roles import ADMIN, INTEGRATION, RECEIVER, SUPERVISOR
from webapp.extensions import db
from webapp.services import inbound_shipments
from webapp.web.api import api
from webapp.web.api.body import PAGING_PARAMETERS, json_body, page_args
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import Body, OptionalText, Quantity, Text, WholeNumber, parse_body
from webapp.web.errors import ApiError

NOTICE_EDITORS = (INTEGRATION, ADMIN, SUPERVISOR)
NOTICE_READERS = (INTEGRATION, ADMIN, SUPERVISOR, RECEIVER)
When = Annotated[str, Field(max_length=40, description="a date (YYYY-MM-DD) or an ISO 8601 time with an offset",
                            json_schema_extra={"anyOf": [{"format": "date"}, {"format": "date-time"}]})]


class NoticeLine(Body):
    item: Text(64, description="SKU or any barcode (a case barcode counts its pack size)")
    qty: Quantity()
    lot: OptionalText(64) = ""
    expiry: Annotated[str, Field(max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD",
                                 json_schema_extra={"format": "date"})] | None = None
    purchase_order: OptionalText(64) | None = None
    po_line: WholeNumber(1, 100_000, description="the line's number on that purchase order") | None = None


class Pallet(Body):
    sscc: Annotated[str, Field(min_length=18, max_length=20, pattern=r"^(00)?[0-9]{18}$",
                               description="the pallet's SSCC (18 digits, GS1 check digit)")]
    lines: Annotated[list[NoticeLine], Field(min_length=1, max_length=500)]


class NewShipment(Body):
    number: Text(64)
    supplier: OptionalText(32) | None = None
    warehouse: OptionalText(64) | None = None
    expected_at: When | None = None
    pallets: Annotated[list[Pallet], Field(min_length=1, max_length=200)]


@api_endpoint(api, "/inbound-shipments", "POST", roles=NOTICE_EDITORS,
              summary="An advance ship notice: pallets by SSCC and their lines (linked to purchase-order lines or "
                      "not); idempotent by number",
              body=NewShipment, responses={"201": "created", "200": "the same notice again",
                                           "409": "idempotency_conflict, number_in_use or pallet_exists"})
def create_inbound_shipment(body: NewShipment):
    with db.unit_of_work() as s:
        shipment, created = inbound_shipments.create_shipment(s, body.model_dump())
        result = inbound_shipments.shipment_json(s, shipment)
    return jsonify(result), 201 if created else 200


@api_endpoint(api, "/inbound-shipments", "GET", roles=NOTICE_READERS, summary="Inbound shipments with what is still open",
              parameters=PAGING_PARAMETERS + [{"name": "state", "in": "query", "schema": {"enum": ["open", "closed"]}}],
              responses={"200": "a page of inbound shipments"})
def list_inbound_shipments():
    after, limit = page_args()
    state = request.args.get("state") or None
    if state not in (None, "open", "closed"):
        raise ApiError(400, "invalid_field", "state is open or closed", field="state")
    with db.unit_of_work() as s:
        page = inbound_shipments.shipment_page(s, state, after, limit)
    return jsonify(page)


@api_endpoint(api, "/inbound-shipments/<number>", "GET", roles=NOTICE_READERS,
              summary="An inbound shipment: each pallet's lines with expected, received and open",
              responses={"200": "the inbound shipment", "404": "unknown_inbound_shipment"})
def get_inbound_shipment(number: str):
    with db.unit_of_work() as s:
        result = inbound_shipments.shipment_json(s, inbound_shipments.get_shipment(s, number))
    return jsonify(result)


class ShipmentClose(Body):
    reason: OptionalText(2000) = ""


@api_endpoint(api, "/inbound-shipments/<number>/close", "POST", roles=NOTICE_EDITORS,
              summary="Close (short-close) an inbound shipment: what its unlinked lines still expect leaves in transit; "
                      "lines received short are flagged under_receipt for the supervisor",
              body=ShipmentClose, read_body=False,
              responses={"200": "the closed inbound shipment", "404": "unknown_inbound_shipment",
                         "409": "inbound_shipment_closed"})
def close_inbound_shipment(number: str):
    body = parse_body(ShipmentClose, json_body()) if request.get_data(cache=True) else ShipmentClose()
    with db.unit_of_work() as s:
        shipment = inbound_shipments.close_shipment(s, number, body.reason)
        result = inbound_shipments.shipment_json(s, shipment)
    return jsonify(result)
