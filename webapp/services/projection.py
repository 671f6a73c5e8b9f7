"""Rebuilding and verifying the projection and the hash chains from the records that are the truth.

on hand and levels: from movements · committed: from pick/dispatch movements that counted against their
order (`counted_against`, the rule posting uses) · reserved: from open reservations · in transit: from open
purchase-order lines less the receipts that counted against them, plus, at a transfer's destination, what
its dispatches shipped less what its receipts received (while the transfer order is open).
"""
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from webapp.db.inbound_tables import InboundLine, InboundShipment
from webapp.db.ledger_tables import Movement, Reservation, StockLevel, StockTotal
from webapp.db.models import Location
from webapp.db.order_tables import PurchaseOrder, PurchaseOrderLine, SalesOrder
from webapp.db.transfer_tables import TransferOrder, TransferOrderLine
from webapp.domain.ledger import (
    EFFECTS,
    counted_against,
    in_transit_between,
    location_deltas,
    open_on_order,
    order_committed,
)
from webapp.domain.inbound import fill_in_order, open_on_notice
from webapp.domain.locations import QUARANTINE_KINDS
from webapp.services.chain_scan import ChainScan, scan_chains
from webapp.services.ledger import lock_totals


@dataclass
class Projection:
    levels: dict  # (item_id, location_id, lot) → [qty, warehouse_id, expiry]
    totals: dict  # (item_id, warehouse_id) → {"on_hand", "reserved", "committed", "in_transit", "chain_head", "chain_length"}


def _blank_total() -> dict:
    return {"on_hand": 0, "reserved": 0, "committed": 0, "in_transit": 0, "quarantined": 0, "chain_head": "",
            "chain_length": 0}


def _whole(total) -> int | None:
    """A SUM as an integer (PostgreSQL sums bigints as numeric); None for what no program stores (SQLite text)."""
    if isinstance(total, int):
        return total
    if isinstance(total, Decimal) and total == total.to_integral_value():
        return int(total)
    return None


