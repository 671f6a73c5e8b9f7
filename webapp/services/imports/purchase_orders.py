"""Purchase orders by CSV: one row per line (number, supplier, item, qty, …). A number already there with the
same supplier and lines is left alone; with anything else it is an idempotency_conflict."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.models import Location, Supplier
from webapp.db.order_tables import PurchaseOrder, PurchaseOrderLine
from webapp.domain.clock import format_instant
from webapp.domain.csv_import import (
    LINE_QTY,
    Column,
    Group,
    Layout,
    date_or_instant,
    echo,
    quantity,
    text,
)
from webapp.domain.errors import Conflict
from webapp.domain.roles import ORDER_MANAGERS
from webapp.services.imports import ImportKind, resolve_lines
from webapp.services.purchasing import PoIntake, create_purchase_order

LAYOUT = Layout(key="number", lines=True, columns=(
    Column("number", text(64), required=True, per_number=True),
    Column("supplier", text(32), required=True, per_number=True),
    Column("item", text(64), required=True),
    Column("qty", quantity(*LINE_QTY), required=True),
    Column("expected_at", date_or_instant, per_number=True),
    Column("warehouse", text(64), per_number=True),
))


def import_group(session: Session, group: Group, user_id: int | None) -> str:
    lines = resolve_lines(session, group)
    f = group.fields
    existing = session.scalar(select(PurchaseOrder).where(PurchaseOrder.number == group.key))
    if existing is None:
        try:
            create_purchase_order(session, PoIntake(number=group.key, supplier=f["supplier"], expected_at=f["expected_at"],
                                                    warehouse=f["warehouse"],
                                                    lines=[(line["item"], line["qty"]) for line in group.lines]))
            return "created"
        except Conflict as err:
            if err.code != "purchase_order_exists":
                raise
            # Created at the same moment by another import of this file: compare with it.
            existing = session.scalar(select(PurchaseOrder).where(PurchaseOrder.number == group.key))
    differs = _differences(session, existing, f, lines)
    if differs:
        raise Conflict("idempotency_conflict", f"purchase order {echo(group.key)} exists with different {differs[0]}")
    return "already_there"


def _differences(session: Session, po: PurchaseOrder, f: dict, lines: list[tuple[int, int]]) -> list[str]:
    had = list(session.execute(select(PurchaseOrderLine.item_id, PurchaseOrderLine.qty)
                               .where(PurchaseOrderLine.purchase_order_id == po.id).order_by(PurchaseOrderLine.id)).tuples())
    differs = []
    if session.scalar(select(Supplier.code).where(Supplier.id == po.supplier_id)) != f["supplier"]:
        differs.append("supplier")
    if had != lines:
        differs.append("lines")
    if f["warehouse"] and session.scalar(select(Location.code).where(Location.id == po.warehouse_id)) != f["warehouse"]:
        differs.append("warehouse")
    if f["expected_at"] and format_instant(po.expected_at) != format_instant(f["expected_at"]):
        differs.append("expected_at")
    return differs


KIND = ImportKind(name="purchase-orders", layout=LAYOUT, roles=ORDER_MANAGERS, import_group=import_group)
