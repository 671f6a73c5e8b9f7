"""What a floor movement does beyond stock levels: to orders (pick, pack, dispatch) and to
purchase orders (receive). The sync use case runs it between staging a movement and appending it,
with the item's total locked, so the flags it raises are part of the hashed record; it returns the
changes it made to the item's reserved, committed and in-transit numbers.
"""
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from webapp.db.inbound_tables import InboundLine, InboundShipment
from webapp.db.ledger_tables import Reservation, StockTotal
from webapp.db.order_tables import OrderLine, PurchaseOrder, PurchaseOrderLine, SalesOrder
from webapp.db.transfer_tables import TransferOrder, TransferOrderLine
from webapp.domain.clock import utcnow
from webapp.domain.inbound import fill_in_order, open_on_notice
from webapp.domain.ledger import TRANSFER_EFFECTS, counted_against, in_transit_between, open_on_order, order_committed
from webapp.domain.orders import OPEN_FOR_FLOOR, floor_steps, line_due
from webapp.services import orders
from webapp.services.ledger import MovementInput, add_flag, lock_totals
from webapp.services.picking import record_pick

ORDER_COUNTER = {"pick": "qty_picked", "pack": "qty_packed", "dispatch": "qty_dispatched"}


@dataclass(frozen=True)
class TotalDeltas:
    """What a floor movement changed in its item/warehouse numbers besides on hand."""

    reserved: int = 0
    committed: int = 0
    in_transit: int = 0


def apply_floor_effects(session: Session, m: MovementInput, total: StockTotal) -> TotalDeltas:
    """A pick, pack or dispatch for an order, or a receipt against a purchase order: its lines, its state,
    its reservations; flags added to `m` (order_not_open, unexpected_item, over_receipt, cross_warehouse…)."""
    if m.kind in TRANSFER_EFFECTS and m.ref:
        transfer = session.execute(select(TransferOrder).where(TransferOrder.number == m.ref).with_for_update()
                                   .execution_options(populate_existing=True)).scalar_one_or_none()
        if transfer is not None:  # a transfer order's number is never a sales or purchase order's (refused at intake)
            return _transfer_effect(session, m, total, transfer)
    if m.kind in ORDER_COUNTER and m.ref:
        return _order_effect(session, m, total)
    if m.kind == "receive" and m.ref:
        return _receipt_effect(session, m, total)
    return TotalDeltas()


def _adjust_total(session: Session, total: StockTotal, **deltas: int) -> TotalDeltas:
    applied = TotalDeltas(**deltas)
    deltas = {name: delta for name, delta in deltas.items() if delta}
    if not deltas:
        return applied
    session.execute(update(StockTotal)
                    .where(StockTotal.item_id == total.item_id, StockTotal.warehouse_id == total.warehouse_id)
                    .values(**{name: getattr(StockTotal, name) + delta for name, delta in deltas.items()}))
    for name, delta in deltas.items():
        set_committed_value(total, name, getattr(total, name) + delta)
    return applied


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


def _order_effect(session: Session, m: MovementInput, total: StockTotal) -> TotalDeltas:
    order = session.execute(select(SalesOrder).where(SalesOrder.number == m.ref).with_for_update()
                            .execution_options(populate_existing=True)).scalar_one_or_none()
    lines = [] if order is None else list(session.scalars(
        select(OrderLine).where(OrderLine.order_id == order.id, OrderLine.item_id == m.item_id).order_by(OrderLine.line_no)))
    if order is None or order.state not in OPEN_FOR_FLOOR:
        add_flag(m, "order_not_open")
    if order is not None and order.warehouse_id != m.warehouse_id:
        add_flag(m, "cross_warehouse")
    if order is not None and not lines:
        add_flag(m, "unexpected_item")
    if counted_against(m.kind, m.ref, m.flags) != "order":
        return TotalDeltas()  # stock moved; the order is untouched (the rebuild applies the same rule to the flags)
    before = order_committed(sum(l.qty_picked for l in lines), sum(l.qty_dispatched for l in lines), order.state)
    taken = _spread(lines, ORDER_COUNTER[m.kind], m.qty_base)
    after = order_committed(sum(l.qty_picked for l in lines), sum(l.qty_dispatched for l in lines), order.state)
    reserved_delta = 0
    if m.kind == "pick":
        record_pick(session, order, m.item_id, m.from_location.id, m.qty_base, m.scanned_by_id)
        for line, take in zip(lines, taken):  # picking turns each line's reserved into committed
            reserved_delta -= _consume_reservations(session, [line], take)
    elif m.kind == "dispatch":
        # What leaves without having been picked (straight from a bin) was still reserved: it is gone now.
        reserved_delta -= _consume_reservations(session, lines, m.qty_base - (before - after))
    deltas = _adjust_total(session, total, reserved=reserved_delta, committed=after - before)
    if m.kind == "dispatch" and _partial(session, order):
        add_flag(m, "partial_order")  # allowed: the rest follows; the sync answer tells the device
    session.flush()
    _advance_order(session, order, m.kind, m.scanned_by_id)
    return deltas


