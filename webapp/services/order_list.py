"""The order desk's list: newest first, searched by state, item, warehouse, customer and time in the current state."""
import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.db.models import Location
from webapp.db.order_tables import OrderLine, SalesOrder
from webapp.domain.clock import format_instant, utcnow
from webapp.services.catalogue import find_item, find_location

CHUNK = 500  # rows read per round while a customer search filters in Python


@dataclass
class OrderSearch:
    state: str | None = None
    item: str | None = None  # SKU or any barcode
    warehouse: str | None = None  # code
    customer: str | None = None  # part of the ship_to name, any case
    older_than_minutes: int | None = None  # in the current state for longer than this


def customer_of(ship_to: dict) -> str:
    name = ship_to.get("name", "")
    return name if isinstance(name, str) else ""


def list_orders(session: Session, search: OrderSearch, before: int, limit: int) -> dict:
    """A page of order rows; `before`: the next_cursor of the previous page (0: from the newest)."""
    query = select(SalesOrder).order_by(SalesOrder.id.desc())
    if search.state:
        query = query.where(SalesOrder.state == search.state)
    if search.older_than_minutes is not None:
        query = query.where(SalesOrder.state_changed_at < utcnow() - timedelta(minutes=search.older_than_minutes))
    if search.warehouse:
        warehouse = find_location(session, search.warehouse)
        if warehouse is None or warehouse.kind != "warehouse":
            return {"items": [], "next_cursor": None}
        query = query.where(SalesOrder.warehouse_id == warehouse.id)
    if search.item:
        found = find_item(session, search.item)
        if found is None:
            return {"items": [], "next_cursor": None}
        query = query.where(SalesOrder.id.in_(select(OrderLine.order_id).where(OrderLine.item_id == found.item.id)))
    needle = (search.customer or "").casefold()
    if needle.isascii():  # (SQL's lower() is ASCII-only on SQLite, and JSON escapes the rest)
        # A cheap narrowing in SQL (the name is inside the ship_to JSON text); the exact test is in Python below.
        query = query.where(func.lower(SalesOrder.ship_to).contains(json.dumps(needle)[1:-1].lower(), autoescape=True))
    page: list[SalesOrder] = []
    cursor = before
    while len(page) <= limit:
        chunk = session.scalars((query.where(SalesOrder.id < cursor) if cursor else query).limit(CHUNK)).all()
        page += [o for o in chunk if not needle or needle in customer_of(json.loads(o.ship_to or "{}")).casefold()]
        if len(chunk) < CHUNK:
            break
        cursor = chunk[-1].id
    rows = page[:limit]
    return {"items": _rows(session, rows), "next_cursor": str(rows[-1].id) if len(page) > limit else None}


def _rows(session: Session, orders: list[SalesOrder]) -> list[dict]:
    ids = [o.id for o in orders] or [0]
    totals = {order_id: (lines, units) for order_id, lines, units in session.execute(
        select(OrderLine.order_id, func.count(), func.sum(OrderLine.qty)).where(OrderLine.order_id.in_(ids))
        .group_by(OrderLine.order_id)).all()}
    codes = dict(session.execute(select(Location.id, Location.code).where(
        Location.id.in_({o.warehouse_id for o in orders} or {0}))).tuples().all())
    return [{"number": o.number, "state": o.state, "warehouse": codes.get(o.warehouse_id),
             "customer": customer_of(json.loads(o.ship_to or "{}")),
             "lines": totals.get(o.id, (0, 0))[0], "units": int(totals.get(o.id, (0, 0))[1] or 0),
             "created_at": format_instant(o.created_at), "state_changed_at": format_instant(o.state_changed_at)}
            for o in orders]
