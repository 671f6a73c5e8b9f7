"""Items (with barcodes and pack sizes) and locations: creating and finding them."""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.models import Item, ItemBarcode, ItemUom, Location, Supplier
from webapp.domain.checkdigit import normalise_gtin
from webapp.domain.errors import Conflict, DomainError, NotFound
from webapp.domain.locations import check_location, check_timezone
from webapp.domain.units import PackSize, check_pack_sizes, to_base


@dataclass
class ItemSpec:
    sku: str
    name: str
    barcodes: list[str] = field(default_factory=list)
    uoms: list[dict] = field(default_factory=list)  # {"code", "factor", "barcode"?}
    unit_cost_cents: int = 0
    reorder_point: int = 0
    reorder_qty: int = 0
    abc_class: str = "C"
    temperature: str = "ambient"
    supplier_code: str | None = None
    lot_tracked: bool = False


def create_item(session: Session, spec: ItemSpec) -> Item:
    packs = [PackSize(u["code"], u["factor"]) for u in spec.uoms if u["code"] != "EA"]
    check_pack_sizes(packs)
    if spec.abc_class not in ("A", "B", "C"):
        raise DomainError("invalid_field", "abc_class is A, B or C", field="abc_class")
    if session.scalar(select(Item.id).where(Item.sku == spec.sku)):
        raise Conflict("sku_taken", f"an item with SKU {spec.sku} exists")
    codes = [(normalise_gtin(b), "EA") for b in spec.barcodes]
    codes += [(normalise_gtin(u["barcode"]), u["code"]) for u in spec.uoms if u.get("barcode")]
    wanted = [c for c, _ in codes]
    if len(set(wanted)) != len(wanted):
        raise DomainError("duplicate_barcode", "a barcode appears twice in this item")
    taken = session.scalars(select(ItemBarcode.code).where(ItemBarcode.code.in_(wanted))).all() if wanted else []
    if taken or session.scalar(select(Location.id).where(Location.code.in_(wanted + [spec.sku]))):
        raise Conflict("barcode_taken", f"barcode already in use: {', '.join(taken) or 'a location code'}")
    supplier_id = None
    if spec.supplier_code:
        supplier_id = session.scalar(select(Supplier.id).where(Supplier.code == spec.supplier_code))
        if supplier_id is None:
            raise NotFound("unknown_supplier", f"no supplier {spec.supplier_code}")
    item = Item(sku=spec.sku, name=spec.name, unit_cost_cents=spec.unit_cost_cents, reorder_point=spec.reorder_point,
                reorder_qty=spec.reorder_qty, abc_class=spec.abc_class, temperature=spec.temperature,
                supplier_id=supplier_id, lot_tracked=spec.lot_tracked)
    session.add(item)
    session.flush()
    session.add(ItemUom(item_id=item.id, code="EA", factor=1))
    for pack in packs:
        session.add(ItemUom(item_id=item.id, code=pack.code, factor=pack.factor))
    for code, uom in codes:
        session.add(ItemBarcode(code=code, item_id=item.id, uom=uom))
    session.flush()
    return item


@dataclass(frozen=True)
class ScannedItem:
    item: Item
    uom: str
    factor: int

    def to_base(self, qty: int) -> int:
        """`qty` of what was scanned, in base units (bounded: invalid_quantity past the limit)."""
        return to_base(qty, PackSize(self.uom, self.factor))


def find_item(session: Session, code: str) -> ScannedItem | None:
    """An item by SKU or by any barcode of it or of one of its pack sizes."""
    item = session.scalar(select(Item).where(Item.sku == code))
    uom = "EA"
    if item is None:
        barcode = session.scalar(select(ItemBarcode).where(ItemBarcode.code == normalise_gtin(code)))
        if barcode is None:
            return None
        item, uom = session.get(Item, barcode.item_id), barcode.uom
    factor = session.scalar(select(ItemUom.factor).where(ItemUom.item_id == item.id, ItemUom.code == uom)) or 1
    return ScannedItem(item=item, uom=uom, factor=factor)


def uom_factor(session: Session, item_id: int, uom: str) -> int | None:
    return session.scalar(select(ItemUom.factor).where(ItemUom.item_id == item_id, ItemUom.code == uom))


def create_location(session: Session, code: str, kind: str, parent_code: str | None = None, name: str = "",
                    timezone: str = "UTC", **attrs) -> Location:
    check_location(kind, parent_code is not None)
    if session.scalar(select(Location.id).where(Location.code == code)):
        raise Conflict("location_code_taken", f"a location with code {code} exists")
    parent = None
    if parent_code is not None:
        parent = session.scalar(select(Location).where(Location.code == parent_code))
        if parent is None:
            raise NotFound("unknown_location", f"no parent location {parent_code}", field="parent")
        if parent.kind == "carton" or (parent.kind == "bin" and kind != "carton"):
            raise DomainError("invalid_parent", f"a {kind} cannot sit inside a {parent.kind}")
    location = Location(code=code, kind=kind, name=name, parent_id=parent.id if parent else None,
                        timezone=check_timezone(timezone) if kind == "warehouse" else (parent.timezone if parent else "UTC"),
                        **attrs)
    if parent is not None:
        location.warehouse_id = parent.warehouse_id
        location.temperature = attrs.get("temperature") or parent.temperature
    session.add(location)
    session.flush()
    if kind == "warehouse":
        location.warehouse_id = location.id
    return location


def find_location(session: Session, code: str) -> Location | None:
    return session.scalar(select(Location).where(Location.code == code))


def warehouses(session: Session) -> list[Location]:
    return list(session.scalars(select(Location).where(Location.kind == "warehouse").order_by(Location.id)))


def resolve_warehouse(session: Session, code: str | None) -> Location:
    """The named warehouse, or the only one; several and none named → warehouse_required."""
    if code:
        location = find_location(session, code)
        if location is None or location.kind != "warehouse":
            raise NotFound("unknown_warehouse", f"no warehouse {code}")
        return location
    found = warehouses(session)
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound("unknown_warehouse", "there is no warehouse yet")
    raise DomainError("warehouse_required", "there are several warehouses: say which one")


def catalog_page(session: Session, after: int, limit: int) -> dict:
    """Items with their barcodes and pack sizes (no quantities) for a device's offline lookups;
    every location on the first page."""
    items = list(session.scalars(select(Item).where(Item.id > after).order_by(Item.id).limit(limit)))
    ids = [i.id for i in items] or [0]
    barcodes, uoms = {}, {}
    for b in session.scalars(select(ItemBarcode).where(ItemBarcode.item_id.in_(ids))):
        barcodes.setdefault(b.item_id, []).append({"code": b.code, "uom": b.uom})
    for u in session.scalars(select(ItemUom).where(ItemUom.item_id.in_(ids))):
        uoms.setdefault(u.item_id, []).append({"code": u.code, "factor": u.factor})
    page = {
        "items": [{"sku": i.sku, "name": i.name, "lot_tracked": i.lot_tracked, "barcodes": barcodes.get(i.id, []),
                   "uoms": uoms.get(i.id, [])} for i in items],
        "next_cursor": str(items[-1].id) if len(items) == limit else None,
    }
    if after == 0:
        codes = dict(session.execute(select(Location.id, Location.code)).tuples().all())
        page["locations"] = [{"code": l.code, "kind": l.kind, "name": l.name, "parent": codes.get(l.parent_id),
                              "frozen": l.frozen, "walk_key": l.walk_key}
                             for l in session.scalars(select(Location).order_by(Location.id))]
    return page
