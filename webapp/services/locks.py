"""The one lock order. Every use case that locks more than one row takes its locks in this order:

1. the device row (a sync batch only: one device's batches apply one at a time, in device order);
2. item/warehouse totals — those named, plus every line item of every sales order involved — sorted by key;
3. sales order rows, sorted by id; then purchase order rows, sorted by id (those named, and those an inbound
   shipment named instead links lines to); then inbound shipment rows, sorted by id; then transfer order rows,
   sorted by id (their lines' items are locked in step 2 at both warehouses: shipping moves in transit at the other);
4. the ids of the movements about to be inserted (PostgreSQL advisory locks, sorted by key): two batches
   from different devices carrying the same ids would otherwise wait on each other's uncommitted entries
   in the unique index on movement.id, in whatever order each batch applies them.

Nothing locks a row higher in this list while holding one lower in it, so on PostgreSQL no two
transactions can wait for each other in a circle (it would abort one of them as a deadlock). Rows under
an order (lines, reservations, pick steps) are only written while the order row is held. A use case that
locks nothing but totals calls services.ledger.lock_totals (step 2 alone) directly.

Foreign keys take a share lock on the rows an insert names (item, warehouse, person) before any of the above: a
reservation inserts its row, then takes its total as its last statement. That stays cycle-free because nothing
locks an item, a warehouse or a person row FOR UPDATE while it holds a total: changing an item and drafting a
reorder take no total after their row, and a count freezes its bins (never a warehouse row) after its totals.
"""
import hashlib
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from webapp.db.inbound_tables import InboundLine, InboundShipment
from webapp.db.ledger_tables import StockTotal
from webapp.db.order_tables import OrderLine, PurchaseOrder, PurchaseOrderLine, SalesOrder
from webapp.db.transfer_tables import TransferOrder, TransferOrderLine
from webapp.services.ledger import lock_totals


@dataclass
class Held:
    totals: dict[tuple[int, int], StockTotal] = field(default_factory=dict)
    orders: dict[str, SalesOrder] = field(default_factory=dict)  # by number; unknown numbers are absent
    purchase_orders: dict[str, PurchaseOrder] = field(default_factory=dict)
    transfer_orders: dict[str, TransferOrder] = field(default_factory=dict)
    shipments: dict[str, InboundShipment] = field(default_factory=dict)


def lock_in_order(session: Session, totals: Iterable[tuple[int, int]] = (), order_numbers: Iterable[str] = (),
                  po_numbers: Iterable[str] = (), movement_ids: Iterable[str] = (),
                  transfer_numbers: Iterable[str] = ()) -> Held:
    """Lock totals, orders, purchase orders, transfer orders, movement ids, each sorted. The device row, if any,
    is the caller's."""
    numbers, po_wanted, transfers_wanted = set(order_numbers), set(po_numbers), set(transfer_numbers)
    order_ids = session.execute(select(SalesOrder.id, SalesOrder.warehouse_id).where(
        SalesOrder.number.in_(numbers))).tuples().all() if numbers else []
    keys = set(totals)
    if order_ids:
        warehouse_of = dict(order_ids)
        keys |= {(item_id, warehouse_of[order_id]) for order_id, item_id in session.execute(
            select(OrderLine.order_id, OrderLine.item_id).where(OrderLine.order_id.in_(warehouse_of))).tuples()}
    transfer_ids = session.scalars(select(TransferOrder.id).where(
        TransferOrder.number.in_(transfers_wanted))).all() if transfers_wanted else []
    if transfer_ids:
        keys |= {(item_id, warehouse_id) for item_id, source, destination in session.execute(
            select(TransferOrderLine.item_id, TransferOrder.from_warehouse_id, TransferOrder.to_warehouse_id)
            .join(TransferOrder, TransferOrder.id == TransferOrderLine.transfer_order_id)
            .where(TransferOrder.id.in_(transfer_ids))).tuples() for warehouse_id in (source, destination)}
    held = Held(totals=lock_totals(session, keys))
    for order in _lock_rows(session, SalesOrder, sorted(order_id for order_id, _ in order_ids)):
        held.orders[order.number] = order
    po_ids = set(session.scalars(select(PurchaseOrder.id).where(
        PurchaseOrder.number.in_(po_wanted)))) if po_wanted else set()
    # A receipt's ref may name an inbound shipment: its rows, and the purchase orders its lines deliver against.
    shipment_ids = set(session.scalars(select(InboundShipment.id).where(
        InboundShipment.number.in_(po_wanted)))) if po_wanted else set()
    if shipment_ids:
        po_ids |= set(session.scalars(select(PurchaseOrderLine.purchase_order_id).join(
            InboundLine, InboundLine.po_line_id == PurchaseOrderLine.id).where(InboundLine.shipment_id.in_(shipment_ids))))
    for po in _lock_rows(session, PurchaseOrder, sorted(po_ids)):
        held.purchase_orders[po.number] = po
    for shipment in _lock_rows(session, InboundShipment, sorted(shipment_ids)):
        held.shipments[shipment.number] = shipment
    for transfer in _lock_rows(session, TransferOrder, sorted(transfer_ids)):
        held.transfer_orders[transfer.number] = transfer
    _lock_movement_ids(session, movement_ids)
    return held


_MOVEMENT_ID_LOCKS = 0x4D4F5645  # "MOVE": this lock's own key space among PostgreSQL's advisory locks


def _lock_movement_ids(session: Session, movement_ids: Iterable[str]) -> None:
    """Held to the end of the transaction. Once held, a racing batch with one of these ids has committed
    (a lookup sees it) or waits for us: no insert waits on another's unique-index entry. Two ids sharing a
    32-bit key only wait for each other, never more."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: BEGIN IMMEDIATE already serialises writers
    keys = sorted({_key(movement_id) for movement_id in movement_ids})
    if keys:
        # unnest yields the array in order, so the locks are taken in sorted order.
        session.execute(text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), k) "
                             "FROM unnest(CAST(:keys AS integer[])) AS k"), {"space": _MOVEMENT_ID_LOCKS, "keys": keys})


def _key(movement_id: str) -> int:
    digest = hashlib.blake2b(movement_id.encode("utf-8", "surrogatepass"), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def _lock_rows(session: Session, model, ids: list[int]) -> list:
    # One statement per row, in the order given: the order of locking is the point.
    return [session.execute(select(model).where(model.id == row_id).with_for_update()
                            .execution_options(populate_existing=True)).scalar_one() for row_id in ids]
