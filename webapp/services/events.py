"""Events for live screens, written in the same transaction as what they report, so a screen is told exactly
what committed. `publish` is the one way an event is made; the flush hook below publishes the exceptions,
order steps and count states that every service records anyway, so no use case has to remember to.

After commit, every server process must hear of each event: on PostgreSQL each event's seq is sent with
`pg_notify` inside the transaction (delivered at commit, discarded with a rolled-back savepoint; only the seq,
as payloads are capped at 8 kB); on SQLite the committing process hands its events to its own fan-out.
"""
import json
import logging
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import event as sa_event
from sqlalchemy import func, inspect, or_, select, text
from sqlalchemy.orm import Session

from webapp.db.count_tables import StockCount
from webapp.db.event_tables import Event
from webapp.db.models import Location
from webapp.db.order_tables import ExceptionRecord, OrderEvent, SalesOrder
from webapp.domain.clock import format_instant, utcnow

TOPICS = ("movements", "exceptions", "orders", "counts", "stock", "alerts")
CHANNEL = "dockhand_events"
_PENDING = "dockhand_events_pending"  # session.info: events published in this transaction, not yet notified
_NOTIFIED = "dockhand_events_notified"  # session.info: seqs already sent with pg_notify
_COMMITTED_IN_PROCESS: list[Callable[[list[dict]], None]] = []  # SQLite: who hears this process's commits


def publish(session: Session, topic: str, warehouse_id: int | None, data: dict) -> Event:
    assert topic in TOPICS, f"unknown topic {topic}"
    record = Event(topic=topic, warehouse_id=warehouse_id, at=utcnow(), data=json.dumps(data, default=str))
    session.add(record)
    session.info.setdefault(_PENDING, []).append(record)
    return record


def publish_many(session: Session, events: list[tuple[str, int | None, dict]]) -> None:
    """`publish` for many events at once (a sync batch's movements, services/batch_posting.py). On PostgreSQL one
    statement inserts them in the order given and pg_notifies each seq, as `publish` would at the flush: sent at
    commit, discarded with a rolled-back savepoint. On SQLite they are published one by one: the in-process fan-out
    tells only the ORM rows a savepoint left persistent."""
    if not events:
        return
    if session.get_bind().dialect.name != "postgresql":
        for topic, warehouse_id, data in events:
            publish(session, topic, warehouse_id, data)
        return
    assert all(topic in TOPICS for topic, _, _ in events), "unknown topic"
    # psycopg's own placeholders: the arrays go in binary (its text arrays escape each JSON text with a regex).
    session.connection().exec_driver_sql(
        "WITH e AS (INSERT INTO event (topic, warehouse_id, at, data) SELECT topic, warehouse_id, %(at)s, data "
        "FROM unnest(CAST(%(topics)b AS TEXT[]), CAST(%(warehouses)b AS INTEGER[]), CAST(%(data)b AS TEXT[])) "
        "WITH ORDINALITY AS r(topic, warehouse_id, data, n) ORDER BY n RETURNING seq) "
        "SELECT pg_notify(%(channel)s, seq::text) FROM e ORDER BY seq",
        {"at": utcnow(), "channel": CHANNEL, "topics": [topic for topic, _, _ in events],
         "warehouses": [warehouse_id for _, warehouse_id, _ in events],
         "data": [json.dumps(data, default=str) for _, _, data in events]})


def as_message(record: Event) -> dict:
    """An event as a live socket sends it."""
    return message(record.seq, record.topic, record.at, record.warehouse_id, record.data)


def message(seq: int, topic: str, at: datetime, warehouse_id: int | None, data: str) -> dict:
    """An event's columns as a live socket sends them (a listener reads them without the ORM)."""
    return {"type": "event", "seq": seq, "topic": topic, "at": format_instant(at), "warehouse_id": warehouse_id,
            "data": json.loads(data)}


# The columns of `message`, in its order, for a plain SQL read of the events with seq = ANY(seqs).
EVENTS_BY_SEQ_SQL = "SELECT seq, topic, at, warehouse_id, data FROM event WHERE seq = ANY(%s) ORDER BY seq"


def on_commit_in_process(listener: Callable[[list[dict]], None]) -> Callable[[], None]:
    """SQLite: `listener(messages)` is called after each commit that published events, in the committing thread.
    Returns the call that stops it."""
    _COMMITTED_IN_PROCESS.append(listener)
    return lambda: _COMMITTED_IN_PROCESS.remove(listener)


def _warehouse_of_location(session: Session, location_id: int | None) -> int | None:
    location = session.get(Location, location_id) if location_id else None
    if location is None:
        return None
    return location.id if location.kind == "warehouse" else location.warehouse_id


