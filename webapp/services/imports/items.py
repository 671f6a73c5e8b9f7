"""Items by CSV: one row per SKU; a SKU already there with the same values is left alone."""
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.db.models import Item
from webapp.domain.checkdigit import normalise_gtin
from webapp.domain.csv_import import (
    STOCK_FIGURE,
    Column,
    Group,
    Layout,
    choice,
    code_list,
    decimal,
    echo,
    quantity,
    text,
)
from webapp.domain.errors import Conflict
from webapp.domain.locations import TEMPERATURE_ZONES
from webapp.domain.roles import CATALOGUE_EDITORS
from webapp.services.catalogue import ItemSpec, create_item, item_json
from webapp.services.imports import ImportKind

LAYOUT = Layout(key="sku", lines=False, columns=(
    Column("sku", text(64), required=True),
    Column("name", text(200), required=True),
    Column("barcodes", code_list(64, 20), default=[]),
    Column("unit_cost", decimal(0, 1_000_000), default="0"),
    Column("reorder_point", quantity(*STOCK_FIGURE), default=0),
    Column("reorder_qty", quantity(*STOCK_FIGURE), default=0),
    Column("safety_stock", quantity(*STOCK_FIGURE), default=0),
    Column("abc_class", choice(("A", "B", "C")), default="C"),
    Column("supplier", text(32)),
    Column("temperature", choice(TEMPERATURE_ZONES), default="ambient"),
    Column("category", text(64), default=""),
))


def _cents(value: str) -> int:
    return round(Decimal(value) * 100)


def import_group(session: Session, group: Group, user_id: int | None) -> str:
    f = group.fields
    existing = session.scalar(select(Item).where(Item.sku == group.key))
    if existing is None:
        try:
            with session.begin_nested():
                create_item(session, ItemSpec(
                    sku=group.key, name=f["name"], barcodes=f["barcodes"], unit_cost_cents=_cents(f["unit_cost"]),
                    reorder_point=f["reorder_point"], reorder_qty=f["reorder_qty"], safety_stock=f["safety_stock"],
                    abc_class=f["abc_class"], supplier_code=f["supplier"], temperature=f["temperature"],
                    category=f["category"]))
            return "created"
        except (IntegrityError, Conflict) as err:
            if isinstance(err, Conflict) and err.code != "sku_taken":
                raise
        # The same file imported at the same moment elsewhere created this SKU first: compare with it.
        existing = session.scalar(select(Item).where(Item.sku == group.key))
        if existing is None:
            raise Conflict("sku_taken", f"item {echo(group.key)} is being created by someone else: import again")
    # Only the cells the file fills in are compared: a column left out or left empty says nothing about the item.
    now = item_json(session, existing)
    wanted = {**f, "unit_cost": _cents(f["unit_cost"]), "barcodes": sorted(normalise_gtin(b) for b in f["barcodes"])}
    now = {**now, "unit_cost": existing.unit_cost_cents, "barcodes": sorted(now["barcodes"])}
    differs = [name for name in sorted(group.filled - {"sku"}) if wanted[name] != now[name]]
    if differs:
        raise Conflict("idempotency_conflict", f"item {echo(group.key)} exists with a different {differs[0]}")
    return "already_there"


KIND = ImportKind(name="items", layout=LAYOUT, roles=CATALOGUE_EDITORS, import_group=import_group)
