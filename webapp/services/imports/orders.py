"""Customer orders by CSV: one row per line (number, item, qty, …), rows of one number make one order.
Intake is POST /orders's own: reserved whole or backordered whole; the same number with the same content is
the original, with other content an idempotency_conflict."""
from sqlalchemy.orm import Session

from webapp.domain.csv_import import (
    LINE_QTY,
    Column,
    Group,
    Layout,
    decimal,
    quantity,
    text,
)
from webapp.domain.roles import ORDER_MANAGERS
from webapp.services.imports import ImportKind, resolve_lines
from webapp.services.orders import LineIntake, OrderIntake, intake_order

LAYOUT = Layout(key="number", lines=True, columns=(
    Column("number", text(64), required=True, per_number=True),
    Column("item", text(64), required=True),
    Column("qty", quantity(*LINE_QTY), required=True),
    Column("unit_price", decimal(0, 1_000_000_000), default=""),
    Column("warehouse", text(64), per_number=True),
    Column("ship_to_name", text(500), per_number=True),
    Column("notes", text(2000), default="", per_number=True),
))


def import_group(session: Session, group: Group, user_id: int | None) -> str:
    resolve_lines(session, group)  # every unknown item of the order named, not only the first
    f = group.fields
    intake = OrderIntake(number=group.key, notes=f["notes"], warehouse=f["warehouse"],
                         ship_to={"name": f["ship_to_name"]} if f["ship_to_name"] else {},
                         lines=[LineIntake(item=line["item"], qty=line["qty"], unit_price=line["unit_price"])
                                for line in group.lines])
    _, created = intake_order(session, intake, user_id)
    return "created" if created else "already_there"


KIND = ImportKind(name="orders", layout=LAYOUT, roles=ORDER_MANAGERS, import_group=import_group)
