"""Transfer orders between two warehouses of ours: intake (idempotent by number), reading, closing.

What the floor does against one (a dispatch shipping it at the source, a receive at the destination) is in
services/floor_effects.py with the other floor effects; in transit at the destination is shipped − received.
"""
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import StockTotal
from webapp.db.models import Item, Location
from webapp.db.order_tables import ExceptionRecord
from webapp.db.transfer_tables import TransferOrder, TransferOrderLine
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.errors import Conflict, DomainError, NotFound
from webapp.domain.ledger import content_digest, in_transit_between
from webapp.services.catalogue import find_item, resolve_warehouse
from webapp.services.locks import lock_in_order
from webapp.services.ref_numbers import document_by_number, refuse_number_in_use


@dataclass
class TransferIntake:
    number: str
    from_warehouse: str
    to_warehouse: str
    lines: list[tuple[str, int]]  # (SKU or barcode, qty in the scanned unit)


def _digest(intake: TransferIntake) -> str:
    return content_digest({"number": intake.number, "from": intake.from_warehouse, "to": intake.to_warehouse,
                           "lines": [list(line) for line in intake.lines]})


def _same_or_conflict(existing: TransferOrder, digest: str) -> TransferOrder:
    if existing.intake_sha256 != digest:
        raise Conflict("idempotency_conflict", f"transfer order {existing.number} exists with different content")
    return existing


def create_transfer_order(session: Session, intake: TransferIntake) -> tuple[TransferOrder, bool]:
    """A transfer order, or the one of that number again (same body; another body is a conflict). Nothing is in
    transit until a dispatch ships it."""
    digest = _digest(intake)
    existing = session.scalar(select(TransferOrder).where(TransferOrder.number == intake.number))
    if existing is not None:
        return _same_or_conflict(existing, digest), False
    refuse_number_in_use(session, intake.number, "transfer order")  # its number is the ref the floor scans
    source = resolve_warehouse(session, intake.from_warehouse)
    destination = resolve_warehouse(session, intake.to_warehouse)
    if source.id == destination.id:
        raise DomainError("same_warehouse", "a transfer order goes from one warehouse to another", field="to_warehouse")
    resolved = []
    for n, (code, qty) in enumerate(intake.lines, start=1):
        scanned = find_item(session, code)
        if scanned is None:
            raise NotFound("unknown_item", f"line {n}: no item {code}", line=n)
        resolved.append((scanned.item.id, scanned.to_base(qty)))
    transfer = TransferOrder(number=intake.number, from_warehouse_id=source.id, to_warehouse_id=destination.id,
                             intake_sha256=digest)
    try:
        with session.begin_nested():
            session.add(transfer)
            session.flush()
    except IntegrityError:  # another request created the same number between our look and our insert
        existing = session.scalar(select(TransferOrder).where(TransferOrder.number == intake.number))
        return _same_or_conflict(existing, digest), False
    for n, (item_id, qty) in enumerate(resolved, start=1):
        session.add(TransferOrderLine(transfer_order_id=transfer.id, line_no=n, item_id=item_id, qty=qty))
    session.flush()
    return transfer, True


def get_transfer_order(session: Session, number: str) -> TransferOrder:
    return document_by_number(session, "transfer order", number)


def transfer_order_json(session: Session, transfer: TransferOrder) -> dict:
    rows = session.execute(select(TransferOrderLine, Item.sku).join(Item, Item.id == TransferOrderLine.item_id)
                           .where(TransferOrderLine.transfer_order_id == transfer.id)
                           .order_by(TransferOrderLine.line_no)).all()
    is_open = transfer.status == "open"
    return {"number": transfer.number, "from_warehouse": session.get(Location, transfer.from_warehouse_id).code,
            "to_warehouse": session.get(Location, transfer.to_warehouse_id).code, "state": transfer.status,
            "created_at": format_instant(transfer.created_at), "closed_at": format_instant(transfer.closed_at),
            "lines": [{"line": line.line_no, "item": sku, "qty": line.qty, "shipped": line.qty_shipped,
                       "received": line.qty_received,
                       "in_transit": in_transit_between(line.qty_shipped, line.qty_received, transfer.status),
                       "open": max(0, line.qty - line.qty_shipped) if is_open else 0}  # still to ship
                      for line, sku in rows]}


def transfer_order_page(session: Session, state: str | None, warehouse: str | None, after: int, limit: int) -> dict:
    """Oldest first; `warehouse`: those leaving or arriving at it (a receiver's list of what is coming)."""
    query = select(TransferOrder).where(TransferOrder.id > after)
    if state:
        query = query.where(TransferOrder.status == state)
    if warehouse:
        location = session.scalar(select(Location).where(Location.code == warehouse, Location.kind == "warehouse"))
        wanted = location.id if location is not None else -1
        query = query.where((TransferOrder.from_warehouse_id == wanted) | (TransferOrder.to_warehouse_id == wanted))
    rows = session.scalars(query.order_by(TransferOrder.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [transfer_order_json(session, t) for t in rows], "next_cursor": str(rows[-1].id) if more else None}


def close_transfer_order(session: Session, number: str, reason: str) -> TransferOrder:
    """Nothing more will ship or arrive: what is still in transit leaves it, each item received short of what was
    shipped is an `under_receipt` exception, each shipped short of what was ordered `under_shipment`."""
    get_transfer_order(session, number)  # 404 before any lock
    # The global lock order: its items' totals at both warehouses, then the transfer order row.
    transfer = lock_in_order(session, transfer_numbers={number}).transfer_orders[number]
    if transfer.status != "open":
        raise Conflict("transfer_order_closed", f"transfer order {number} is already {transfer.status}")
    lines = session.scalars(select(TransferOrderLine).where(TransferOrderLine.transfer_order_id == transfer.id)
                            .order_by(TransferOrderLine.line_no).execution_options(populate_existing=True)).all()
    by_item: dict[int, list[TransferOrderLine]] = {}
    for line in lines:
        by_item.setdefault(line.item_id, []).append(line)
    note = f": {reason}" if reason else ""
    for item_id, item_lines in by_item.items():
        ordered = sum(l.qty for l in item_lines)
        shipped, received = sum(l.qty_shipped for l in item_lines), sum(l.qty_received for l in item_lines)
        still = in_transit_between(shipped, received, transfer.status)
        if still:
            session.execute(update(StockTotal).where(StockTotal.item_id == item_id,
                                                     StockTotal.warehouse_id == transfer.to_warehouse_id)
                            .values(in_transit=StockTotal.in_transit - still))
        if received < shipped:
            session.add(ExceptionRecord(code="under_receipt", item_id=item_id, location_id=transfer.to_warehouse_id,
                                        ref=number, detail=f"received {received} of {shipped} shipped{note}"))
        if shipped < ordered:
            session.add(ExceptionRecord(code="under_shipment", item_id=item_id, location_id=transfer.from_warehouse_id,
                                        ref=number, detail=f"shipped {shipped} of {ordered}{note}"))
    transfer.status, transfer.closed_at = "closed", utcnow()
    session.flush()
    return transfer
