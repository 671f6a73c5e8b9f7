"""Transfer orders between warehouses: create (idempotent by number), read, close."""
from typing import Annotated

from flask import jsonify, request
from pydantic import Field

from webapp.domain.roles import (
    ADMIN,
    INTEGRATION,
    ORDER_MANAGERS,
    PICKER,
    RECEIVER,
    SUPERVISOR,
)
from webapp.extensions import db
from webapp.services import transfers
from webapp.web.api import api
from webapp.web.api.body import PAGING_PARAMETERS, json_body, page_args
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import Body, OptionalText, Quantity, Text, parse_body
from webapp.web.errors import ApiError

# The floor reads them too: a picker ships one from the source, a receiver receives it at the destination.
TRANSFER_READERS = (SUPERVISOR, ADMIN, INTEGRATION, RECEIVER, PICKER)
TRANSFER_CLOSERS = (SUPERVISOR, ADMIN, INTEGRATION)


class TransferLine(Body):
    item: Text(64, description="SKU or any barcode")
    qty: Quantity()


class NewTransferOrder(Body):
    number: Text(64)
    from_warehouse: Text(64)
    to_warehouse: Text(64)
    lines: Annotated[list[TransferLine], Field(min_length=1, max_length=500)]


class TransferClose(Body):
    reason: OptionalText(2000) = ""


@api_endpoint(api, "/transfer-orders", "POST", roles=ORDER_MANAGERS,
              summary="Send stock from one warehouse to another: a dispatch with this number as ref ships it at the "
                      "source (in transit at the destination), a receive there receives it; idempotent by number",
              body=NewTransferOrder,
              responses={"201": "created", "200": "same transfer order again",
                         "409": "idempotency_conflict or number_in_use"})
def create_transfer_order_endpoint(body: NewTransferOrder):
    intake = transfers.TransferIntake(number=body.number, from_warehouse=body.from_warehouse,
                                      to_warehouse=body.to_warehouse, lines=[(l.item, l.qty) for l in body.lines])
    with db.unit_of_work() as s:
        transfer, created = transfers.create_transfer_order(s, intake)
        result = transfers.transfer_order_json(s, transfer)
    return jsonify(result), 201 if created else 200


@api_endpoint(api, "/transfer-orders", "GET", roles=TRANSFER_READERS,
              summary="Transfer orders, with shipped, received, in transit and still to ship per line",
              parameters=PAGING_PARAMETERS + [
                  {"name": "state", "in": "query", "schema": {"enum": ["open", "closed"]}},
                  {"name": "warehouse", "in": "query", "schema": {"type": "string", "maxLength": 64},
                   "description": "leaving or arriving at this warehouse"}],
              responses={"200": "a page of transfer orders"})
def list_transfer_orders_endpoint():
    after, limit = page_args()
    state = request.args.get("state") or None
    if state not in (None, "open", "closed"):
        raise ApiError(400, "invalid_field", "state is open or closed", field="state")
    warehouse = request.args.get("warehouse") or None
    if warehouse is not None and len(warehouse) > 64:
        raise ApiError(400, "invalid_field", "warehouse is at most 64 characters", field="warehouse")
    with db.unit_of_work() as s:
        page = transfers.transfer_order_page(s, state, warehouse, after, limit)
    return jsonify(page)


@api_endpoint(api, "/transfer-orders/<number>", "GET", roles=TRANSFER_READERS,
              summary="A transfer order: lines with qty, shipped, received, in transit and open",
              responses={"200": "the transfer order", "404": "unknown_transfer_order"})
def get_transfer_order_endpoint(number: str):
    with db.unit_of_work() as s:
        result = transfers.transfer_order_json(s, transfers.get_transfer_order(s, number))
    return jsonify(result)


@api_endpoint(api, "/transfer-orders/<number>/close", "POST", roles=TRANSFER_CLOSERS,
              summary="Close a transfer order: what is still in transit leaves it; short receipts are flagged "
                      "under_receipt and short shipments under_shipment for the supervisor",
              body=TransferClose, read_body=False,
              responses={"200": "the closed transfer order", "404": "unknown_transfer_order",
                         "409": "transfer_order_closed"})
def close_transfer_order_endpoint(number: str):
    body = parse_body(TransferClose, json_body()) if request.get_data(cache=True) else TransferClose()
    with db.unit_of_work() as s:
        result = transfers.transfer_order_json(s, transfers.close_transfer_order(s, number, body.reason))
    return jsonify(result)