@sa_event.listens_for(Session, "after_flush")
def _publish_what_services_record(session: Session, _context) -> None:
    # After the flush, so rows have their ids; the events are written by the next flush (commit flushes
    # until the session is clean), inside the same savepoint as the rows they report.
    with session.no_autoflush:
        for row in list(session.new):
            if isinstance(row, ExceptionRecord):
                publish(session, "exceptions", _warehouse_of_location(session, row.location_id),
                        {"code": row.code, "movement_seq": row.movement_seq, "item_id": row.item_id,
                         "location_id": row.location_id, "ref": row.ref or None, "detail": row.detail})
            elif isinstance(row, OrderEvent):
                order = session.get(SalesOrder, row.order_id)
                publish(session, "orders", order.warehouse_id if order else None,
                        {"number": order.number if order else None, "from": row.from_state or None,
                         "to": row.to_state or None, "action": row.action, "user_id": row.user_id})
            elif isinstance(row, StockCount):
                publish(session, "counts", row.warehouse_id, {"id": row.id, "state": row.state, "origin": row.origin})
        for row in list(session.dirty):
            if isinstance(row, StockCount):
                history = inspect(row).attrs.state.history
                if history.has_changes() and history.deleted:
                    publish(session, "counts", row.warehouse_id,
                            {"id": row.id, "state": row.state, "was": history.deleted[0]})


@sa_event.listens_for(Session, "after_flush_postexec")
def _notify_other_processes(session: Session, _context) -> None:
    pending = session.info.get(_PENDING)
    if not pending or session.get_bind().dialect.name != "postgresql":
        return
    notified = session.info.setdefault(_NOTIFIED, set())
    seqs = [record.seq for record in pending if record.seq is not None and record.seq not in notified]
    if seqs:  # one round trip for a whole batch's events, one notification each
        session.connection().execute(text("SELECT pg_notify(:channel, seq::text) FROM unnest(CAST(:seqs AS bigint[])) "
                                          "WITH ORDINALITY AS e(seq, n) ORDER BY n"), {"channel": CHANNEL, "seqs": seqs})
        notified.update(seqs)


@sa_event.listens_for(Session, "after_commit")
def _tell_this_process(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: nothing is committed yet
    pending = session.info.pop(_PENDING, None)
    session.info.pop(_NOTIFIED, None)
    if not pending or session.get_bind().dialect.name == "postgresql":
        return
    # Events undone with a savepoint were never committed: they are no longer persistent.
    messages = [as_message(record) for record in pending if inspect(record).persistent]
    for listener in list(_COMMITTED_IN_PROCESS):
        try:
            listener(messages)
        except Exception:  # noqa: BLE001 - the work is committed: a live screen's trouble must not fail it
            logging.getLogger(__name__).exception("handing events to live sockets failed")


@sa_event.listens_for(Session, "after_rollback")
def _forget_undone(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)
        session.info.pop(_NOTIFIED, None)


# --- reading events back: a worker's listener after a NOTIFY, a socket's resume -------------------------

RESEND_BEFORE_SINCE_S = 5  # seqs are not handed out in commit order: a resume also resends these seconds


def latest_seq(session: Session) -> int:
    return session.scalar(select(func.max(Event.seq))) or 0


def events_by_seq(session: Session, seqs: list[int]) -> list[dict]:
    return [as_message(e) for e in session.scalars(select(Event).where(Event.seq.in_(seqs)).order_by(Event.seq))]


def events_from_time(session: Session, since: datetime, limit: int = 10_000) -> list[dict]:
    return [as_message(e) for e in session.scalars(select(Event).where(Event.at >= since).order_by(Event.seq).limit(limit))]


def events_to_resume(session: Session, since_seq: int, topics: set[str], warehouse_id: int | None,
                     limit: int = 10_000) -> list[dict]:
    """What a socket missed after `since_seq`, and the few seconds before it (an event with a smaller seq may
    have committed after the client saw `since_seq`; the client drops seqs it has seen)."""
    since_at = session.scalar(select(Event.at).where(Event.seq <= since_seq).order_by(Event.seq.desc()).limit(1))
    missed = Event.seq > since_seq
    if since_at is not None:
        missed = or_(missed, Event.at >= since_at - timedelta(seconds=RESEND_BEFORE_SINCE_S))
    query = select(Event).where(missed, Event.topic.in_(sorted(topics)))
    if warehouse_id is not None:
        query = query.where(or_(Event.warehouse_id == warehouse_id, Event.warehouse_id.is_(None)))
    return [as_message(e) for e in session.scalars(query.order_by(Event.seq).limit(limit))]
