"""Purchase orders: what is expected in; open quantities count as in transit."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import StockTotal
from webapp.db.models import Supplier
from webapp.db.order_tables import PurchaseOrder, PurchaseOrderLine
from webapp.domain.errors import Conflict, NotFound
from webapp.services.catalogue import find_item, resolve_warehouse
from webapp.services.ledger import lock_totals


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