def _consume_reservations(session: Session, lines: list, qty: int) -> int:
    """Take up to `qty` off the open reservations of these order lines, in line order. Returns what was taken."""
    consumed = 0
    for line in lines:
        if consumed >= qty:
            break
        reservation = session.scalar(select(Reservation).where(
            Reservation.order_line_id == line.id, Reservation.status == "open").with_for_update())
        if reservation is None:
            continue
        take = min(qty - consumed, reservation.qty)
        reservation.qty -= take
        consumed += take
        if reservation.qty == 0:
            reservation.status, reservation.closed_at = "consumed", utcnow()
    return consumed


def _partial(session: Session, order: SalesOrder) -> bool:
    """The order ships with less than was ordered (a line short or not all packed)."""
    return any(l.qty_packed < l.qty for l in session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)))


def _advance_order(session: Session, order: SalesOrder, kind: str, scanner_id: int | None) -> None:
    """Floor scans move an order along the state machine, each step recorded with the person who scanned.
    A line shorted with nothing elsewhere is backordered ("to follow"): packed means what is there is packed."""
    all_lines = list(session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)))
    follow = orders.lines_to_follow(session, all_lines)
    for step in floor_steps(order.state, kind,
                            all_packed=all(l.qty_packed >= line_due(l.qty, follow[l.id]) for l in all_lines),
                            all_dispatched=all(l.qty_dispatched >= l.qty for l in all_lines)):
        orders.floor_transition(session, order, step, scanner_id, f"{kind} scans")


def _receipt_effect(session: Session, m: MovementInput, total: StockTotal) -> TotalDeltas:
    po = session.execute(select(PurchaseOrder).where(PurchaseOrder.number == m.ref).with_for_update()
                         .execution_options(populate_existing=True)).scalar_one_or_none()
    if po is None:
        shipment = session.execute(select(InboundShipment).where(InboundShipment.number == m.ref).with_for_update()
                                   .execution_options(populate_existing=True)).scalar_one_or_none()
        if shipment is not None:
            return _notice_receipt_effect(session, m, total, shipment)
    lines = [] if po is None else list(session.scalars(select(PurchaseOrderLine).where(
        PurchaseOrderLine.purchase_order_id == po.id, PurchaseOrderLine.item_id == m.item_id)
        .order_by(PurchaseOrderLine.id)))
    if po is None:
        # No such purchase order (yet): flagged, so one created later under that number is not received by it.
        add_flag(m, "unknown_purchase_order")
    elif po.warehouse_id != m.warehouse_id:
        add_flag(m, "cross_warehouse")
    elif not lines:
        add_flag(m, "unexpected_item")
    if counted_against(m.kind, m.ref, m.flags) != "purchase_order":
        return TotalDeltas()
    before = sum(open_on_order(l.qty, l.qty_received, po.status) for l in lines)
    _spread(lines, "qty_received", m.qty_base)
    after = sum(open_on_order(l.qty, l.qty_received, po.status) for l in lines)
    if sum(l.qty_received for l in lines) > sum(l.qty for l in lines):
        add_flag(m, "over_receipt")
    return _adjust_total(session, total, in_transit=after - before)


