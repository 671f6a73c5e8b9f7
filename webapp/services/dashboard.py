"""The supervisor dashboard in one read: orders by state (stuck ones named), the exceptions and rejects queues,
a zone heat map of activity and discrepancies, the 24-hour dispatch trend, the discrepancy summary and the open
alerts, with the event seq it was read at (the screen subscribes from there and applies events on top).
One warehouse, or all of them together (the screen's picker: "All")."""
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.db.count_tables import CountLine, StockCount
from webapp.db.ledger_tables import Movement
from webapp.db.models import Item, Location
from webapp.db.order_tables import ExceptionRecord, RejectedMovement, SalesOrder
from webapp.domain import alerts as alert_rules
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.dashboard import TREND_HOURS, bucket_by_hour, zone_of
from webapp.domain.errors import NotFound
from webapp.domain.orders import STATES
from webapp.services import alerts, events, settings, supervision
from webapp.services.catalogue import warehouses

QUEUE_ROWS = 50
STUCK_ROWS = 100


def dashboard(session: Session, warehouse: Location | None, config: dict) -> dict:
    """`warehouse` None: every warehouse together (named as the one when there is only one)."""
    now = utcnow()
    every = warehouses(session)
    if not every:
        raise NotFound("unknown_warehouse", "there is no warehouse yet")
    scope = [warehouse] if warehouse is not None else every
    ids = [w.id for w in scope]
    stuck_minutes = settings.value(session, "stuck_order_minutes", config)
    last_seq = events.latest_seq(session)  # first: an event after this read is applied by the screen on top
    return {
        "warehouse": scope[0].code if len(scope) == 1 else None, "generated_at": format_instant(now),
        "last_seq": last_seq, "warehouses": [{"code": w.code, "name": w.name} for w in every],
        "stuck_order_minutes": stuck_minutes,
        "orders": _orders(session, ids, now, stuck_minutes),
        "exceptions": supervision.open_exceptions(session, 0, QUEUE_ROWS, ids),
        "rejects": supervision.open_rejects(session, 0, QUEUE_ROWS),
        **_zones(session, ids, now),
        "dispatch_trend": _dispatch_trend(session, ids, now),
        "discrepancies": _discrepancies(session, ids),
        "alerts": alerts.list_alerts(session, warehouse_id=ids[0] if len(scope) == 1 else None,
                                     include_acknowledged=False, before=0, limit=QUEUE_ROWS)["items"],
    }


def _orders(session: Session, ids: list[int], now, stuck_minutes: int) -> dict:
    by_state = dict.fromkeys(STATES, 0)
    by_state.update(dict(session.execute(select(SalesOrder.state, func.count()).where(
        SalesOrder.warehouse_id.in_(ids)).group_by(SalesOrder.state)).tuples().all()))
    cutoff = now - timedelta(minutes=stuck_minutes)
    stuck = [{"number": number, "state": state, "state_changed_at": format_instant(changed_at),
              "minutes": alert_rules.minutes_in_state(changed_at, now)}
             for number, state, changed_at in session.execute(
                 select(SalesOrder.number, SalesOrder.state, SalesOrder.state_changed_at)
                 .where(SalesOrder.warehouse_id.in_(ids), SalesOrder.state_changed_at <= cutoff,
                        SalesOrder.state.not_in(sorted(alert_rules.NEVER_STUCK)))
                 .order_by(SalesOrder.state_changed_at).limit(STUCK_ROWS))
             if alert_rules.is_stuck(state, changed_at, now, stuck_minutes)]
    return {"by_state": by_state, "stuck": stuck}


def _zones(session: Session, ids: list[int], now) -> dict:
    """The heat map, and each location's zone (so the screen can add a live movement to its zone)."""
    places = session.execute(select(Location.id, Location.parent_id, Location.kind, Location.code)
                             .where(Location.warehouse_id.in_(ids) | Location.id.in_(ids))).all()
    parent_of = {p.id: p.parent_id for p in places}
    kind_of = {p.id: p.kind for p in places}
    zones = {p.id: p.code for p in places if p.kind == "zone"}
    activity: Counter = Counter()
    for from_id, to_id in session.execute(select(Movement.from_location_id, Movement.to_location_id).where(
            Movement.warehouse_id.in_(ids), Movement.recorded_at >= now - timedelta(hours=TREND_HOURS))):
        for zone in {zone_of(from_id, parent_of, kind_of), zone_of(to_id, parent_of, kind_of)} - {None}:
            activity[zone] += 1
    discrepancies: Counter = Counter()
    for (location_id,) in session.execute(select(ExceptionRecord.location_id).where(
            ExceptionRecord.resolved_at.is_(None), ExceptionRecord.location_id.in_(list(parent_of) or [0]))):
        discrepancies[zone_of(location_id, parent_of, kind_of)] += 1
    for (location_id,) in session.execute(select(CountLine.location_id).join(StockCount, StockCount.id == CountLine.count_id)
                                          .where(StockCount.warehouse_id.in_(ids),
                                                 CountLine.status == "needs_signoff")):
        discrepancies[zone_of(location_id, parent_of, kind_of)] += 1
    heat = sorted(({"zone": code, "movements_24h": activity[zone_id], "discrepancies": discrepancies[zone_id]}
                   for zone_id, code in zones.items()), key=lambda z: z["zone"])
    codes = {p.id: p.code for p in places}
    located = {codes[p.id]: zones[zone] for p in places if (zone := zone_of(p.id, parent_of, kind_of)) is not None}
    return {"zones": heat, "location_zones": located}


def _dispatch_trend(session: Session, ids: list[int], now) -> list[dict]:
    rows = session.execute(select(Movement.recorded_at, Movement.qty_base).where(
        Movement.warehouse_id.in_(ids), Movement.kind == "dispatch",
        Movement.recorded_at >= now - timedelta(hours=TREND_HOURS))).tuples().all()
    return [{**bucket, "hour": format_instant(bucket["hour"])} for bucket in bucket_by_hour(rows, now)]


def _discrepancies(session: Session, ids: list[int]) -> dict:
    lines = session.execute(select(CountLine.expected, CountLine.counted, CountLine.blocks, Item.unit_cost_cents)
                            .join(StockCount, StockCount.id == CountLine.count_id).join(Item, Item.id == CountLine.item_id)
                            .where(StockCount.warehouse_id.in_(ids), CountLine.status == "needs_signoff")).all()
    by_code = dict(session.execute(select(ExceptionRecord.code, func.count()).where(
        ExceptionRecord.resolved_at.is_(None), *supervision.in_warehouses(ids)).group_by(ExceptionRecord.code)).tuples().all())
    return {"needs_signoff": len(lines), "blocking": sum(1 for line in lines if line.blocks),
            "variance_units": sum((line.counted or 0) - (line.expected or 0) for line in lines),
            "variance_value_cents": sum(((line.counted or 0) - (line.expected or 0)) * line.unit_cost_cents
                                        for line in lines),
            "open_exceptions_by_code": by_code,
            "open_rejects": supervision.open_total(session, RejectedMovement)}
