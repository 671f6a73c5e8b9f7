"""The one lock order. Every use case that locks more than one row takes its locks in this order:

1. the device row (a sync batch only: one device's batches apply one at a time, in device order);
2. item/warehouse totals — those named, plus every line item of every sales order involved — sorted by key;
3. sales order rows, sorted by id; then purchase order rows, sorted by id.

Nothing locks a row higher in this list while holding one lower in it, so on PostgreSQL no two
transactions can wait for each other in a circle (it would abort one of them as a deadlock). Rows under
an order (lines, reservations, pick steps) are only written while the order row is held.
"""
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import StockTotal
from webapp.db.order_tables import OrderLine, PurchaseOrder, SalesOrder
from webapp.services.ledger import lock_totals


@dataclass
class Held:
    totals: dict[tuple[int, int], StockTotal] = field(default_factory=dict)
    orders: dict[str, SalesOrder] = field(default_factory=dict)  # by number; unknown numbers are absent
    purchase_orders: dict[str, PurchaseOrder] = field(default_factory=dict)


def lock_in_order(session: Session, totals: Iterable[tuple[int, int]] = (), order_numbers: Iterable[str] = (),
                  po_numbers: Iterable[str] = ()) -> Held:
    """Lock totals, then orders, then purchase orders, each sorted (the device row, if any, is the caller's, first)."""
    numbers, po_wanted = set(order_numbers), set(po_numbers)
    order_ids = session.execute(select(SalesOrder.id, SalesOrder.warehouse_id).where(
        SalesOrder.number.in_(numbers))).tuples().all() if numbers else []
    keys = set(totals)
    if order_ids:
        warehouse_of = dict(order_ids)
        keys |= {(item_id, warehouse_of[order_id]) for order_id, item_id in session.execute(
            select(OrderLine.order_id, OrderLine.item_id).where(OrderLine.order_id.in_(warehouse_of))).tuples()}
    held = Held(totals=lock_totals(session, keys))
    for order in _lock_rows(session, SalesOrder, sorted(order_id for order_id, _ in order_ids)):
        held.orders[order.number] = order
    po_ids = session.scalars(select(PurchaseOrder.id).where(PurchaseOrder.number.in_(po_wanted))).all() if po_wanted else []
    for po in _lock_rows(session, PurchaseOrder, sorted(po_ids)):
        held.purchase_orders[po.number] = po
    return held


def _lock_rows(session: Session, model, ids: list[int]) -> list:
    # One statement per row, in the order given: the order of locking is the point.
    return [session.execute(select(model).where(model.id == row_id).with_for_update()
                            .execution_options(populate_existing=True)).scalar_one() for row_id in ids]
