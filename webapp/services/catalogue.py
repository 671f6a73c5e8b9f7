"""Items (with barcodes and pack sizes) and locations: creating and finding them."""
from dataclasses import dataclass, field

from sqlalchemy import delete, select
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
    category: str = ""
    safety_stock: int = 0


# What PATCH /api/v1/items/{sku} may change (None: leave as it is); barcodes and pack sizes are replaced whole.
@dataclass
class ItemChanges:
    name: str | None = None
    barcodes: list[str] | None = None
    uoms: list[dict] | None = None
    unit_cost_cents: int | None = None
    reorder_point: int | None = None
    reorder_qty: int | None = None
    abc_class: str | None = None
    temperature: str | None = None
    supplier_code: str | None = None
    category: str | None = None
    safety_stock: int | None = None


def create_item(session: Session, spec: ItemSpec) -> Item:
    if spec.abc_class not in ("A", "B", "C"):
        raise DomainError("invalid_field", "abc_class is A, B or C", field="abc_class")
    if session.scalar(select(Item.id).where(Item.sku == spec.sku)):
        raise Conflict("sku_taken", f"an item with SKU {spec.sku} exists")
    item = Item(sku=spec.sku, name=spec.name, unit_cost_cents=spec.unit_cost_cents, reorder_point=spec.reorder_point,
                reorder_qty=spec.reorder_qty, abc_class=spec.abc_class, temperature=spec.temperature,
                supplier_id=_supplier_id(session, spec.supplier_code), lot_tracked=spec.lot_tracked,
                category=spec.category, safety_stock=spec.safety_stock)
    session.add(item)
    session.flush()
    _set_codes(session, item, spec.barcodes, spec.uoms, sku=spec.sku)
    return item


def change_item(session: Session, sku: str, changes: ItemChanges) -> Item:
    """Change what is given; barcodes and pack sizes are replaced whole (movements keep their base units)."""
    item = session.scalar(select(Item).where(Item.sku == sku).with_for_update())
    if item is None:
        raise NotFound("unknown_item", f"no item {sku}")
    for name in ("name", "unit_cost_cents", "reorder_point", "reorder_qty", "abc_class", "temperature", "category",
                 "safety_stock"):
        value = getattr(changes, name)
        if value is not None:
            setattr(item, name, value)
    if changes.supplier_code is not None:
        item.supplier_id = _supplier_id(session, changes.supplier_code or None)
    if changes.barcodes is not None or changes.uoms is not None:
        uoms = changes.uoms if changes.uoms is not None else item_uoms(session, item)
        barcodes = changes.barcodes if changes.barcodes is not None else [
            b.code for b in session.scalars(select(ItemBarcode).where(ItemBarcode.item_id == item.id,
                                                                      ItemBarcode.uom == "EA"))]
        session.execute(delete(ItemBarcode).where(ItemBarcode.item_id == item.id))
        session.execute(delete(ItemUom).where(ItemUom.item_id == item.id))
        session.flush()
        _set_codes(session, item, barcodes, uoms, sku=item.sku)
    session.flush()
    return item


def item_uoms(session: Session, item: Item) -> list[dict]:
    """The item's pack sizes (not EA) with the barcode of each, as POST /items takes them."""
    barcode_of = {b.uom: b.code for b in session.scalars(select(ItemBarcode).where(ItemBarcode.item_id == item.id,
                                                                                   ItemBarcode.uom != "EA"))}
    return [{"code": u.code, "factor": u.factor, "barcode": barcode_of.get(u.code)}
            for u in session.scalars(select(ItemUom).where(ItemUom.item_id == item.id, ItemUom.code != "EA")
                                     .order_by(ItemUom.id))]


def item_json(session: Session, item: Item) -> dict:
    supplier = session.get(Supplier, item.supplier_id) if item.supplier_id else None
    return {"sku": item.sku, "name": item.name,
            "barcodes": list(session.scalars(select(ItemBarcode.code).where(ItemBarcode.item_id == item.id,
                                                                          ItemBarcode.uom == "EA"))),
            "uoms": item_uoms(session, item), "unit_cost": item.unit_cost_cents / 100,
            "reorder_point": item.reorder_point, "reorder_qty": item.reorder_qty, "safety_stock": item.safety_stock,
            "abc_class": item.abc_class, "temperature": item.temperature, "category": item.category,
            "supplier": supplier.code if supplier else None}