def compute_projection(session: Session) -> Projection:
    """The projection the records give, from a few grouped queries: the database sums the ledger, and the
    domain's rules (location_deltas, counted_against) are applied once per group, which is exact because each
    is linear in the quantity for a given kind, ref and flags."""
    levels: dict = {}
    totals: dict = defaultdict(_blank_total)
    warehouse_of = dict(session.execute(select(StockLevel.location_id, StockLevel.warehouse_id).distinct()).all())
    warehouse_of.update(dict(session.execute(select(Location.id, Location.warehouse_id)).all()))
    in_quarantine = set(session.scalars(select(Location.id).where(Location.kind.in_(QUARANTINE_KINDS))))
    # Groups come in the order of their first movement: a level keeps the expiry of the first that touched it,
    # as posting wrote it.
    groups = session.execute(select(
        Movement.kind, Movement.item_id, Movement.warehouse_id, Movement.from_location_id, Movement.to_location_id,
        Movement.lot, Movement.expiry, func.sum(Movement.qty_base), func.min(Movement.seq))
        .group_by(Movement.kind, Movement.item_id, Movement.warehouse_id, Movement.from_location_id,
                  Movement.to_location_id, Movement.lot, Movement.expiry)
        .order_by(func.min(Movement.seq)))
    for kind, item_id, warehouse_id, from_id, to_id, lot, expiry, qty, _ in groups:
        # A kind or quantity no program writes can only come from tampering; the chain check names that row.
        qty = _whole(qty)
        if kind not in EFFECTS or qty is None:
            continue
        total = totals[(item_id, warehouse_id)]
        for change in location_deltas(kind, qty):
            location_id = from_id if change.side == "from" else to_id
            level = levels.setdefault((item_id, location_id, lot), [0, warehouse_of.get(location_id), expiry])
            level[0] += change.delta
            total["on_hand"] += change.delta
            if location_id in in_quarantine:
                total["quarantined"] += change.delta
    for item_id, warehouse_id, length, head in session.execute(text(
            "SELECT m.item_id, m.warehouse_id, c.n, m.hash FROM movement m JOIN (SELECT MAX(seq) AS head, COUNT(*) AS n "
            "FROM movement GROUP BY item_id, warehouse_id) c ON m.seq = c.head")):
        totals[(item_id, warehouse_id)].update(chain_head=head, chain_length=length)
    picked: dict = defaultdict(int)  # (order ref, item_id, warehouse_id) → qty
    dispatched: dict = defaultdict(int)
    received: dict = defaultdict(int)  # (po ref, item_id) → qty
    shipped_on_transfer: dict = defaultdict(int)  # (transfer order ref, item_id) → qty
    received_on_transfer: dict = defaultdict(int)
    against_rows = session.execute(
        select(Movement.kind, Movement.ref, Movement.flags, Movement.effect, Movement.item_id, Movement.warehouse_id,
               func.sum(Movement.qty_base))
        .where(Movement.ref != "", Movement.kind.in_(("pick", "dispatch", "receive")))
        .group_by(Movement.kind, Movement.ref, Movement.flags, Movement.effect, Movement.item_id, Movement.warehouse_id))
    for kind, ref, flags, effect, item_id, warehouse_id, qty in against_rows:
        qty = _whole(qty)
        if qty is None:
            continue
        against = counted_against(kind, ref, flags or "", effect or "")
        if against == "transfer_order":
            (shipped_on_transfer if kind == "dispatch" else received_on_transfer)[(ref, item_id)] += qty
        elif against == "order" and kind == "pick":
            picked[(ref, item_id, warehouse_id)] += qty
        elif against == "order" and kind == "dispatch":
            dispatched[(ref, item_id, warehouse_id)] += qty
        elif against == "purchase_order":
            received[(ref, item_id)] += qty
    order_state = dict(session.execute(select(SalesOrder.number, SalesOrder.state)).all())
    for key in set(picked) | set(dispatched):
        ref, item_id, warehouse_id = key
        if ref in order_state:
            totals[(item_id, warehouse_id)]["committed"] += order_committed(picked[key], dispatched[key], order_state[ref])
    for item_id, warehouse_id, qty in session.execute(
        select(Reservation.item_id, Reservation.warehouse_id, func.sum(Reservation.qty))
        .where(Reservation.status == "open").group_by(Reservation.item_id, Reservation.warehouse_id)
    ):
        totals[(item_id, warehouse_id)]["reserved"] += int(qty)
    _notice_lines(session, received, totals)
    po_lines = session.execute(
        select(PurchaseOrder.number, PurchaseOrder.status, PurchaseOrder.warehouse_id, PurchaseOrderLine.item_id,
               func.sum(PurchaseOrderLine.qty))
        .join(PurchaseOrderLine, PurchaseOrderLine.purchase_order_id == PurchaseOrder.id)
        .group_by(PurchaseOrder.number, PurchaseOrder.status, PurchaseOrder.warehouse_id, PurchaseOrderLine.item_id)
    )
    for number, status, warehouse_id, item_id, ordered in po_lines:
        totals[(item_id, warehouse_id)]["in_transit"] += open_on_order(int(ordered), received[(number, item_id)], status)
    transfer_lines = session.execute(
        select(TransferOrder.number, TransferOrder.status, TransferOrder.to_warehouse_id, TransferOrderLine.item_id)
        .join(TransferOrderLine, TransferOrderLine.transfer_order_id == TransferOrder.id).distinct())
    for number, status, destination_id, item_id in transfer_lines:
        travelling = in_transit_between(shipped_on_transfer[(number, item_id)], received_on_transfer[(number, item_id)],
                                        status)
        if travelling:  # nothing shipped yet: no numbers at the destination (a rebuild adds no empty rows)
            totals[(item_id, destination_id)]["in_transit"] += travelling
    return Projection(levels=levels, totals=dict(totals))


