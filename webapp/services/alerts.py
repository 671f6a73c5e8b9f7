"""Alerts: finding their causes now, storing one alert per episode of a cause (raised once, not every check),
publishing each on the `alerts` topic, listing and acknowledging them.

No process of its own: `check` runs on the dashboard's read, on the alerts list, after a sync that flagged
negative stock (in the webhook sender's thread, never in the scan's request) and from `flask alerts check` (cron).
"""
import json
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from webapp.db.alert_tables import Alert
from webapp.db.count_tables import CountLine, StockCount
from webapp.db.ledger_tables import StockLevel
from webapp.db.models import Device, Item, Location
from webapp.db.order_tables import SalesOrder
from webapp.db.upsert import dialect_insert
from webapp.domain import alerts as rules
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.errors import Conflict, NotFound
from webapp.services import events, settings


def current_causes(session: Session, config: dict, now: datetime) -> list[rules.Cause]:
    stuck_minutes = settings.value(session, "stuck_order_minutes", config)
    causes: list[rules.Cause] = []
    for number, state, changed_at, warehouse_id in session.execute(
            select(SalesOrder.number, SalesOrder.state, SalesOrder.state_changed_at, SalesOrder.warehouse_id)
            .where(SalesOrder.state.not_in(sorted(rules.NEVER_STUCK)))):
        if rules.is_stuck(state, changed_at, now, stuck_minutes):
            causes.append(rules.stuck_order(number, state, changed_at, now, warehouse_id))
    for count_id, line_no, code, sku, expected, counted, warehouse_id in session.execute(
            select(CountLine.count_id, CountLine.line_no, Location.code, Item.sku, CountLine.expected,
                   CountLine.counted, StockCount.warehouse_id)
            .join(StockCount, StockCount.id == CountLine.count_id)
            .join(Location, Location.id == CountLine.location_id).join(Item, Item.id == CountLine.item_id)
            .where(CountLine.status == "needs_signoff")):
        causes.append(rules.discrepancy(count_id, line_no, code, sku, (counted or 0) - (expected or 0), warehouse_id))
    for sku, code, qty, warehouse_id in session.execute(
            select(Item.sku, Location.code, func.sum(StockLevel.qty), StockLevel.warehouse_id)
            .join(Item, Item.id == StockLevel.item_id).join(Location, Location.id == StockLevel.location_id)
            .group_by(Item.sku, Location.code, StockLevel.warehouse_id).having(func.sum(StockLevel.qty) < 0)):
        causes.append(rules.negative_stock(sku, code, int(qty), warehouse_id))
    for device_id, name in session.execute(select(Device.id, Device.name).where(Device.status == "blocked")):
        causes.append(rules.device_blocked(device_id, name))
    return causes


def check(session: Session, config: dict, now: datetime | None = None) -> list[Alert]:
    """Raise an alert for each cause that has none open; clear the open ones whose cause is gone. Returns
    the alerts raised by this check (racing checks raise each once: the episode's `cause` is unique)."""
    now = now or utcnow()
    causes = {cause.key: cause for cause in current_causes(session, config, now)}
    open_alerts = {a.cause_key: a for a in session.scalars(select(Alert).where(Alert.cleared_at.is_(None)))}
    for key, alert in open_alerts.items():
        if key not in causes:
            alert.cleared_at = now
    webhook_state = "pending" if settings.value(session, "webhook_url", config) else ""
    raised = []
    for key in sorted(set(causes) - set(open_alerts)):
        cause = causes[key]
        episode = (session.scalar(select(func.count()).select_from(Alert).where(Alert.cause_key == key)) or 0) + 1
        inserted = session.execute(
            dialect_insert(session, Alert.__table__).values(
                cause=f"{key}#{episode}", cause_key=key, kind=cause.kind, warehouse_id=cause.warehouse_id,
                message=cause.message, data=json.dumps(cause.data or {}), raised_at=now, webhook_state=webhook_state,
                webhook_attempts=0, webhook_next_at=now if webhook_state else None, webhook_error="")
            .on_conflict_do_nothing().returning(Alert.id)).scalar_one_or_none()
        if inserted is None:
            continue  # another check raised this episode a moment ago
        alert = session.get(Alert, inserted)
        events.publish(session, "alerts", alert.warehouse_id, alert_json(alert))
        raised.append(alert)
    session.flush()
    return raised


def alert_json(alert: Alert, acknowledged_by: str | None = None) -> dict:
    return {"id": alert.id, "kind": alert.kind, "message": alert.message, "data": json.loads(alert.data or "{}"),
            "raised_at": format_instant(alert.raised_at), "cleared_at": format_instant(alert.cleared_at),
            "acknowledged_at": format_instant(alert.acknowledged_at), "acknowledged_by": acknowledged_by,
            "webhook": alert.webhook_state or None}


def list_alerts(session: Session, *, warehouse_id: int | None, include_acknowledged: bool, before: int,
                limit: int) -> dict:
    """Newest first. Open = not acknowledged (a cleared cause's alert stays until someone has seen it)."""
    from webapp.db.models import User

    query = (select(Alert, User.username).outerjoin(User, User.id == Alert.acknowledged_by_id)
             .order_by(Alert.id.desc()).limit(limit + 1))
    if not include_acknowledged:
        query = query.where(Alert.acknowledged_at.is_(None))
    if warehouse_id is not None:
        query = query.where((Alert.warehouse_id == warehouse_id) | Alert.warehouse_id.is_(None))
    if before:
        query = query.where(Alert.id < before)
    rows = session.execute(query).all()
    page = rows[:limit]
    return {"items": [alert_json(a, who) for a, who in page],
            "next_cursor": str(page[-1][0].id) if len(rows) > limit else None}


def acknowledge(session: Session, alert_id: int, user_id: int) -> Alert:
    now = utcnow()
    done = session.execute(update(Alert).where(Alert.id == alert_id, Alert.acknowledged_at.is_(None))
                           .values(acknowledged_at=now, acknowledged_by_id=user_id))
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound("not_found", f"no alert {alert_id}")
    if done.rowcount == 0:
        raise Conflict("already_acknowledged", f"alert {alert_id} was acknowledged at "
                                               f"{format_instant(alert.acknowledged_at)}")
    session.refresh(alert)
    events.publish(session, "alerts", alert.warehouse_id, {**alert_json(alert), "event": "acknowledged"})
    return alert
