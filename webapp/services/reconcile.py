"""One-click reconcile of a SKU or a zone: its hash chains and its projection verified against the ledger now,
in one consistent snapshot, and the count a supervisor may start for it (the body for POST /api/v1/counts)."""
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import Movement, StockLevel
from webapp.db.models import Item, Location
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.errors import NotFound
from webapp.services.catalogue import find_item, find_location
from webapp.services.projection import (
    Projection,
    compute_projection,
    projection_differences,
    stored_projection,
    verify_chains,
)

MAX_PROBLEMS = 20


def _under(session: Session, zone: Location) -> set[int]:
    """The zone and every location below it."""
    children: dict = {}
    for location_id, parent_id in session.execute(select(Location.id, Location.parent_id)
                                                  .where(Location.warehouse_id == zone.warehouse_id)):
        children.setdefault(parent_id, []).append(location_id)
    found, todo = set(), [zone.id]
    while todo:
        location_id = todo.pop()
        if location_id not in found:
            found.add(location_id)
            todo += children.get(location_id, [])
    return found


def _scoped(projection: Projection, item_ids: set[int], location_ids: set[int] | None) -> Projection:
    return Projection(
        levels={k: v for k, v in projection.levels.items()
                if k[0] in item_ids and (location_ids is None or k[1] in location_ids)},
        totals={k: v for k, v in projection.totals.items() if k[0] in item_ids})


def reconcile(session: Session, *, item: str | None = None, zone: str | None = None) -> dict:
    assert bool(item) != bool(zone), "reconcile one item or one zone"
    location_ids = None
    if item:
        found = find_item(session, item)
        if found is None:
            raise NotFound("unknown_item", f"no item {item!r}")
        item_ids = {found.item.id}
        count_offer = {"items": [found.item.sku]}
        scope = {"item": found.item.sku}
    else:
        place = find_location(session, zone)
        if place is None or place.kind != "zone":
            raise NotFound("unknown_zone", f"no zone {zone!r}")
        location_ids = _under(session, place)
        item_ids = set(session.scalars(select(StockLevel.item_id).where(StockLevel.location_id.in_(location_ids))))
        item_ids |= set(session.scalars(select(Movement.item_id).where(or_(
            Movement.from_location_id.in_(location_ids), Movement.to_location_id.in_(location_ids))).distinct()))
        count_offer = {"zone": place.code}
        scope = {"zone": place.code}
    problems = verify_chains(session, item_ids)
    problems += projection_differences(_scoped(compute_projection(session), item_ids, location_ids),
                                       _scoped(stored_projection(session), item_ids, location_ids))
    checked = session.scalar(select(func.count()).select_from(Movement).where(Movement.item_id.in_(item_ids or {0}))) or 0
    skus = sorted(session.scalars(select(Item.sku).where(Item.id.in_(item_ids or {0}))))
    return {**scope, "ok": not problems, "problems": problems[:MAX_PROBLEMS], "problem_total": len(problems),
            "items": skus, "movements_checked": checked, "checked_at": format_instant(utcnow()),
            "count": count_offer}
