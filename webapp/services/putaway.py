"""Putaway suggestions for the receiver at the dock: the bins of the warehouse, as the rule in
domain/putaway.py sees them."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import StockLevel
from webapp.db.models import Location
from webapp.domain.errors import NotFound
from webapp.domain.putaway import BinState, suggest_putaway
from webapp.services.catalogue import find_item, resolve_warehouse


def putaway_suggestions(session: Session, code: str, warehouse_code: str | None, limit: int = 3) -> dict:
    """Bins to put an item away to (domain/putaway.py), for the receiver at the dock."""
    scanned = find_item(session, code)
    if scanned is None:
        raise NotFound("unknown_item", f"no item with SKU or barcode {code}")
    warehouse = resolve_warehouse(session, warehouse_code)
    held = {location_id: (item_id == scanned.item.id) for location_id, item_id in session.execute(
        select(StockLevel.location_id, StockLevel.item_id).where(StockLevel.warehouse_id == warehouse.id,
                                                                 StockLevel.qty > 0))}
    holding = set(session.scalars(select(StockLevel.location_id).where(
        StockLevel.warehouse_id == warehouse.id, StockLevel.item_id == scanned.item.id, StockLevel.qty > 0)))
    bins = [BinState(b.code, b.walk_key, b.temperature, b.id in holding, b.id not in held)
            for b in session.scalars(select(Location).where(Location.warehouse_id == warehouse.id,
                                                            Location.kind == "bin", Location.frozen == False))]  # noqa: E712
    return {"item": scanned.item.sku, "temperature": scanned.item.temperature, "warehouse": warehouse.code,
            "bins": suggest_putaway(scanned.item.temperature, bins, limit)}
