"""The order desk adds and removes order lines: a new line is reserved whole (or 409 and nothing changes),
a removed line's reservation is released; both are in the order's history.

Locks follow services/locks.py: the new item's total with every line item's total, sorted, then the order row.
"""
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from webapp.db.floor_tables import PickStep
from webapp.db.ledger_tables import Reservation
from webapp.db.models import Item
from webapp.db.order_tables import OrderLine, SalesOrder
from webapp.domain.errors import Conflict, NotFound
from webapp.domain.orders import RESERVING_STATES, check_lines_open, next_line_no
from webapp.services import orders, reservations
from webapp.services.catalogue import find_item
from webapp.services.locks import lock_in_order


def _released(session: Session, order: SalesOrder) -> bool:
    """On a pick walk (now or before an on-hold): its lines are what the walk was planned from."""
    return bool(session.scalar(select(exists().where(
        PickStep.order_line_id == OrderLine.id, OrderLine.order_id == order.id))))


def _holds_stock(session: Session, order: SalesOrder) -> bool:
    """A validated order holds its lines' stock; an on-hold one only if it was validated before the hold."""
    if order.state not in RESERVING_STATES:
        return False
    if order.state == "validated":
        return True
    return bool(session.scalar(select(exists().where(
        Reservation.order_line_id == OrderLine.id, OrderLine.order_id == order.id, Reservation.status == "open"))))


def add_line(session: Session, number: str, item_code: str, qty: int, unit_price: str,
             user_id: int | None) -> tuple[SalesOrder, int]:
    """A new line at the end of the order. Returns the order and the new line's number."""
    warehouse_id = orders.get_order(session, number).warehouse_id  # never changes: safe to read unlocked
    scanned = find_item(session, item_code)
    if scanned is None:
        raise NotFound("unknown_item", f"no item {item_code}", field="item")
    qty_base = scanned.to_base(qty)
    order = lock_in_order(session, totals=[(scanned.item.id, warehouse_id)], order_numbers=[number]).orders[number]
    check_lines_open(order.state, _released(session, order))
    highest = session.scalar(select(func.max(OrderLine.line_no)).where(OrderLine.order_id == order.id)) or 0
    line_no = next_line_no(highest, order.highest_line_no)
    line = OrderLine(order_id=order.id, line_no=line_no, item_id=scanned.item.id, qty=qty_base, unit_price=unit_price)
    session.add(line)
    session.flush()
    if _holds_stock(session, order):
        # Whole or not at all: a 409 here rolls the line back with the rest of the use case.
        reservations.reserve(session, scanned.item.id, warehouse_id, qty_base, order.number,
                             order_line_id=line.id, user_id=user_id)
    order.highest_line_no = line_no
    orders.record_event(session, order, order.state, order.state, user_id,
                  f"line {line_no} added: {qty_base} × {scanned.item.sku}", action="line_added")
    return order, line_no


def remove_line(session: Session, number: str, line_no: int, user_id: int | None) -> SalesOrder:
    """Take a line off the order and give back what it reserved. The last line stays: cancel the order instead."""
    order = orders.locked_order(session, number)
    check_lines_open(order.state, _released(session, order))
    lines = {line.line_no: line for line in orders.lines_of(session, order)}
    line = lines.get(line_no)
    if line is None:
        raise NotFound("unknown_line", f"order {number} has no line {line_no}")
    if len(lines) == 1:
        raise Conflict("last_line", f"line {line_no} is the order's only line: cancel the order instead")
    released = 0
    for reservation in session.scalars(select(Reservation).where(
            Reservation.order_line_id == line.id).with_for_update()):
        released += reservations.release(session, reservation)
        if not reservation.release_reason:
            reservation.release_reason = "line_removed"
        reservation.order_line_id = None  # the row goes; the reservation keeps ref = the order number
    session.flush()  # the reservations let go of the line before the line goes
    sku = session.get(Item, line.item_id).sku
    order.highest_line_no = max(order.highest_line_no, max(lines))
    session.delete(line)
    orders.record_event(session, order, order.state, order.state, user_id,
                  f"line {line_no} removed: {line.qty} × {sku}, {released} released", action="line_removed")
    return order
