"""The demo warehouse: one site, ambient/chilled/frozen zones over levels, ~300 bins, ~300 items.

Idempotent: running it again adds nothing that is already there.
"""
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.db.models import Item, Location, Supplier, User
from webapp.domain.checkdigit import with_check_digit
from webapp.services.catalogue import ItemSpec, create_item, create_location
from webapp.services.users import create_user

WAREHOUSE = "WH1"
DEMO_PASSWORD = "dockhand-demo"
DEMO_PEOPLE = [
    ("asha", ["picker"]),
    ("ravi", ["receiver"]),
    ("chen", ["counter"]),
    ("maria", ["supervisor"]),
    ("admin", ["admin"]),
    ("erp", ["integration"]),
]
# zone code, temperature, aisles, bays per aisle, levels
ZONES = [
    ("AMB", "ambient", "ABCD", 20, 3),
    ("CHL", "chilled", "EF", 10, 2),
    ("FRZ", "frozen", "GH", 8, 2),
]
SUPPLIERS = [
    ("SUP-NORTH", "Northern Foods Ltd", 5),
    ("SUP-DAIRY", "Vale Dairy Co-op", 2),
    ("SUP-FROST", "Frostline Frozen", 7),
    ("SUP-HOME", "Homeware Direct", 10),
    ("SUP-DRINK", "Brightwater Drinks", 4),
    ("SUP-CLEAN", "Sparkle Cleaning Supplies", 14),
]
PRODUCTS = {
    "ambient": (["Basmati Rice", "Penne Pasta", "Chopped Tomatoes", "Baked Beans", "Olive Oil", "Cornflakes",
                 "Rolled Oats", "Peanut Butter", "Strawberry Jam", "Green Tea", "Ground Coffee", "Sparkling Water",
                 "Orange Juice", "Dish Soap", "Paper Towels", "Laundry Pods", "Chickpeas", "Coconut Milk",
                 "Sea Salt", "Plain Flour"], ["SUP-NORTH", "SUP-DRINK", "SUP-CLEAN", "SUP-HOME"]),
    "chilled": (["Whole Milk", "Greek Yoghurt", "Cheddar", "Butter", "Free Range Eggs", "Hummus", "Fresh Pasta",
                 "Smoked Salmon", "Chicken Thighs", "Mozzarella"], ["SUP-DAIRY", "SUP-NORTH"]),
    "frozen": (["Garden Peas", "Fish Fingers", "Vanilla Ice Cream", "Oven Chips", "Margherita Pizza",
                "Mixed Berries", "Veggie Burgers", "Spinach Portions", "Prawns", "Sweetcorn"], ["SUP-FROST"]),
}
SIZES = ["250g", "400g", "500g", "1kg", "6 pack", "1L", "2L", "750ml", "12 pack", "Family"]
COMPANY_PREFIX = "5012345"  # 7 digits; item references are 5 digits → GTIN-13 body of 12


def seed_demo(session: Session) -> str:
    created = {"people": 0, "locations": 0, "items": 0}
    created["people"] = _seed_people(session)
    created["locations"] = _seed_locations(session)
    _seed_suppliers(session)
    created["items"] = _seed_items(session)
    created["receipts"] = _seed_stock(session)
    _seed_orders(session)
    bins = session.scalar(select(func.count()).select_from(Location).where(Location.kind == "bin"))
    items = session.scalar(select(func.count()).select_from(Item))
    return (f"demo warehouse {WAREHOUSE}: {bins} bins, {items} items "
            f"(added {created['people']} people, {created['locations']} locations, {created['items']} items, "
            f"{created['receipts']} opening receipts)")


def _seed_people(session: Session) -> int:
    added = 0
    for username, roles in DEMO_PEOPLE:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            create_user(session, username, DEMO_PASSWORD, roles)
            added += 1
    return added


def _location(session: Session, existing: set[str], code: str, kind: str, parent: str | None, **attrs) -> int:
    if code in existing:
        return 0
    create_location(session, code, kind, parent, **attrs)
    existing.add(code)
    return 1


