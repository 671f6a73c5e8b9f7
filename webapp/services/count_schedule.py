"""Which items to count when: ABC classes from the value of issues in the ledger, and the schedule
(A weekly, B monthly, C quarterly) that raises counts for what is due. Meant for cron
(`flask --app webapp counts abc`, `flask --app webapp counts schedule`)."""
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.db.count_tables import CountLine, CountLocation, StockCount
from webapp.db.ledger_tables import Movement, StockLevel
from webapp.db.models import Item, Location
from webapp.domain.clock import utcnow
from webapp.domain.counts import COUNTING, abc_classes, count_due
from webapp.services.counts import CountRequest, create_count


def recompute_abc(session: Session, window_days: int, now: datetime | None = None) -> dict[str, int]:
    """Set every item's ABC class from the value (quantity × unit cost) of its issues over the window."""
    since = (now or utcnow()) - timedelta(days=window_days)
    issued = dict(session.execute(select(Movement.item_id, func.sum(Movement.qty_base)).where(
        Movement.effect == "issue", Movement.occurred_at >= since).group_by(Movement.item_id)).tuples().all())
    items = list(session.scalars(select(Item)))
    values = {i.id: int(issued.get(i.id, 0)) * i.unit_cost_cents for i in items}
    classes = abc_classes(values, [i.id for i in items])
    summary = {"A": 0, "B": 0, "C": 0}
    for item in items:
        item.abc_class = classes[item.id]
        summary[item.abc_class] += 1
    return summary


def schedule_counts(session: Session, now: datetime | None = None) -> list[int]:
    """One count per warehouse and ABC class for the stocked items that are due; returns the new count ids.

    An item already being counted, or sitting in a bin being counted, waits for the next run.
    """
    now = now or utcnow()
    created = []
    for warehouse in session.scalars(select(Location).where(Location.kind == "warehouse").order_by(Location.code)):
        stocked = set(session.scalars(select(StockLevel.item_id).where(
            StockLevel.warehouse_id == warehouse.id, StockLevel.qty != 0).distinct()))
        if not stocked:
            continue
        last = dict(session.execute(select(CountLine.item_id, func.max(StockCount.created_at))
                                    .join(StockCount, StockCount.id == CountLine.count_id)
                                    .where(StockCount.warehouse_id == warehouse.id).group_by(CountLine.item_id))
                    .tuples().all())
        busy_locations = select(CountLocation.location_id).join(StockCount, StockCount.id == CountLocation.count_id) \
            .where(StockCount.state == COUNTING)
        in_busy_bins = set(session.scalars(select(StockLevel.item_id).where(
            StockLevel.location_id.in_(busy_locations), StockLevel.qty != 0)))
        by_class: dict[str, list[str]] = {}
        for item in session.scalars(select(Item).where(Item.id.in_(stocked)).order_by(Item.sku)):
            if item.id not in in_busy_bins and count_due(item.abc_class, _aware(last.get(item.id)), now):
                by_class.setdefault(item.abc_class, []).append(item.sku)
        for abc_class, skus in sorted(by_class.items()):
            count = create_count(session, CountRequest(items=skus, warehouse=warehouse.code,
                                                       note=f"scheduled count, class {abc_class}"), None, origin="schedule")
            created.append(count.id)
    return created


def _aware(moment: datetime | None) -> datetime | None:
    from datetime import timezone

    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment
