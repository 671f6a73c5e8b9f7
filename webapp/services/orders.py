"""Orders: intake (idempotent by number), reservation whole-or-backordered, edits by delta, transitions.

Locks follow the one lock order in services/locks.py (every item's total, sorted, then order rows
sorted), as sync does, so an edit, a release and a replay never deadlock.
"""
import json
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.db.floor_tables import Carton, PickStep
from webapp.db.ledger_tables import Reservation, StockTotal
from webapp.db.models import Item, Location, User
from webapp.db.order_tables import ExceptionRecord, OrderEvent, OrderLine, SalesOrder
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.errors import Conflict, NotFound
from webapp.domain.ledger import content_digest, order_committed
from webapp.domain.orders import CLOSED_STATES, RESERVING_STATES, TRANSITIONS, check_transition, to_follow
from webapp.services import reservations
from webapp.services.catalogue import find_item, resolve_warehouse
from webapp.services.locks import lock_in_order


@dataclass
class LineIntake:
    item: str
    qty: int
    unit_price: str = ""


@dataclass
class OrderIntake:
    number: str
    lines: list[LineIntake]
    ship_to: dict = field(default_factory=dict)
    notes: str = ""
    warehouse: str | None = None


def _digest(intake: OrderIntake) -> str:
    return content_digest({"number": intake.number, "lines": [vars(line) for line in intake.lines],
                           "ship_to": intake.ship_to, "notes": intake.notes, "warehouse": intake.warehouse})


def intake_order(session: Session, intake: OrderIntake, user_id: int | None) -> tuple[SalesOrder, bool]:
    """Create an order, reserved whole (validated) or backordered whole. Same number again: the original."""
    digest = _digest(intake)
    existing = session.scalar(select(SalesOrder).where(SalesOrder.number == intake.number))
    if existing is not None:
        return _same_or_conflict(existing, digest), False
    warehouse = resolve_warehouse(session, intake.warehouse)
    resolved = []
    for n, line in enumerate(intake.lines, start=1):
        scanned = find_item(session, line.item)
        if scanned is None:
            raise NotFound("unknown_item", f"line {n}: no item {line.item}", line=n)
        resolved.append((scanned.item.id, scanned.to_base(line.qty), line.unit_price))
    order = SalesOrder(number=intake.number, state="received", warehouse_id=warehouse.id,
                       ship_to=json.dumps(intake.ship_to), notes=intake.notes, intake_sha256=digest)
    try:
        with session.begin_nested():
            session.add(order)
            session.flush()
    except IntegrityError:
        # Another request created the same number between our look and our insert.
        existing = session.scalar(select(SalesOrder).where(SalesOrder.number == intake.number))
        return _same_or_conflict(existing, digest), False
    for n, (item_id, qty_base, unit_price) in enumerate(resolved, start=1):
        session.add(OrderLine(order_id=order.id, line_no=n, item_id=item_id, qty=qty_base, unit_price=unit_price))
    session.flush()
    record_event(session, order, "", "received", user_id, "intake")
    try:
        with session.begin_nested():
            _reserve_whole(session, order, user_id)
        _move(session, order, "validated", user_id, "stock reserved at intake")
    except Conflict as err:
        if err.code != "insufficient_stock":
            raise  # item_blocked: no order is taken for an item under a count investigation (409)
        _move(session, order, "backordered", user_id, err.message)
    return order, True


def _same_or_conflict(existing: SalesOrder, digest: str) -> SalesOrder:
    if existing.intake_sha256 != digest:
        raise Conflict("idempotency_conflict", f"order {existing.number} exists with different content")
    return existing


def lines_of(session: Session, order: SalesOrder) -> list[OrderLine]:
    return list(session.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_no)))


def _reserve_whole(session: Session, order: SalesOrder, user_id: int | None) -> None:
    for line in sorted(lines_of(session, order), key=lambda l: (l.item_id, l.line_no)):
        reservations.reserve(session, line.item_id, order.warehouse_id, line.qty, order.number,
                             order_line_id=line.id, user_id=user_id)


def _open_reservations(session: Session, order: SalesOrder) -> list[Reservation]:
    line_ids = [line.id for line in lines_of(session, order)]
    if not line_ids:
        return []
    return list(session.scalars(select(Reservation).where(
        Reservation.order_line_id.in_(line_ids), Reservation.status == "open").with_for_update()))


