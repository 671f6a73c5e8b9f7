"""Customer orders and purchase orders."""
import json
from typing import Annotated

from flask import jsonify, request
from flask_login import current_user
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from webapp.domain.clock import parse_date_or_instant
from webapp.domain.orders import STATES
from webapp.domain.roles import ORDER_MANAGERS, PICKER
from webapp.extensions import db
from webapp.services import order_flow, order_list, orders, picking
from webapp.services.purchasing import PoIntake, create_purchase_order
from webapp.web.api import api
from webapp.web.api.body import PAGING_PARAMETERS, page_args
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import NO_NUL, Body, Choice, OptionalText, Quantity, Text, WholeNumber
from webapp.web.errors import ApiError

Price = Annotated[Annotated[str, Field(max_length=32, pattern=NO_NUL)] | float,
                  Field(description="a number or a decimal string")]
Notes = OptionalText(2000)
AddressKey = Annotated[str, Field(max_length=64, pattern=NO_NUL)]
ShipTo = Annotated[dict[AddressKey, OptionalText(500) | Annotated[list[OptionalText(500)], Field(max_length=10)]],
                   Field(max_length=20, description='the address: {"name", "lines": [...]} or street, line1, line2, '
                                                    'city, postcode, country (at most 4,000 characters as JSON)')]


def _checked_ship_to(value: dict | None) -> dict | None:
    if value is not None and len(json.dumps(value)) > 4000:
        raise ApiError(400, "invalid_field", "ship_to is too large", field="ship_to")
    return value


def _price(value) -> str:
    if value is None:
        return ""
    if len(str(value)) > 32:
        raise ApiError(400, "invalid_field", "unit_price is a number or a decimal string", field="unit_price")
    return str(value)


class OrderLine(Body):
    item: Text(64, description="SKU or any barcode")
    qty: Quantity()
    unit_price: Price | None = None


class NewOrder(Body):
    number: Text(64)
    lines: Annotated[list[OrderLine], Field(min_length=1, max_length=500)]
    ship_to: ShipTo | None = None
    notes: Notes = ""
    warehouse: OptionalText(64) | None = None


class LineChange(Body):
    line: WholeNumber(1, 100_000, code="invalid_quantity")
    qty: Quantity() | None = None
    unit_price: Price | None = None


class OrderChange(Body):
    ship_to: ShipTo | None = None
    notes: Notes | None = None
    lines: Annotated[list[LineChange], Field(max_length=500)] = []


class Transition(Body):
    to: Choice(STATES)
    reason: Notes = ""


class PurchaseOrderLine(Body):
    item: Text(64)
    qty: Quantity()


class NewPurchaseOrder(Body):
    number: Text(64)
    supplier: Text(32)
    lines: Annotated[list[PurchaseOrderLine], Field(min_length=1, max_length=500)]
    expected_at: Annotated[str, Field(max_length=40, description="a date (YYYY-MM-DD) or an ISO 8601 time with an offset",
                                      json_schema_extra={"anyOf": [{"format": "date"}, {"format": "date-time"}]})] | None = None
    warehouse: OptionalText(64) | None = None


def _each_once(numbers: list[str]) -> list[str]:
    if len(set(numbers)) != len(numbers):
        raise PydanticCustomError("invalid_field", "names an order twice: name each order once")
    return numbers


class PickRelease(Body):
    orders: Annotated[list[Text(64)], Field(min_length=1, max_length=20, json_schema_extra={"uniqueItems": True}),
                      AfterValidator(_each_once)]


@api_endpoint(api, "/orders", "POST", roles=ORDER_MANAGERS,
              summary="Take in an order: reserved whole (validated) or backordered whole; idempotent by number",
              body=NewOrder, responses={"201": "created", "200": "same order again", "409": "idempotency_conflict"})
def create_order(body: NewOrder):
    intake = orders.OrderIntake(
        number=body.number,
        lines=[orders.LineIntake(item=line.item, qty=line.qty, unit_price=_price(line.unit_price)) for line in body.lines],
        ship_to=_checked_ship_to(body.ship_to) or {},
        notes=body.notes,
        warehouse=body.warehouse or None,
    )
    with db.unit_of_work() as s:
        order, created = orders.intake_order(s, intake, current_user.id)
        result = orders.order_json(s, order)
    return jsonify(result), 201 if created else 200


MAX_AGE_MINUTES = 525_600
ORDER_SEARCH_PARAMETERS = [
    {"name": "state", "in": "query", "schema": {"type": "string", "enum": list(STATES)}},
    {"name": "item", "in": "query", "schema": {"type": "string", "maxLength": 64}, "description": "SKU or barcode"},
    {"name": "warehouse", "in": "query", "schema": {"type": "string", "maxLength": 64}},
    {"name": "customer", "in": "query", "schema": {"type": "string", "maxLength": 200},
     "description": "part of the ship_to name, any case"},
    {"name": "older_than_minutes", "in": "query", "description": "in the current state for longer than this",
     "schema": {"type": "integer", "minimum": 0, "maximum": MAX_AGE_MINUTES}},
]


