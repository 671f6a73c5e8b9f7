"""Reports from the ledger and its projection, each as columns and rows (the web layer renders JSON or CSV).

Sums are SQL aggregates; money is integer cents (on hand × the item's unit cost today) and is shown as exact decimal
text. Every report is per warehouse; `warehouse=None` reports every warehouse.
"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import Movement, StockLevel, StockTotal
from webapp.db.models import Item, Location
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.ledger import EFFECTS
from webapp.domain.reorder import ISSUE_KINDS, suggest
from webapp.domain.reports import ON_HAND_SIGN, Column, money, month_starts, turnover
from webapp.services.catalogue import resolve_warehouse, warehouses
from webapp.services.reorder import item_positions

NO_CATEGORY = "(none)"
NO_ZONE = "(no zone)"


def _warehouses(session: Session, code: str | None) -> list[Location]:
    return [resolve_warehouse(session, code)] if code else warehouses(session)


def _report(name: str, columns: list[Column], rows: list[dict], **params) -> dict:
    return {"report": name, **params, "columns": [{"key": c.key, "label": c.label} for c in columns], "rows": rows}


VALUE_COLUMNS = [Column("on_hand", "On hand"), Column("value", "Value")]


def value_by_category(session: Session, warehouse: str | None = None) -> dict:
    rows = []
    for wh in _warehouses(session, warehouse):
        grouped = session.execute(
            select(Item.category, func.sum(StockTotal.on_hand), func.sum(StockTotal.on_hand * Item.unit_cost_cents))
            .join(Item, Item.id == StockTotal.item_id).where(StockTotal.warehouse_id == wh.id)
            .group_by(Item.category).having(func.sum(StockTotal.on_hand) != 0).order_by(Item.category)).all()
        rows += [{"warehouse": wh.code, "category": category or NO_CATEGORY, "on_hand": int(qty),
                  "value": money(cents), "value_cents": int(cents)} for category, qty, cents in grouped]
    return _report("inventory-value-by-category",
                   [Column("warehouse", "Warehouse"), Column("category", "Category"), *VALUE_COLUMNS], rows)


def _zone_of(locations: dict[int, Location]) -> dict[int, str]:
    """Each location's zone code: itself if a zone, else its nearest zone ancestor, else NO_ZONE (docks, totes)."""
    zones: dict[int, str] = {}
    for loc_id in locations:
        seen, at = [], locations.get(loc_id)
        while at is not None and at.kind != "zone" and at.id not in zones:
            seen.append(at.id)
            at = locations.get(at.parent_id) if at.parent_id else None
        zone = (zones[at.id] if at is not None and at.id in zones else at.code if at is not None else NO_ZONE)
        for visited in seen + ([at.id] if at is not None else []):
            zones[visited] = zone
    return zones


def value_by_zone(session: Session, warehouse: str | None = None) -> dict:
    rows = []
    for wh in _warehouses(session, warehouse):
        per_location = session.execute(
            select(StockLevel.location_id, func.sum(StockLevel.qty), func.sum(StockLevel.qty * Item.unit_cost_cents))
            .join(Item, Item.id == StockLevel.item_id).where(StockLevel.warehouse_id == wh.id)
            .group_by(StockLevel.location_id)).all()
        locations = {loc.id: loc for loc in session.scalars(
            select(Location).where((Location.warehouse_id == wh.id) | (Location.id == wh.id)))}
        zone_of = _zone_of(locations)
        totals: dict[str, list[int]] = {}
        for location_id, qty, cents in per_location:
            total = totals.setdefault(zone_of.get(location_id, NO_ZONE), [0, 0])
            total[0] += int(qty)
            total[1] += int(cents)
        rows += [{"warehouse": wh.code, "zone": zone, "on_hand": qty, "value": money(cents), "value_cents": cents}
                 for zone, (qty, cents) in sorted(totals.items()) if qty or cents]
    return _report("inventory-value-by-zone",
                   [Column("warehouse", "Warehouse"), Column("zone", "Zone"), *VALUE_COLUMNS], rows)


def slow_movers(session: Session, days: int = 90, warehouse: str | None = None, now: datetime | None = None) -> dict:
    """Items holding stock that no movement has touched (a count or a short is no movement) for `days` days."""
    since = (now or utcnow()) - timedelta(days=days)
    moving = [kind for kind, effect in EFFECTS.items() if effect != "record"]
    last = (select(Movement.item_id, Movement.warehouse_id, func.max(Movement.occurred_at).label("at"))
            .where(Movement.kind.in_(moving)).group_by(Movement.item_id, Movement.warehouse_id).subquery())
    rows = []
    for wh in _warehouses(session, warehouse):
        found = session.execute(
            select(Item.sku, Item.name, StockTotal.on_hand, StockTotal.on_hand * Item.unit_cost_cents, last.c.at)
            .join(Item, Item.id == StockTotal.item_id)
            .outerjoin(last, and_(last.c.item_id == StockTotal.item_id, last.c.warehouse_id == StockTotal.warehouse_id))
            .where(StockTotal.warehouse_id == wh.id, StockTotal.on_hand > 0,
                   (last.c.at.is_(None)) | (last.c.at < since))
            .order_by(last.c.at, Item.sku)).all()
        rows += [{"warehouse": wh.code, "item": sku, "name": name, "on_hand": int(qty), "value": money(cents),
                  "value_cents": int(cents), "last_movement_at": format_instant(at)}
                 for sku, name, qty, cents, at in found]
    return _report("slow-movers", [Column("warehouse", "Warehouse"), Column("item", "Item"), Column("name", "Name"),
                                   *VALUE_COLUMNS, Column("last_movement_at", "Last movement")], rows, days=days)


