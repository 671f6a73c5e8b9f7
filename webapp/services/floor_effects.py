"""What a floor movement does beyond stock levels: to orders (pick, pack, dispatch) and to
purchase orders (receive). Runs inside post_movement, with the item's total already locked,
before the movement is hashed, so the flags it raises are part of the record.
"""
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from webapp.db.ledger_tables import Reservation, StockTotal
from webapp.db.order_tables import OrderEvent, OrderLine, PurchaseOrder, PurchaseOrderLine, SalesOrder
from webapp.domain.clock import utcnow
from webapp.domain.ledger import open_on_order, order_committed
from webapp.domain.orders import OPEN_FOR_FLOOR, line_due
from webapp.services.ledger import MovementInput, add_flag
from webapp.services.orders import lines_to_follow
from webapp.services.picking import record_pick

ORDER_COUNTER = {"pick": "qty_picked", "pack": "qty_packed", "dispatch": "qty_dispatched"}


def apply_floor_effects(session: Session):
    def before_append(m: MovementInput, total: StockTotal) -> None:
        if m.kind in ORDER_COUNTER and m.ref:
            _order_effect(session, m, total)
        elif m.kind == "receive" and m.ref:
            _receipt_effect(session, m, total)

    return before_append


def _adjust_total(session: Session, total: StockTotal, **deltas: int) -> None:
    deltas = {name: delta for name, delta in deltas.items() if delta}
    if not deltas:
        return
    session.execute(update(StockTotal)
                    .where(StockTotal.item_id == total.item_id, StockTotal.warehouse_id == total.warehouse_id)
                    .values(**{name: getattr(StockTotal, name) + delta for name, delta in deltas.items()}))
    for name, delta in deltas.items():
        set_committed_value(total, name, getattr(total, name) + delta)


def _spread(lines: list, attr: str, qty: int) -> list[int]:
    """Fill lines up to their quantity in order; whatever is left over lands on the last line."""
    taken = []
    for i, line in enumerate(lines):
        room = max(0, line.qty - getattr(line, attr)) if i < len(lines) - 1 else qty
        take = min(room, qty)
        setattr(line, attr, getattr(line, attr) + take)
        taken.append(take)
        qty -= take
    return taken


def _order_effect(session: Session, m: MovementInput, total: StockTotal) -> None:
    order = session.execute(select(SalesOrder).where(SalesOrder.number == m.ref).with_for_update()
                            .execution_options(populate_existing=True)).scalar_one_or_none()
    if order is None or order.state not in OPEN_FOR_FLOOR:
        add_flag(m, "order_not_open")
    if order is None:
        return
    lines = list(session.scalars(select(OrderLine).where(OrderLine.order_id == order.id, OrderLine.item_id == m.item_id)
                                 .order_by(OrderLine.line_no)))
    if not lines:
        add_flag(m, "unexpected_item")
        return
    before = order_committed(sum(l.qty_picked for l in lines), sum(l.qty_dispatched for l in lines), order.state)
    taken = _spread(lines, ORDER_COUNTER[m.kind], m.qty_base)
    if m.kind == "pick":
        record_pick(session, order, m.item_id, m.from_location.id, m.qty_base, m.scanned_by_id)
    reserved_delta = 0
    if m.kind == "pick":
        for line, take in zip(lines, taken):
            reservation = session.scalar(select(Reservation).where(
                Reservation.order_line_id == line.id, Reservation.status == "open").with_for_update())
            if reservation is not None and take:
                consumed = min(take, reservation.qty)
                reservation.qty -= consumed
                reserved_delta -= consumed
                if reservation.qty == 0:
                    reservation.status, reservation.closed_at = "consumed", utcnow()
    after = order_committed(sum(l.qty_picked for l in lines), sum(l.qty_dispatched for l in lines), order.state)
    _adjust_total(session, total, reserved=reserved_delta, committed=after - before)
    if m.kind == "dispatch" and _partial(session, order):
        add_flag(m, "partial_order")  # allowed: the rest follows; the sync answer tells the device
    session.flush()
    _advance_order(session, order, m.kind)


def _partial(session: Session, order: SalesOrder) -> bool:
    """The order ships with less than was ordered (a line short or not all packed)."""
    return any(l.qty_packed < l.qty for l in session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)))


def _advance_order(session: Session, order: SalesOrder, kind: str) -> None:
    """Floor scans move an order along: first pick → picking, all packed → packed, all dispatched → dispatched."""
    all_lines = list(session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)))
    steps = []
    if kind == "pick" and order.state == "validated":
        steps = ["picking"]
    elif kind == "pack" and order.state == "picking":
        # A line shorted with nothing elsewhere is backordered: packed means what is there is packed.
        follow = lines_to_follow(session, all_lines)
        if all(l.qty_packed >= line_due(l.qty, follow[l.id]) for l in all_lines):
            steps = ["packed"]
    elif kind == "dispatch" and all(l.qty_dispatched >= l.qty for l in all_lines):
        steps = {"picking": ["packed", "dispatched"], "packed": ["dispatched"]}.get(order.state, [])
    for step in steps:
        session.add(OrderEvent(order_id=order.id, from_state=order.state, to_state=step, action="floor",
                               reason=f"{kind} scans"))
        order.state, order.state_changed_at = step, utcnow()


def _receipt_effect(session: Session, m: MovementInput, total: StockTotal) -> None:
    po = session.execute(select(PurchaseOrder).where(PurchaseOrder.number == m.ref).with_for_update()
                         .execution_options(populate_existing=True)).scalar_one_or_none()
    if po is None:
        return  # a receipt against an inbound shipment number we do not know: no purchase order to move
    lines = list(session.scalars(select(PurchaseOrderLine).where(
        PurchaseOrderLine.purchase_order_id == po.id, PurchaseOrderLine.item_id == m.item_id)
        .order_by(PurchaseOrderLine.id)))
    if not lines:
        add_flag(m, "unexpected_item")
        return
    before = sum(open_on_order(l.qty, l.qty_received, po.status) for l in lines)
    _spread(lines, "qty_received", m.qty_base)
    after = sum(open_on_order(l.qty, l.qty_received, po.status) for l in lines)
    if sum(l.qty_received for l in lines) > sum(l.qty for l in lines):
        add_flag(m, "over_receipt")
    _adjust_total(session, total, in_transit=after - before)
