"""Reading stock: the five numbers from the projection, exact at the moment of the request."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import StockLevel, StockTotal
from webapp.db.models import Location
from webapp.domain.errors import NotFound
from webapp.domain.ledger import StockNumbers
from webapp.services.catalogue import find_item, resolve_warehouse, warehouses
from webapp.services.ledger import stock_numbers


def stock_report(session: Session, code: str, warehouse_code: str | None = None) -> dict:
    scanned = find_item(session, code)
    if scanned is None:
        raise NotFound("unknown_item", f"no item with SKU or barcode {code}")
    item = scanned.item
    wanted = [resolve_warehouse(session, warehouse_code)] if warehouse_code else warehouses(session)
    by_warehouse = []
    for warehouse in wanted:
        total = session.scalar(select(StockTotal).where(StockTotal.item_id == item.id,
                                                        StockTotal.warehouse_id == warehouse.id))
        numbers = stock_numbers(total)
        by_warehouse.append((warehouse, numbers, bool(total and total.blocked)))
    summed = StockNumbers(*(sum(getattr(n, f) for _, n, _ in by_warehouse)
                            for f in ("on_hand", "reserved", "committed", "in_transit", "quarantined")))
    levels = session.execute(
        select(Location.code, StockLevel.lot, StockLevel.expiry, StockLevel.qty)
        .join(Location, Location.id == StockLevel.location_id)
        .where(StockLevel.item_id == item.id, StockLevel.warehouse_id.in_([w.id for w, _, _ in by_warehouse]),
               StockLevel.qty != 0)
        .order_by(Location.code, StockLevel.expiry, StockLevel.lot)
    ).all()
    report = {"item": {"sku": item.sku, "name": item.name}, **summed.as_json(), "locations": _by_location(levels)}
    if warehouse_code:
        report["warehouse"] = warehouse_code
        report["blocked"] = by_warehouse[0][2]
    else:
        report["warehouses"] = [{"warehouse": w.code, **n.as_json(), "blocked": b} for w, n, b in by_warehouse]
    return report


def _by_location(levels) -> list[dict]:
    """One entry per location with its total (as before lots were shown) and its lots, soonest expiry first:
    {"location", "qty", "lots": [{"lot", "expiry", "qty"}]} (lot and expiry null when the item is untracked)."""
    locations: dict[str, dict] = {}
    for code, lot, expiry, qty in levels:
        entry = locations.setdefault(code, {"location": code, "qty": 0, "lots": []})
        entry["qty"] += int(qty)
        entry["lots"].append({"lot": lot or None, "expiry": expiry or None, "qty": int(qty)})
    return [entry for entry in locations.values() if entry["qty"] != 0]
