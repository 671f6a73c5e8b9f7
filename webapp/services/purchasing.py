"""Purchase orders: what is expected in; open quantities count as in transit."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import StockTotal
from webapp.db.models import Item, Location, Supplier
from webapp.db.order_tables import ExceptionRecord, PurchaseOrder, PurchaseOrderLine
from webapp.domain.clock import format_instant
from webapp.domain.errors import Conflict, NotFound
from webapp.domain.ledger import open_on_order
from webapp.services.catalogue import find_item, resolve_warehouse
from webapp.services.ledger import lock_totals
from webapp.services.locks import lock_in_order
from webapp.services.ref_numbers import document_by_number, refuse_number_in_use


@dataclass
class PoIntake:
    number: str
    supplier: str
    lines: list[tuple[str, int]]
    expected_at: datetime | None = None
    warehouse: str | None = None


def create_purchase_order(session: Session, intake: PoIntake) -> PurchaseOrder:
    supplier = session.scalar(select(Supplier).where(Supplier.code == intake.supplier))
    if supplier is None:
        raise NotFound("unknown_supplier", f"no supplier {intake.supplier}")
    refuse_number_in_use(session, intake.number, "purchase order")
    warehouse = resolve_warehouse(session, intake.warehouse)
    resolved = []
    for n, (code, qty) in enumerate(intake.lines, start=1):
        scanned = find_item(session, code)
        if scanned is None:
            raise NotFound("unknown_item", f"line {n}: no item {code}", line=n)
        resolved.append((scanned.item.id, scanned.to_base(qty)))
    lock_totals(session, [(item_id, warehouse.id) for item_id, _ in resolved])
    po = PurchaseOrder(number=intake.number, supplier_id=supplier.id, warehouse_id=warehouse.id,
                       expected_at=intake.expected_at)
    try:
        with session.begin_nested():
            session.add(po)
            session.flush()
    except IntegrityError:
        raise Conflict("purchase_order_exists", f"purchase order {intake.number} exists") from None
    for item_id, qty in resolved:
        session.add(PurchaseOrderLine(purchase_order_id=po.id, item_id=item_id, qty=qty))
        session.execute(update(StockTotal).where(StockTotal.item_id == item_id, StockTotal.warehouse_id == warehouse.id)
                        .values(in_transit=StockTotal.in_transit + qty))
    session.flush()
    return po


def get_purchase_order(session: Session, number: str) -> PurchaseOrder:
    return document_by_number(session, "purchase order", number)


def purchase_order_json(session: Session, po: PurchaseOrder) -> dict:
    rows = session.execute(select(PurchaseOrderLine, Item.sku).join(Item, Item.id == PurchaseOrderLine.item_id)
                           .where(PurchaseOrderLine.purchase_order_id == po.id).order_by(PurchaseOrderLine.id)).all()
    supplier = session.get(Supplier, po.supplier_id)
    warehouse = session.get(Location, po.warehouse_id)
    return {"number": po.number, "supplier": supplier.code if supplier else None,
            "warehouse": warehouse.code if warehouse else None, "state": po.status,
            "expected_at": format_instant(po.expected_at),
            "lines": [{"line": n, "item": sku, "ordered": line.qty, "received": line.qty_received,
                       "open": open_on_order(line.qty, line.qty_received, po.status)}
                      for n, (line, sku) in enumerate(rows, start=1)]}


def purchase_order_page(session: Session, state: str | None, supplier: str | None, after: int, limit: int) -> dict:
    query = select(PurchaseOrder).where(PurchaseOrder.id > after)
    if state:
        query = query.where(PurchaseOrder.status == state)
    if supplier:
        query = query.join(Supplier, Supplier.id == PurchaseOrder.supplier_id).where(Supplier.code == supplier)
    rows = session.scalars(query.order_by(PurchaseOrder.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [purchase_order_json(session, po) for po in rows],
            "next_cursor": str(rows[-1].id) if more else None}


def close_purchase_order(session: Session, number: str, reason: str) -> PurchaseOrder:
    """Nothing more is expected: what is still open leaves in transit, and each line received short is an
    `under_receipt` exception for the supervisor (what arrived stays, as the floor recorded it)."""
    po = get_purchase_order(session, number)
    item_ids = session.scalars(select(PurchaseOrderLine.item_id).where(PurchaseOrderLine.purchase_order_id == po.id))
    # The global lock order: its items' totals, then the purchase order row.
    po = lock_in_order(session, totals=[(item_id, po.warehouse_id) for item_id in item_ids], po_numbers={number}).purchase_orders[number]
    if po.status != "open":
        raise Conflict("purchase_order_closed", f"purchase order {number} is already {po.status}")
    lines = session.scalars(select(PurchaseOrderLine).where(PurchaseOrderLine.purchase_order_id == po.id)).all()
    for line in lines:
        still_open = open_on_order(line.qty, line.qty_received, po.status)
        if still_open:
            session.execute(update(StockTotal).where(StockTotal.item_id == line.item_id,
                                                     StockTotal.warehouse_id == po.warehouse_id)
                            .values(in_transit=StockTotal.in_transit - still_open))
        if line.qty_received < line.qty:
            session.add(ExceptionRecord(code="under_receipt", item_id=line.item_id, location_id=po.warehouse_id,
                                        ref=po.number, detail=f"received {line.qty_received} of {line.qty}"
                                                              + (f": {reason}" if reason else "")))
    po.status = "closed"
    session.flush()
    return po

