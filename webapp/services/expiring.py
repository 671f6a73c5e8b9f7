"""What expires soon: stock on hand whose lot's expiry day falls within N days (or has passed), per location."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import StockLevel
from webapp.db.models import Item, Location
from webapp.domain.expiry import days_left, expiry_cutoff
from webapp.services.catalogue import resolve_warehouse, warehouses


def expiring_stock(session: Session, days: int, today: date, warehouse_code: str | None = None) -> dict:
    """Lots with stock (qty > 0) expiring on or before today + `days`, soonest first; expired ones included."""
    cutoff = expiry_cutoff(today, days)
    wanted = [resolve_warehouse(session, warehouse_code)] if warehouse_code else warehouses(session)
    code_of = {w.id: w.code for w in wanted}
    rows = session.execute(
        select(Item.sku, Item.name, Location.code, StockLevel.warehouse_id, StockLevel.lot, StockLevel.expiry,
               StockLevel.qty)
        .join(Item, Item.id == StockLevel.item_id).join(Location, Location.id == StockLevel.location_id)
        .where(StockLevel.expiry != "", StockLevel.expiry <= cutoff, StockLevel.qty > 0,
               StockLevel.warehouse_id.in_(list(code_of)))
        .order_by(StockLevel.expiry, Item.sku, Location.code, StockLevel.lot)).all()
    return {"days": days, "today": today.isoformat(), "until": cutoff,
            "items": [{"item": sku, "name": name, "warehouse": code_of[warehouse_id], "location": location,
                       "lot": lot or None, "expiry": expiry, "days_left": days_left(today, expiry), "qty": int(qty)}
                      for sku, name, location, warehouse_id, lot, expiry, qty in rows]}