def record_event(session: Session, order: SalesOrder, from_state: str, to_state: str, user_id, reason: str,
           action: str = "transition") -> None:
    session.add(OrderEvent(order_id=order.id, from_state=from_state, to_state=to_state, action=action,
                           user_id=user_id, reason=reason[:2000]))


def _move(session: Session, order: SalesOrder, target: str, user_id, reason: str, action: str = "transition") -> None:
    record_event(session, order, order.state, target, user_id, reason, action)
    order.state = target
    order.state_changed_at = utcnow()


def locked_order(session: Session, number: str) -> SalesOrder:
    """The order row locked, after its items' totals (the global lock order)."""
    return locked_orders(session, [number])[0]


def locked_orders(session: Session, numbers: list[str]) -> list[SalesOrder]:
    """Several orders locked at once: all their items' totals sorted, then the order rows sorted.
    Locking them one by one would take an item after an order row, and deadlock against a sync batch."""
    held = lock_in_order(session, order_numbers=numbers).orders
    missing = sorted(set(numbers) - set(held))
    if missing:
        raise NotFound("unknown_order", f"no order {missing[0]}")
    return [held[number] for number in numbers]


def floor_transition(session: Session, order: SalesOrder, target: str, user_id: int | None, reason: str) -> None:
    """A step floor scans make (picking, packed, dispatched; nothing reserved or released by it), the order row
    already locked by the scan: checked by the state machine and recorded with the person who scanned."""
    check_transition(order.state, target)
    _move(session, order, target, user_id, reason, action="floor")


def change_state(session: Session, number: str, target: str, reason: str, user_id: int | None) -> SalesOrder:
    """The state change itself, with what it does to reservations and committed stock (walks: order_flow)."""
    order = locked_order(session, number)
    check_transition(order.state, target)
    held = _open_reservations(session, order)
    if target == "validated" and not held:
        _reserve_whole(session, order, user_id)  # insufficient_stock → 409, the order keeps its state
    elif target in ("backordered", "cancelled"):
        for reservation in held:
            reservations.release(session, reservation)
    if target == "cancelled":
        _release_committed(session, order)  # its open pick steps: services/order_flow.py, above picking
    _move(session, order, target, user_id, reason)
    return order


def _committed_by_item(session: Session, order: SalesOrder, state: str) -> dict[int, int]:
    per_item: dict[int, list[int]] = {}
    for line in lines_of(session, order):
        picked, dispatched = per_item.setdefault(line.item_id, [0, 0])
        per_item[line.item_id] = [picked + line.qty_picked, dispatched + line.qty_dispatched]
    return {item_id: order_committed(p, d, state) for item_id, (p, d) in per_item.items()}


def _release_committed(session: Session, order: SalesOrder) -> None:
    for item_id, held in _committed_by_item(session, order, order.state).items():
        if held:
            session.execute(update(StockTotal).where(StockTotal.item_id == item_id,
                                                     StockTotal.warehouse_id == order.warehouse_id)
                            .values(committed=StockTotal.committed - held))
            session.add(ExceptionRecord(code="return_to_stock", item_id=item_id, ref=order.number,
                                        detail=f"order cancelled with {held} picked: put them back"))


@dataclass
class OrderChanges:
    ship_to: dict | None = None
    notes: str | None = None
    line_prices: dict[int, str] = field(default_factory=dict)  # line_no → unit price
    line_qtys: dict[int, int] = field(default_factory=dict)  # line_no → new qty (base units)


def change_order(session: Session, number: str, changes: OrderChanges, user_id: int | None) -> SalesOrder:
    """Edits that are not inventory changes touch no reservation; a quantity change moves it by the delta."""
    order = locked_order(session, number)
    if order.state in CLOSED_STATES:
        raise Conflict("order_closed", f"order {number} is {order.state}")
    lines = {line.line_no: line for line in lines_of(session, order)}
    unknown = (set(changes.line_prices) | set(changes.line_qtys)) - set(lines)
    if unknown:
        raise NotFound("unknown_line", f"order {number} has no line {min(unknown)}")
    notes = []
    if changes.ship_to is not None:
        order.ship_to = json.dumps(changes.ship_to)
        notes.append("ship_to")
    if changes.notes is not None:
        order.notes = changes.notes
        notes.append("notes")
    for line_no, price in changes.line_prices.items():
        lines[line_no].unit_price = price
        notes.append(f"line {line_no} price")
    for line_no, qty in sorted(changes.line_qtys.items()):
        _change_line_qty(session, order, lines[line_no], qty, user_id)
        notes.append(f"line {line_no} qty")
    record_event(session, order, order.state, order.state, user_id, "changed " + ", ".join(notes), action="edit")
    return order