def _seed_locations(session: Session) -> int:
    existing = set(session.scalars(select(Location.code)))
    added = _location(session, existing, WAREHOUSE, "warehouse", None, name="Dockhand Demo DC", timezone="Europe/London")
    for zone_no, (zone, temperature, aisles, bays, levels) in enumerate(ZONES, start=1):
        zone_code = f"{WAREHOUSE}-{zone}"
        added += _location(session, existing, zone_code, "zone", WAREHOUSE, name=f"{temperature.title()} zone",
                           temperature=temperature)
        for aisle_no, aisle in enumerate(aisles):
            aisle_code = f"{WAREHOUSE}-{aisle}"
            added += _location(session, existing, aisle_code, "aisle", zone_code, name=f"Aisle {aisle}")
            # Serpentine walk: odd aisles are walked up, even aisles back down.
            bay_order = range(1, bays + 1) if aisle_no % 2 == 0 else range(bays, 0, -1)
            for walk_no, bay in enumerate(bay_order):
                for level in range(1, levels + 1):
                    added += _location(
                        session, existing, f"{WAREHOUSE}-{aisle}-{bay:02d}-{level:02d}", "bin", aisle_code,
                        level=level, walk_key=f"{zone_no}-{aisle_no:02d}-{walk_no:03d}-{level}",
                    )
    for n in range(1, 5):
        added += _location(session, existing, f"{WAREHOUSE}-DOCK-{n}", "dock", WAREHOUSE, name=f"Dock door {n}")
        added += _location(session, existing, f"{WAREHOUSE}-PACK-{n}", "pack", WAREHOUSE, name=f"Pack station {n}")
        added += _location(session, existing, f"{WAREHOUSE}-OUT-{n}", "outbound", WAREHOUSE, name=f"Outbound lane {n}")
    for n in range(1, 41):
        added += _location(session, existing, f"TOTE-{n:02d}", "tote", WAREHOUSE, name=f"Tote {n}")
    return added


def _seed_suppliers(session: Session) -> None:
    existing = set(session.scalars(select(Supplier.code)))
    for code, name, lead_time in SUPPLIERS:
        if code not in existing:
            session.add(Supplier(code=code, name=name, lead_time_days=lead_time))
    session.flush()


def demo_items() -> list[ItemSpec]:
    """~300 items with valid GTIN-13 unit barcodes and GTIN-14 case barcodes."""
    specs = []
    n = 0
    for temperature, (products, suppliers) in PRODUCTS.items():
        per_product = {"ambient": 10, "chilled": 5, "frozen": 5}[temperature]
        for p_index, product in enumerate(products):
            for variant in range(per_product):
                n += 1
                body = COMPANY_PREFIX + f"{n:05d}"
                unit_gtin = with_check_digit(body)
                case_gtin = with_check_digit("1" + body)
                case_size = (6, 12, 24)[n % 3]
                abc = "A" if n % 10 < 2 else ("B" if n % 10 < 5 else "C")
                specs.append(ItemSpec(
                    sku=f"DH-{10000 + n}",
                    name=f"{product} {SIZES[variant % len(SIZES)]}" + (f" v{variant // len(SIZES) + 1}" if variant >= len(SIZES) else ""),
                    barcodes=[unit_gtin],
                    uoms=[{"code": "CS", "factor": case_size, "barcode": case_gtin}],
                    unit_cost_cents=50 + (n * 37) % 1500,
                    reorder_point=case_size * 4,
                    reorder_qty=case_size * 10,
                    abc_class=abc,
                    temperature=temperature,
                    supplier_code=suppliers[p_index % len(suppliers)],
                    lot_tracked=temperature != "ambient",
                ))
    return specs


def _seed_items(session: Session) -> int:
    existing = set(session.scalars(select(Item.sku)))
    added = 0
    for spec in demo_items():
        if spec.sku not in existing:
            create_item(session, spec)
            added += 1
    return added


