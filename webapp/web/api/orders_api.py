"""Customer orders and purchase orders."""
from flask import jsonify, request
from flask_login import current_user

from webapp.domain.clock import parse_instant
from webapp.domain.orders import STATES
from webapp.domain.roles import ORDER_MANAGERS, PICKER
from webapp.extensions import db
from webapp.services import orders, picking
from webapp.services.purchasing import PoIntake, create_purchase_order
from webapp.web.api import api
from webapp.web.api.body import PAGING_PARAMETERS, field, json_body, page_args, positive_int
from webapp.web.api.registry import api_endpoint
from webapp.web.errors import ApiError

LINE = {"type": "object", "required": ["item", "qty"],
        "properties": {"item": {"type": "string", "minLength": 1, "maxLength": 64},
                       "qty": {"type": "integer", "minimum": 1, "maximum": 1000000},
                       "unit_price": {"type": ["string", "number"]}}}
ORDER_SCHEMA = {
    "type": "object",
    "required": ["number", "lines"],
    "properties": {
        "number": {"type": "string", "minLength": 1, "maxLength": 64},
        "lines": {"type": "array", "minItems": 1, "maxItems": 500, "items": LINE},
        "ship_to": {"type": "object"},
        "notes": {"type": "string", "maxLength": 2000},
        "warehouse": {"type": "string", "maxLength": 64},
    },
}
PATCH_SCHEMA = {
    "type": "object",
    "properties": {
        "ship_to": {"type": "object"},
        "notes": {"type": "string", "maxLength": 2000},
        "lines": {"type": "array", "maxItems": 500, "items": {
            "type": "object", "required": ["line"],
            "properties": {"line": {"type": "integer", "minimum": 1},
                           "qty": {"type": "integer", "minimum": 1, "maximum": 1000000},
                           "unit_price": {"type": ["string", "number"]}}}},
    },
}
TRANSITION_SCHEMA = {"type": "object", "required": ["to"],
                     "properties": {"to": {"enum": list(STATES)}, "reason": {"type": "string", "maxLength": 2000}}}
PO_SCHEMA = {
    "type": "object",
    "required": ["number", "supplier", "lines"],
    "properties": {
        "number": {"type": "string", "minLength": 1, "maxLength": 64},
        "supplier": {"type": "string", "minLength": 1, "maxLength": 32},
        "lines": {"type": "array", "minItems": 1, "maxItems": 500, "items": {
            "type": "object", "required": ["item", "qty"],
            "properties": {"item": {"type": "string", "minLength": 1, "maxLength": 64},
                           "qty": {"type": "integer", "minimum": 1, "maximum": 1000000}}}},
        "expected_at": {"type": "string", "format": "date-time"},
        "warehouse": {"type": "string", "maxLength": 64},
    },
}


def _price(raw: dict) -> str:
    price = raw.get("unit_price")
    if price is None:
        return ""
    if isinstance(price, bool) or not isinstance(price, (str, int, float)) or len(str(price)) > 32:
        raise ApiError(400, "invalid_field", "unit_price is a number or a decimal string", field="unit_price")
    return str(price)


def _objects(body: dict, name: str, *, required: bool = True) -> list[dict]:
    values = field(body, name, list, required=required, default=[])
    if required and not values:
        raise ApiError(400, "missing_field", f"{name} must not be empty", field=name)
    if len(values) > 500 or not all(isinstance(v, dict) for v in values):
        raise ApiError(400, "invalid_field", f"{name} is a list of up to 500 objects", field=name)
    return values


def _ship_to(body: dict):
    ship_to = field(body, "ship_to", dict, required=False)
    if ship_to is not None and len(str(ship_to)) > 4000:
        raise ApiError(400, "invalid_field", "ship_to is too large", field="ship_to")
    return ship_to


@api_endpoint(api, "/orders", "POST", roles=ORDER_MANAGERS,
              summary="Take in an order: reserved whole (validated) or backordered whole; idempotent by number",
              request_schema=ORDER_SCHEMA, responses={"201": "created", "200": "same order again", "409": "idempotency_conflict"})
def create_order():
    body = json_body()
    intake = orders.OrderIntake(
        number=field(body, "number", str, max_len=64),
        lines=[orders.LineIntake(item=field(l, "item", str, max_len=64), qty=positive_int(l, "qty"), unit_price=_price(l))
               for l in _objects(body, "lines")],
        ship_to=_ship_to(body) or {},
        notes=field(body, "notes", str, required=False, default="", max_len=2000),
        warehouse=field(body, "warehouse", str, required=False, max_len=64),
    )
    with db.unit_of_work() as s:
        order, created = orders.intake_order(s, intake, current_user.id)
        result = orders.order_json(s, order)
    return jsonify(result), 201 if created else 200