def below_reorder_point(session: Session, warehouse: str | None = None) -> dict:
    """Items whose available + in transit is below their (static) reorder point: the same rule the drafts use."""
    rows = []
    for wh in _warehouses(session, warehouse):
        for p in item_positions(session, wh, 1, utcnow()):
            s = suggest(p, "static", 1)
            if s is not None:
                rows.append({"warehouse": wh.code, "item": p.sku, "supplier": p.supplier_code,
                             "available": p.available, "in_transit": p.in_transit, "reorder_point": s.point,
                             "suggested_qty": s.qty})
    return _report("below-reorder-point", [
        Column("warehouse", "Warehouse"), Column("item", "Item"), Column("supplier", "Supplier"),
        Column("available", "Available"), Column("in_transit", "In transit"), Column("reorder_point", "Reorder point"),
        Column("suggested_qty", "Suggested order")], rows)


def negative_stock(session: Session, warehouse: str | None = None) -> dict:
    """Every location, item and lot whose quantity went below zero (the floor took more than the system knew of)."""
    rows = []
    for wh in _warehouses(session, warehouse):
        found = session.execute(
            select(Location.code, Item.sku, Item.name, StockLevel.lot, StockLevel.qty)
            .join(Location, Location.id == StockLevel.location_id).join(Item, Item.id == StockLevel.item_id)
            .where(StockLevel.warehouse_id == wh.id, StockLevel.qty < 0).order_by(Location.code, Item.sku)).all()
        rows += [{"warehouse": wh.code, "location": loc, "item": sku, "name": name, "lot": lot, "qty": int(qty)}
                 for loc, sku, name, lot, qty in found]
    return _report("negative-stock", [Column("warehouse", "Warehouse"), Column("location", "Location"),
                                      Column("item", "Item"), Column("name", "Name"), Column("lot", "Lot"),
                                      Column("qty", "Quantity")], rows)


def monthly_turnover(session: Session, months: int = 12, warehouse: str | None = None,
                     now: datetime | None = None) -> dict:
    """Per calendar month of the warehouse: issues at cost / average stock at cost, from the ledger alone (stock at
    each month's start is the sum of every movement before it). One aggregate query per warehouse."""
    now = now or utcnow()
    sign = case(*[(Movement.kind == kind, literal(s)) for kind, s in ON_HAND_SIGN.items() if s], else_=literal(0))
    cost = Movement.qty_base * Item.unit_cost_cents
    rows = []
    for wh in _warehouses(session, warehouse):
        bounds = month_starts(now, wh.timezone, months)
        held = [func.sum(case((Movement.occurred_at < b, sign * cost), else_=0)) for b in bounds]
        issued = [func.sum(case((and_(Movement.kind.in_(ISSUE_KINDS), Movement.occurred_at >= start,
                                      Movement.occurred_at < end), q), else_=0))
                  for start, end in zip(bounds, bounds[1:]) for q in (cost, Movement.qty_base)]
        sums = session.execute(select(*held, *issued).join(Item, Item.id == Movement.item_id)
                               .where(Movement.warehouse_id == wh.id)).one()
        values, issue_sums = [int(v or 0) for v in sums[:len(held)]], [int(v or 0) for v in sums[len(held):]]
        for n, start in enumerate(bounds[:-1]):
            issued_value, issued_units = issue_sums[2 * n], issue_sums[2 * n + 1]
            opening, closing = values[n], values[n + 1]
            local = start.astimezone(ZoneInfo(wh.timezone or "UTC"))
            rows.append({"warehouse": wh.code, "month": f"{local.year:04d}-{local.month:02d}",
                         "issued_units": issued_units, "issued_value": money(issued_value),
                         "opening_value": money(opening), "closing_value": money(closing),
                         "average_value": money((opening + closing) // 2),
                         "turnover": turnover(issued_value, opening, closing)})
    return _report("monthly-turnover", [
        Column("warehouse", "Warehouse"), Column("month", "Month"), Column("issued_units", "Issued units"),
        Column("issued_value", "Issued at cost"), Column("opening_value", "Opening stock value"),
        Column("closing_value", "Closing stock value"), Column("average_value", "Average stock value"),
        Column("turnover", "Turnover")], rows, months=months)


REPORTS = {
    "inventory-value-by-category": value_by_category,
    "inventory-value-by-zone": value_by_zone,
    "slow-movers": slow_movers,
    "below-reorder-point": below_reorder_point,
    "negative-stock": negative_stock,
    "monthly-turnover": monthly_turnover,
}