def _order_search() -> order_list.OrderSearch:
    args = request.args
    state, age = args.get("state"), args.get("older_than_minutes")
    if state is not None and state not in STATES:
        raise ApiError(400, "invalid_field", f"state is one of {', '.join(STATES)}", field="state")
    if age is not None and not (age.isascii() and age.isdigit() and len(age) <= 6 and int(age) <= MAX_AGE_MINUTES):
        raise ApiError(400, "invalid_field", f"older_than_minutes is a whole number from 0 to {MAX_AGE_MINUTES}",
                       field="older_than_minutes")
    for name, longest in (("item", 64), ("warehouse", 64), ("customer", 200)):
        if len(args.get(name, "")) > longest:
            raise ApiError(400, "invalid_field", f"{name} is at most {longest} characters", field=name)
    return order_list.OrderSearch(state=state, item=args.get("item"), warehouse=args.get("warehouse"),
                                  customer=args.get("customer"), older_than_minutes=int(age) if age is not None else None)


@api_endpoint(api, "/orders", "GET", roles=ORDER_MANAGERS,
              summary="Orders, newest first, by state, item, warehouse, customer and time in their current state",
              parameters=ORDER_SEARCH_PARAMETERS + PAGING_PARAMETERS, responses={"200": "a page of order rows"})
def list_orders():
    search = _order_search()
    before, limit = page_args()
    with db.unit_of_work() as s:
        page = order_list.list_orders(s, search, before, limit)
    return jsonify(page)


@api_endpoint(api, "/orders/<number>", "GET", roles=ORDER_MANAGERS + (PICKER,),
              summary="An order, its lines, state and history", responses={"200": "the order"})
def get_order(number: str):
    with db.unit_of_work() as s:
        result = orders.order_json(s, orders.get_order(s, number))
    return jsonify(result)


@api_endpoint(api, "/orders/<number>", "PATCH", roles=ORDER_MANAGERS,
              summary="Change ship_to, notes, line prices (no reservation touched) or line quantities (by the delta)",
              body=OrderChange, responses={"200": "changed", "409": "insufficient_stock keeps the old quantity"})
def patch_order(number: str, body: OrderChange):
    changes = orders.OrderChanges(ship_to=_checked_ship_to(body.ship_to), notes=body.notes)
    for line in body.lines:
        if "unit_price" in line.model_fields_set:
            changes.line_prices[line.line] = _price(line.unit_price)
        if line.qty is not None:
            changes.line_qtys[line.line] = line.qty
    with db.unit_of_work() as s:
        order = orders.change_order(s, number, changes, current_user.id)
        result = orders.order_json(s, order)
    return jsonify(result)


@api_endpoint(api, "/orders/<number>/transition", "POST", roles=ORDER_MANAGERS,
              summary="Move an order to another state; illegal steps are 409 invalid_transition",
              body=Transition, responses={"200": "moved", "409": "invalid_transition or insufficient_stock"})
def transition_order(number: str, body: Transition):
    with db.unit_of_work() as s:
        order = order_flow.transition(s, number, body.to, body.reason, current_user.id)
        result = orders.order_json(s, order)
    return jsonify(result)


@api_endpoint(api, "/pick-tasks", "POST", roles=ORDER_MANAGERS,
              summary="Release validated orders to the floor as one walk (batch picking: each order into its own tote)",
              body=PickRelease, idempotent=True, responses={"201": "the pick task with its steps in walk order"})
def create_pick_task(body: PickRelease):
    with db.unit_of_work() as s:
        task = picking.release_orders(s, list(body.orders), current_user.id)
        result = picking.task_json(s, task)
    return jsonify(result), 201


@api_endpoint(api, "/purchase-orders", "POST", roles=ORDER_MANAGERS,
              summary="Record a purchase order; its open quantities count as in transit",
              body=NewPurchaseOrder, responses={"201": "created", "409": "purchase_order_exists"})
def create_po(body: NewPurchaseOrder):
    try:
        expected_at = parse_date_or_instant(body.expected_at) if body.expected_at else None
    except ValueError as err:
        raise ApiError(400, "invalid_field", str(err), field="expected_at") from None
    intake = PoIntake(number=body.number, supplier=body.supplier, lines=[(line.item, line.qty) for line in body.lines],
                      expected_at=expected_at, warehouse=body.warehouse or None)
    with db.unit_of_work() as s:
        po = create_purchase_order(s, intake)
        result = {"number": po.number, "supplier": intake.supplier, "status": po.status,
                  "lines": [{"item": code, "qty": qty} for code, qty in intake.lines]}
    return jsonify(result), 201