@api_endpoint(api, "/orders", "GET", roles=ORDER_MANAGERS,
              summary="Orders in one state, oldest first (?state=validated, the default: waiting to be released)",
              parameters=PAGING_PARAMETERS + [{"name": "state", "in": "query", "schema": {"type": "string", "enum": list(STATES)}}],
              responses={"200": "a page of orders"})
def list_orders():
    after, limit = page_args()
    state = request.args.get("state", "validated")
    if state not in STATES:
        raise ApiError(400, "invalid_field", f"state is one of {', '.join(STATES)}", field="state")
    with db.unit_of_work() as s:
        page = orders.orders_in_state(s, state, after, limit)
    return jsonify(page)


@api_endpoint(api, "/orders/<number>", "GET", roles=ORDER_MANAGERS + (PICKER,),
              summary="An order, its lines, state and history", responses={"200": "the order"})
def get_order(number: str):
    with db.unit_of_work() as s:
        result = orders.order_json(s, orders.get_order(s, number))
    return jsonify(result)


@api_endpoint(api, "/orders/<number>", "PATCH", roles=ORDER_MANAGERS,
              summary="Change ship_to, notes, line prices (no reservation touched) or line quantities (by the delta)",
              request_schema=PATCH_SCHEMA, responses={"200": "changed", "409": "insufficient_stock keeps the old quantity"})
def patch_order(number: str):
    body = json_body()
    changes = orders.OrderChanges(ship_to=_ship_to(body),
                                  notes=field(body, "notes", str, required=False, max_len=2000))
    for raw in _objects(body, "lines", required=False):
        line_no = positive_int(raw, "line", maximum=100_000)
        if "unit_price" in raw:
            changes.line_prices[line_no] = _price(raw)
        if "qty" in raw:
            changes.line_qtys[line_no] = positive_int(raw, "qty")
    with db.unit_of_work() as s:
        order = orders.change_order(s, number, changes, current_user.id)
        result = orders.order_json(s, order)
    return jsonify(result)


@api_endpoint(api, "/orders/<number>/transition", "POST", roles=ORDER_MANAGERS,
              summary="Move an order to another state; illegal steps are 409 invalid_transition",
              request_schema=TRANSITION_SCHEMA, responses={"200": "moved", "409": "invalid_transition or insufficient_stock"})
def transition_order(number: str):
    body = json_body()
    target = field(body, "to", str, max_len=16)
    reason = field(body, "reason", str, required=False, default="", max_len=2000)
    with db.unit_of_work() as s:
        order = orders.transition(s, number, target, reason, current_user.id)
        result = orders.order_json(s, order)
    return jsonify(result)


PICK_TASK_SCHEMA = {"type": "object", "required": ["orders"],
                    "properties": {"orders": {"type": "array", "minItems": 1, "maxItems": 20,
                                              "items": {"type": "string", "minLength": 1, "maxLength": 64}}}}


@api_endpoint(api, "/pick-tasks", "POST", roles=ORDER_MANAGERS,
              summary="Release validated orders to the floor as one walk (batch picking: each order into its own tote)",
              request_schema=PICK_TASK_SCHEMA, responses={"201": "the pick task with its steps in walk order"})
def create_pick_task():
    body = json_body()
    numbers = field(body, "orders", list)
    if not numbers or len(numbers) > 20 or not all(isinstance(n, str) and 0 < len(n) <= 64 for n in numbers):
        raise ApiError(400, "invalid_field", "orders is a list of 1 to 20 order numbers", field="orders")
    with db.unit_of_work() as s:
        task = picking.release_orders(s, numbers, current_user.id)
        result = picking.task_json(s, task)
    return jsonify(result), 201


@api_endpoint(api, "/purchase-orders", "POST", roles=ORDER_MANAGERS,
              summary="Record a purchase order; its open quantities count as in transit",
              request_schema=PO_SCHEMA, responses={"201": "created", "409": "purchase_order_exists"})
def create_po():
    body = json_body()
    expected = field(body, "expected_at", str, required=False, max_len=40)
    try:
        expected_at = parse_instant(expected) if expected else None
    except ValueError as err:
        raise ApiError(400, "invalid_field", str(err), field="expected_at") from None
    intake = PoIntake(number=field(body, "number", str, max_len=64), supplier=field(body, "supplier", str, max_len=32),
                      lines=[(field(l, "item", str, max_len=64), positive_int(l, "qty")) for l in _objects(body, "lines")],
                      expected_at=expected_at, warehouse=field(body, "warehouse", str, required=False, max_len=64))
    with db.unit_of_work() as s:
        po = create_purchase_order(s, intake)
        result = {"number": po.number, "supplier": intake.supplier, "status": po.status,
                  "lines": [{"item": code, "qty": qty} for code, qty in intake.lines]}
    return jsonify(result), 201
