"""Reserving stock: one conditional UPDATE at the database, never read-check-write in Python.

`UPDATE stock_total SET reserved = reserved + n WHERE available >= n` is atomic on both
PostgreSQL (the row lock re-checks the condition after a concurrent writer commits) and SQLite
(writers are serialised), so under any number of concurrent requests the last unit goes once.
"""
from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from webapp.db.ledger_tables import Reservation, StockTotal
from webapp.db.models import Item, Location
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.errors import Conflict, NotFound
from webapp.services.ledger import stock_numbers

_total = StockTotal.__table__.c
# Built once (a hot item is reserved thousands of times a second): the guarded UPDATE, available as StockNumbers has it.
_TAKE = (update(StockTotal.__table__)
         .where(_total.item_id == bindparam("take_item"), _total.warehouse_id == bindparam("take_warehouse"),
                _total.blocked == False,  # noqa: E712
                _total.on_hand - _total.reserved - _total.committed - _total.quarantined >= bindparam("take_qty"))
         .values(reserved=_total.reserved + bindparam("take_qty"))
         .returning(_total.reserved))


def take(session: Session, item_id: int, warehouse_id: int, qty: int) -> None:
    """Add `qty` to reserved if that much is available, atomically; else insufficient_stock.

    One guarded UPDATE takes the total's row lock, which is held until the transaction ends: callers make it
    their last statement (see reserve), so racing reservations of one item wait for as short a time as can be."""
    session.flush()  # what the use case changed so far is in the database before the guard reads it
    taken = session.execute(_TAKE, {"take_item": item_id, "take_warehouse": warehouse_id, "take_qty": qty}).first()
    if taken is not None:
        held = session.identity_map.get(identity_key(StockTotal, (item_id, warehouse_id)))
        if held is not None:  # a total this session holds shows the new number, as an ORM update would
            set_committed_value(held, "reserved", taken[0])
        return
    total = session.execute(select(StockTotal).where(
        StockTotal.item_id == item_id, StockTotal.warehouse_id == warehouse_id)
        .execution_options(populate_existing=True)).scalar_one_or_none()
    if total is not None and total.blocked:
        raise Conflict("item_blocked", "this item is blocked from promising until a count variance is resolved",
                       available=0)
    available_now = max(stock_numbers(total).available, 0) if total is not None else 0  # no total: no stock
    raise Conflict("insufficient_stock", f"only {available_now} available, {qty} asked",
                   available=available_now, requested=qty)


def give_back(session: Session, item_id: int, warehouse_id: int, qty: int) -> None:
    if qty:
        session.execute(update(StockTotal)
                        .where(StockTotal.item_id == item_id, StockTotal.warehouse_id == warehouse_id)
                        .values(reserved=StockTotal.reserved - qty))


_RESERVE = insert(Reservation.__table__).returning(*Reservation.__table__.c)  # built once, like _TAKE


def reserve(session: Session, item_id: int, warehouse_id: int, qty: int, ref: str,
            order_line_id: int | None = None, user_id: int | None = None, expires_at=None) -> Row:
    """The new reservation's row (its columns as attributes). The row is written first and the total taken last,
    so the total's row lock is held only from the guarded UPDATE to the commit. When nothing is available the
    Conflict undoes the row with the rest of the caller's transaction (or savepoint), as it undoes anything else
    the use case wrote. One Core INSERT, no ORM object: a hot item is reserved many times a second."""
    session.flush()
    reservation = session.execute(_RESERVE, {
        "item_id": item_id, "warehouse_id": warehouse_id, "qty": qty, "qty_requested": qty, "ref": ref,
        "order_line_id": order_line_id, "created_by_id": user_id, "expires_at": expires_at}).one()
    take(session, item_id, warehouse_id, qty)
    return reservation


def locked_reservation(session: Session, reservation_id: int) -> Reservation:
    reservation = session.execute(
        select(Reservation).where(Reservation.id == reservation_id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if reservation is None:
        raise NotFound("unknown_reservation", f"no reservation {reservation_id}")
    return reservation


def release(session: Session, reservation: Reservation, qty: int | None = None) -> int:
    """Give back all (or `qty`) of what is still reserved. Returns what was released."""
    if reservation.status != "open":
        return 0
    amount = reservation.qty if qty is None else min(qty, reservation.qty)
    give_back(session, reservation.item_id, reservation.warehouse_id, amount)
    reservation.qty -= amount
    if reservation.qty == 0:
        reservation.status = "released"
        reservation.closed_at = utcnow()
    return amount


def release_standalone(session: Session, reservation_id: int) -> None:
    reservation = locked_reservation(session, reservation_id)
    if reservation.order_line_id is not None:
        raise Conflict("reservation_owned_by_order",
                       f"reservation {reservation_id} belongs to order {reservation.ref}; change or cancel the order")
    release(session, reservation)


def reservation_json(r: Reservation | Row, item_sku: str, warehouse_code: str) -> dict:
    return {"id": r.id, "item": item_sku, "warehouse": warehouse_code, "qty": r.qty, "qty_requested": r.qty_requested,
            "ref": r.ref, "status": r.status, "expires_at": format_instant(r.expires_at),
            "closed_at": format_instant(r.closed_at), "release_reason": r.release_reason or None}


def get_reservation(session: Session, reservation_id: int) -> dict:
    reservation = session.get(Reservation, reservation_id)
    if reservation is None:
        raise NotFound("unknown_reservation", f"no reservation {reservation_id}")
    return reservation_json(reservation, session.get(Item, reservation.item_id).sku,
                            session.get(Location, reservation.warehouse_id).code)