def _supplier_id(session: Session, code: str | None) -> int | None:
    if not code:
        return None
    supplier_id = session.scalar(select(Supplier.id).where(Supplier.code == code))
    if supplier_id is None:
        raise NotFound("unknown_supplier", f"no supplier {code}")
    return supplier_id


def _set_codes(session: Session, item: Item, barcodes: list[str], uoms: list[dict], *, sku: str) -> None:
    """The item's pack sizes (EA always) and barcodes: each barcode unique across items and locations."""
    packs = [PackSize(u["code"], u["factor"]) for u in uoms if u["code"] != "EA"]
    check_pack_sizes(packs)
    codes = [(normalise_gtin(b), "EA") for b in barcodes]
    codes += [(normalise_gtin(u["barcode"]), u["code"]) for u in uoms if u.get("barcode")]
    wanted = [c for c, _ in codes]
    if len(set(wanted)) != len(wanted):
        raise DomainError("duplicate_barcode", "a barcode appears twice in this item")
    taken = session.scalars(select(ItemBarcode.code).where(ItemBarcode.code.in_(wanted))).all() if wanted else []
    if taken or session.scalar(select(Location.id).where(Location.code.in_(wanted + [sku]))):
        raise Conflict("barcode_taken", f"barcode already in use: {', '.join(taken) or 'a location code'}")
    session.add(ItemUom(item_id=item.id, code="EA", factor=1))
    for pack in packs:
        session.add(ItemUom(item_id=item.id, code=pack.code, factor=pack.factor))
    for code, uom in codes:
        session.add(ItemBarcode(code=code, item_id=item.id, uom=uom))
    session.flush()


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


def find_items(session: Session, codes) -> dict:
    """find_item for many codes in three queries (a sync batch scans a few hundred). Codes not found are left
    out: find_item has the last word on those."""
    codes = {code for code in codes if isinstance(code, str) and code}
    if not codes:
        return {}
    found = {item.sku: (item, "EA") for item in session.scalars(select(Item).where(Item.sku.in_(sorted(codes))))}
    by_gtin: dict = {}
    for code in codes - set(found):
        by_gtin.setdefault(normalise_gtin(code), []).append(code)
    if by_gtin:
        for barcode, item in session.execute(select(ItemBarcode, Item).join(Item, Item.id == ItemBarcode.item_id)
                                             .where(ItemBarcode.code.in_(sorted(by_gtin)))).tuples():
            for code in by_gtin[barcode.code]:
                found[code] = (item, barcode.uom)
    packed = sorted({item.id for item, uom in found.values() if uom != "EA"})  # EA is 1 (find_item's `or 1`)
    factors = dict(((item_id, code), factor) for item_id, code, factor in session.execute(
        select(ItemUom.item_id, ItemUom.code, ItemUom.factor).where(ItemUom.item_id.in_(packed)))) if packed else {}
    return {code: ScannedItem(item=item, uom=uom, factor=factors.get((item.id, uom)) or 1)
            for code, (item, uom) in found.items()}


def find_locations(session: Session, codes) -> dict:
    """find_location for many codes in one query; codes not found are left out."""
    codes = sorted({code for code in codes if isinstance(code, str) and code})
    if not codes:
        return {}
    return {location.code: location for location in session.scalars(select(Location).where(Location.code.in_(codes)))}


def uom_factor(session: Session, item_id: int, uom: str) -> int | None:
    return session.scalar(select(ItemUom.factor).where(ItemUom.item_id == item_id, ItemUom.code == uom))


def create_location(session: Session, code: str, kind: str, parent_code: str | None = None, name: str = "",
                    timezone: str = "UTC", **attrs) -> Location:
    check_location(kind, parent_code is not None)
    attrs = {name: value for name, value in attrs.items() if value is not None}  # not given: inherited or default
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