def _seed_stock(session: Session) -> int:
    """Opening stock, received through the ledger like any scan: one receipt per item into a bin of its zone."""
    from datetime import date, timedelta

    from webapp.db.ledger_tables import Movement
    from webapp.db.models import ItemUom
    from webapp.domain.clock import utcnow
    from webapp.domain.ledger import content_digest
    from webapp.services.exceptions import open_exceptions_for
    from webapp.services.ledger import MovementInput, post_movement

    done = set(session.scalars(select(Movement.id).where(Movement.id.like("demo-receipt-%"))))
    admin_id = session.scalar(select(User.id).where(User.username == "admin"))
    bins = {t: list(session.scalars(select(Location).where(Location.kind == "bin", Location.temperature == t)
                                    .order_by(Location.walk_key))) for t in ("ambient", "chilled", "frozen")}
    added = 0
    for n, item in enumerate(session.scalars(select(Item).order_by(Item.id)).all()):
        movement_id = f"demo-receipt-{item.sku}"
        if movement_id in done:
            continue
        zone_bins = bins[item.temperature]
        location = zone_bins[(n * 7) % len(zone_bins)]
        case = session.scalar(select(ItemUom.factor).where(ItemUom.item_id == item.id, ItemUom.code == "CS")) or 1
        qty = case * (2 + n % 9)
        lot = f"L{2611 + n % 5}-{n:03d}" if item.lot_tracked else ""
        expiry = (date(2026, 12, 20) + timedelta(days=(n * 13) % 200)).isoformat() if item.lot_tracked else ""
        movement = post_movement(session, MovementInput(
            id=movement_id, kind="receive", item_id=item.id, warehouse_id=location.warehouse_id, qty_base=qty,
            qty_scanned=qty // case, uom="CS" if case > 1 else "EA", to_location=location, lot=lot, expiry=expiry,
            reason="opening stock", scanned_by_id=admin_id, sent_by_id=admin_id, device_id="demo-seed",
            occurred_at=utcnow(), content_hash=content_digest({"demo": item.sku})))
        open_exceptions_for(session, movement)
        added += 1
    return added


def _seed_orders(session: Session) -> None:
    """A purchase order on its way and a handful of customer orders waiting to be picked."""
    from webapp.db.order_tables import PurchaseOrder, SalesOrder
    from webapp.services.orders import LineIntake, OrderIntake, intake_order
    from webapp.services.purchasing import PoIntake, create_purchase_order

    if session.scalar(select(PurchaseOrder.id).where(PurchaseOrder.number == "PO-5001")) is None:
        create_purchase_order(session, PoIntake("PO-5001", "SUP-NORTH", [("DH-10001", 120), ("DH-10002", 60)]))
    customers = [("Ann Baker", "12 Mill Lane, York YO1 7HH"), ("Bo Chen", "3 Quay St, Hull HU1 1AA"),
                 ("Cara Diaz", "88 High St, Leeds LS1 4AP")]
    for n in range(1, 6):
        number = f"SO-{10040 + n}"
        if session.scalar(select(SalesOrder.id).where(SalesOrder.number == number)) is not None:
            continue
        name, address = customers[n % len(customers)]
        lines = [LineIntake(f"DH-{10000 + (n * 17 + k * 31) % 300 + 1}", 1 + (n + k) % 4) for k in range(1 + n % 3)]
        intake_order(session, OrderIntake(number, lines, ship_to={"name": name, "lines": address.split(", ")}), None)
    # A new picker sees work at once: the first three are released to the floor (one walk each); the other
    # two wait for a supervisor to release them from the app.
    from webapp.services.picking import release_orders

    for number in ("SO-10041", "SO-10042", "SO-10043"):
        if session.scalar(select(SalesOrder.state).where(SalesOrder.number == number)) == "validated":
            release_orders(session, [number], None, reason="demo: released for the first shift")