def _transfer_effect(session: Session, m: MovementInput, total: StockTotal, transfer: TransferOrder) -> TotalDeltas:
    """A dispatch at the source ships a transfer order: the stock is issued here and is in transit at the
    destination. A receive at the destination moves it from in transit to on hand. Never counted twice: the
    units in transit are shipped − received (in_transit_between), at the destination only."""
    m.effect = TRANSFER_EFFECTS[m.kind]
    shipping = m.kind == "dispatch"
    if m.warehouse_id != (transfer.from_warehouse_id if shipping else transfer.to_warehouse_id):
        add_flag(m, "cross_warehouse")
    elif transfer.status != "open":
        add_flag(m, "transfer_order_closed")
    lines = list(session.scalars(select(TransferOrderLine).where(
        TransferOrderLine.transfer_order_id == transfer.id, TransferOrderLine.item_id == m.item_id)
        .order_by(TransferOrderLine.line_no)))
    if not lines and "cross_warehouse" not in m.flags:
        add_flag(m, "unexpected_item")
    if counted_against(m.kind, m.ref, m.flags, m.effect) != "transfer_order":
        return TotalDeltas()  # stock moved where it was scanned; the transfer order is untouched
    before = in_transit_between(sum(l.qty_shipped for l in lines), sum(l.qty_received for l in lines), transfer.status)
    _spread(lines, "qty_shipped" if shipping else "qty_received", m.qty_base)
    shipped, received = sum(l.qty_shipped for l in lines), sum(l.qty_received for l in lines)
    if shipping and shipped > sum(l.qty for l in lines):
        add_flag(m, "over_shipment")
    if not shipping and received > shipped:
        add_flag(m, "over_receipt")
    delta = in_transit_between(shipped, received, transfer.status) - before
    if shipping:  # in transit belongs to the destination's numbers (locked by the caller in the one lock order)
        destination = lock_totals(session, [(m.item_id, transfer.to_warehouse_id)])[(m.item_id, transfer.to_warehouse_id)]
        _adjust_total(session, destination, in_transit=delta)
        return TotalDeltas()
    return _adjust_total(session, total, in_transit=delta)


def _notice_receipt_effect(session: Session, m: MovementInput, total: StockTotal,
                           shipment: InboundShipment) -> TotalDeltas:
    """A receipt against an advance ship notice: its lines of the item filled in line order (domain.inbound).
    What lands on an unlinked line leaves in transit there; what lands on a line linked to a purchase-order line
    is received on that purchase order too (filled over its lines of the item, as a receipt naming it would be),
    so in transit drops once, wherever it was counted."""
    lines = list(session.scalars(select(InboundLine).where(
        InboundLine.shipment_id == shipment.id, InboundLine.item_id == m.item_id).order_by(InboundLine.line_no)))
    if shipment.warehouse_id != m.warehouse_id:
        add_flag(m, "cross_warehouse")
    elif not lines:
        add_flag(m, "unexpected_item")
    if counted_against(m.kind, m.ref, m.flags) != "purchase_order":
        return TotalDeltas()
    in_transit = 0
    taken = fill_in_order([l.qty - l.qty_received for l in lines], m.qty_base)
    for line, take in zip(lines, taken):
        before = open_on_notice(line.qty, line.qty_received, shipment.status, linked=line.po_line_id is not None)
        line.qty_received += take
        in_transit += open_on_notice(line.qty, line.qty_received, shipment.status,
                                     linked=line.po_line_id is not None) - before
        if take and line.po_line_id is not None:
            in_transit += _receive_on_purchase_order(session, line.po_line_id, m.item_id, take)
    if sum(l.qty_received for l in lines) > sum(l.qty for l in lines):
        add_flag(m, "over_receipt")
    session.flush()
    return _adjust_total(session, total, in_transit=in_transit)


def _receive_on_purchase_order(session: Session, po_line_id: int, item_id: int, qty: int) -> int:
    """`qty` received on the purchase order of that line, over its lines of the item; the change in its open."""
    po = session.execute(select(PurchaseOrder).join(PurchaseOrderLine, PurchaseOrderLine.purchase_order_id == PurchaseOrder.id)
                         .where(PurchaseOrderLine.id == po_line_id)).scalar_one()
    lines = list(session.scalars(select(PurchaseOrderLine).where(
        PurchaseOrderLine.purchase_order_id == po.id, PurchaseOrderLine.item_id == item_id).order_by(PurchaseOrderLine.id)))
    before = sum(open_on_order(l.qty, l.qty_received, po.status) for l in lines)
    _spread(lines, "qty_received", qty)
    return sum(open_on_order(l.qty, l.qty_received, po.status) for l in lines) - before
