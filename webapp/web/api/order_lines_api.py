"""The order desk's line edits: add a line (reserved whole, or 409 and nothing changes), remove a line."""
from flask import jsonify
from flask_login import current_user

from webapp.domain.errors import NotFound
from webapp.domain.roles import ORDER_MANAGERS
from webapp.extensions import db
from webapp.services import order_lines, orders
from webapp.web.api import api
from webapp.web.api.orders_api import OrderLine, _price
from webapp.web.api.registry import api_endpoint

MAX_LINE_NO = 100_000  # as PATCH /orders/{number} names lines


@api_endpoint(api, "/orders/<number>/lines", "POST", roles=ORDER_MANAGERS,
              summary="Add a line to an order not yet on the floor: reserved whole when the order holds stock, "
                      "else 409 insufficient_stock and nothing changes",
              body=OrderLine, idempotent=True,
              responses={"201": "the order with the new line", "404": "unknown_order or unknown_item",
                         "409": "insufficient_stock, item_blocked, order_released or order_closed"})
def add_order_line(number: str, body: OrderLine):
    with db.unit_of_work() as s:
        order, line_no = order_lines.add_line(s, number, body.item, body.qty, _price(body.unit_price), current_user.id)
        result = {**orders.order_json(s, order), "added_line": line_no}
    return jsonify(result), 201


@api_endpoint(api, "/orders/<number>/lines/<int:line>", "DELETE", roles=ORDER_MANAGERS,
              summary="Remove a line from an order not yet on the floor; what it reserved is released",
              responses={"204": "removed", "404": "unknown_order or unknown_line",
                         "409": "last_line, order_released or order_closed"})
def remove_order_line(number: str, line: int):
    if line > MAX_LINE_NO:
        raise NotFound("unknown_line", f"order {number} has no line {line}")
    with db.unit_of_work() as s:
        order_lines.remove_line(s, number, line, current_user.id)
    return "", 204