def _change_line_qty(session: Session, order: SalesOrder, line: OrderLine, qty: int, user_id: int | None) -> None:
    if qty < line.qty_picked:
        raise Conflict("below_picked", f"line {line.line_no} already has {line.qty_picked} picked")
    reservation = session.scalar(select(Reservation).where(
        Reservation.order_line_id == line.id, Reservation.status == "open").with_for_update())
    delta = qty - line.qty
    if order.state in RESERVING_STATES:
        if delta > 0 and reservation is None:
            # Its reservation was all picked (consumed): the increase is a new promise of stock.
            reservations.reserve(session, line.item_id, order.warehouse_id, delta, order.number,
                                 order_line_id=line.id, user_id=user_id)  # 409 keeps the old quantity
        elif delta > 0:
            reservations.take(session, line.item_id, order.warehouse_id, delta)  # 409 keeps the old quantity
            reservation.qty += delta
            reservation.qty_requested += delta
        elif delta < 0 and reservation is not None:
            reservations.release(session, reservation, -delta)
            reservation.qty_requested += delta
    line.qty = qty


def lines_to_follow(session: Session, lines: list[OrderLine]) -> dict[int, int]:
    """Per order line id: how many are backordered after a short pick (0 for a line not released yet)."""
    steps: dict[int, list[PickStep]] = {}
    for step in session.scalars(select(PickStep).where(PickStep.order_line_id.in_([l.id for l in lines] or [0]))):
        steps.setdefault(step.order_line_id, []).append(step)
    return {line.id: to_follow(line.qty, line.qty_picked,
                               sum(s.qty - s.qty_picked for s in steps.get(line.id, []) if s.status == "open"),
                               released=line.id in steps) for line in lines}


def order_json(session: Session, order: SalesOrder) -> dict:
    lines = lines_of(session, order)
    follow = lines_to_follow(session, lines)
    skus = dict(session.execute(select(Item.id, Item.sku).where(Item.id.in_([l.item_id for l in lines] or [0]))).tuples().all())
    events = list(session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)))
    names = dict(session.execute(select(User.id, User.username).where(
        User.id.in_([e.user_id for e in events if e.user_id] or [0]))).tuples().all())
    warehouse = session.get(Location, order.warehouse_id)
    line_ids = {line.id: line.line_no for line in lines}
    reserved = {line_ids[r.order_line_id]: r.qty for r in session.scalars(select(Reservation).where(
        Reservation.order_line_id.in_(list(line_ids) or [0]), Reservation.status == "open"))}
    return {
        "number": order.number,
        "state": order.state,
        "next_states": sorted(TRANSITIONS[order.state]),  # what POST …/transition may move it to now
        "warehouse": warehouse.code,
        "ship_to": json.loads(order.ship_to or "{}"),
        "notes": order.notes,
        "created_at": format_instant(order.created_at),
        "state_changed_at": format_instant(order.state_changed_at),
        "lines": [{"line": l.line_no, "item": skus[l.item_id], "qty": l.qty, "unit_price": l.unit_price or None,
                   "reserved": reserved.get(l.line_no, 0), "picked": l.qty_picked, "packed": l.qty_packed,
                   "dispatched": l.qty_dispatched, "to_follow": follow[l.id]} for l in lines],
        "cartons": [{"sscc": c.sscc, "status": c.status, "weight_g": c.weight_g, "label_url": f"/cartons/{c.sscc}/label.pdf"}
                    for c in session.scalars(select(Carton).where(Carton.order_id == order.id).order_by(Carton.created_at))],
        "history": [{"from": e.from_state or None, "to": e.to_state, "action": e.action,
                     "by": names.get(e.user_id), "at": format_instant(e.at), "reason": e.reason} for e in events],
    }


def get_order(session: Session, number: str) -> SalesOrder:
    order = session.scalar(select(SalesOrder).where(SalesOrder.number == number))
    if order is None:
        raise NotFound("unknown_order", f"no order {number}")
    return order