def _notice_lines(session: Session, received: dict, totals: dict) -> None:
    """Receipts against inbound shipments (their `ref` is the shipment's number; numbers are never shared with
    purchase orders): each shipment's total of an item filled over its lines in line order, as posting does.
    Unlinked lines add what is still open to in transit; what lands on a linked line is added to what its
    purchase order received of that item (its in transit is counted there)."""
    rows = session.execute(
        select(InboundShipment.number, InboundShipment.status, InboundShipment.warehouse_id, InboundLine.item_id,
               InboundLine.qty, PurchaseOrder.number)
        .join(InboundLine, InboundLine.shipment_id == InboundShipment.id)
        .outerjoin(PurchaseOrderLine, PurchaseOrderLine.id == InboundLine.po_line_id)
        .outerjoin(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .order_by(InboundShipment.id, InboundLine.line_no)).all()
    by_item: dict = defaultdict(list)
    for number, status, warehouse_id, item_id, qty, po_number in rows:
        by_item[(number, item_id)].append((status, warehouse_id, qty, po_number))
    for (number, item_id), lines in by_item.items():
        taken = fill_in_order([qty for _, _, qty, _ in lines], received.pop((number, item_id), 0))
        for (status, warehouse_id, qty, po_number), take in zip(lines, taken):
            if po_number is not None:
                received[(po_number, item_id)] += take
            else:
                totals[(item_id, warehouse_id)]["in_transit"] += open_on_notice(qty, take, status, linked=False)


def stored_projection(session: Session) -> Projection:
    levels = {(item_id, location_id, lot): [qty, warehouse_id, expiry]
              for item_id, location_id, lot, qty, warehouse_id, expiry in session.execute(select(
                  StockLevel.item_id, StockLevel.location_id, StockLevel.lot, StockLevel.qty, StockLevel.warehouse_id,
                  StockLevel.expiry))}
    totals = {(t.item_id, t.warehouse_id): {"on_hand": t.on_hand, "reserved": t.reserved, "committed": t.committed,
                                            "in_transit": t.in_transit, "quarantined": t.quarantined,
                                            "chain_head": t.chain_head,
                                            "chain_length": t.chain_length}
              for t in session.execute(select(StockTotal.__table__))}
    return Projection(levels=levels, totals=totals)


def projection_differences(expected: Projection, stored: Projection) -> list[str]:
    problems = []
    for key in sorted(set(expected.levels) | set(stored.levels)):
        want = expected.levels.get(key, [0])[0]
        have = stored.levels.get(key, [0])[0]
        if want != have:
            problems.append(f"stock_level item={key[0]} location={key[1]} lot={key[2]!r}: stored {have}, ledger says {want}")
    for key in sorted(set(expected.totals) | set(stored.totals)):
        want = expected.totals.get(key, _blank_total())
        have = stored.totals.get(key, _blank_total())
        for name in ("on_hand", "reserved", "committed", "in_transit", "quarantined", "chain_head", "chain_length"):
            if want[name] != have[name]:
                problems.append(f"stock_total item={key[0]} warehouse={key[1]} {name}: stored {have[name]!r}, "
                                f"records say {want[name]!r}")
    return problems


def verify_chains(session: Session, item_ids: set[int] | None = None) -> list[str]:
    """Every movement's hash recomputed from its stored fields, and linked to the one before it in its chain.
    `item_ids`: only those items' chains (a reconcile of one SKU or zone); None: every chain."""
    return scan_chains(session, item_ids=item_ids).problems


def verify(session: Session, scan: ChainScan | None = None) -> list[str]:
    """Empty when the chains and the projection agree with the ledger; else the problems, first bad one first.
    `scan`: the chains already read in this snapshot (verify_ledger reads them once for checkpoints too)."""
    chain_problems = (scan or scan_chains(session)).problems
    return chain_problems + differences(session)


def differences(session: Session) -> list[str]:
    """Where the stored projection disagrees with the one the records give."""
    return projection_differences(compute_projection(session), stored_projection(session))


def rebuild(session: Session) -> int:
    """Replace the projection with one computed from the records. Returns how many rows changed."""
    # Lock first, so no movement commits between reading the ledger and writing the projection.
    lock_totals(session, session.execute(select(StockTotal.item_id, StockTotal.warehouse_id)).tuples().all())
    expected = compute_projection(session)
    stored = stored_projection(session)
    changed = len(projection_differences(expected, stored))
    lock_totals(session, list(expected.totals))
    session.execute(delete(StockLevel))
    if expected.levels:
        session.execute(StockLevel.__table__.insert(), [
            {"item_id": i, "location_id": loc, "lot": lot, "qty": v[0], "warehouse_id": v[1], "expiry": v[2]}
            for (i, loc, lot), v in expected.levels.items()
        ])
    for (item_id, warehouse_id), numbers in expected.totals.items():
        session.execute(StockTotal.__table__.update().where(
            StockTotal.item_id == item_id, StockTotal.warehouse_id == warehouse_id).values(**numbers))
    for key in set(stored.totals) - set(expected.totals):
        session.execute(StockTotal.__table__.update().where(
            StockTotal.item_id == key[0], StockTotal.warehouse_id == key[1]).values(**_blank_total()))
    return changed
