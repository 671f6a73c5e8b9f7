"""What a supervisor looks at: open exceptions (flags) and rejected movements, and resolving them."""
import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.db.models import Item, Location
from webapp.db.order_tables import ExceptionRecord, RejectedMovement
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.errors import Conflict, NotFound


def _page(session: Session, model, after: int, limit: int, *where) -> tuple[list, str | None]:
    rows = list(session.scalars(select(model).where(model.resolved_at.is_(None), model.id > after, *where)
                                .order_by(model.id).limit(limit)))
    return rows, (str(rows[-1].id) if len(rows) == limit else None)


def open_total(session: Session, model, *where) -> int:
    """How many are open in all: what a supervisor's handheld shows, whatever page it asked for."""
    return session.scalar(select(func.count()).select_from(model).where(model.resolved_at.is_(None), *where)) or 0


def in_warehouses(warehouse_ids: list[int] | None) -> tuple:
    """The exceptions of these warehouses: raised at one of their locations, or at no location (a document's
    shortfall, which any of them may need to see). None: every exception."""
    if warehouse_ids is None:
        return ()
    there = select(Location.id).where(Location.warehouse_id.in_(warehouse_ids) | Location.id.in_(warehouse_ids))
    return (ExceptionRecord.location_id.is_(None) | ExceptionRecord.location_id.in_(there),)


def open_exceptions(session: Session, after: int, limit: int, warehouse_ids: list[int] | None = None) -> dict:
    where = in_warehouses(warehouse_ids)
    rows, cursor = _page(session, ExceptionRecord, after, limit, *where)
    skus = dict(session.execute(select(Item.id, Item.sku).where(Item.id.in_({r.item_id for r in rows} or {0}))).tuples().all())
    codes = dict(session.execute(select(Location.id, Location.code).where(
        Location.id.in_({r.location_id for r in rows} or {0}))).tuples().all())
    return {"items": [{"id": r.id, "code": r.code, "movement_seq": r.movement_seq, "item": skus.get(r.item_id),
                       "location": codes.get(r.location_id), "ref": r.ref or None, "detail": r.detail,
                       "photo": r.photo, "created_at": format_instant(r.created_at)} for r in rows], "next_cursor": cursor,
            "open_total": open_total(session, ExceptionRecord, *where)}


def open_rejects(session: Session, after: int, limit: int) -> dict:
    rows, cursor = _page(session, RejectedMovement, after, limit)
    return {"items": [{"id": r.id, "device_id": r.device_id, "movement_id": r.movement_id, "code": r.code,
                       "message": r.message, "payload": _payload(r.payload), "created_at": format_instant(r.created_at)}
                      for r in rows], "next_cursor": cursor, "open_total": open_total(session, RejectedMovement)}


def _payload(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text


def resolve(session: Session, model, record_id: int, note: str, user_id: int, resubmitted_id: str | None = None):
    record = session.execute(select(model).where(model.id == record_id).with_for_update()).scalar_one_or_none()
    if record is None:
        raise NotFound("not_found", f"no such record {record_id}")
    if record.resolved_at is not None:
        raise Conflict("already_resolved", f"record {record_id} was resolved at {format_instant(record.resolved_at)}")
    record.resolved_at, record.resolved_by_id, record.note = utcnow(), user_id, note
    if resubmitted_id is not None:
        record.resubmitted_movement_id = resubmitted_id
    return record


def _original_scanner(session: Session, reject: RejectedMovement) -> int | None:
    """Who scanned a rejected movement: its `scanned_by` when that was proven (not a forbidden_scanner reject),
    else the person whose session sent it."""
    from webapp.db.models import User

    named = _payload(reject.payload)
    named = named.get("scanned_by") if isinstance(named, dict) else None
    if isinstance(named, str) and reject.code != "forbidden_scanner":
        scanner = session.scalar(select(User.id).where(User.username == named.strip()))
        if scanner is not None:
            return scanner
    return reject.sent_by_id


def resubmit(session: Session, record_id: int, movement: dict, note: str, supervisor, skew_limit_s: int) -> dict:
    """A supervisor's corrected version of a rejected movement, replayed like any scan; the reject is
    resolved once it applies."""
    from webapp.services.sync import sync_batch

    reject = session.get(RejectedMovement, record_id)
    if reject is None:
        raise NotFound("not_found", f"no reject {record_id}")
    if reject.resolved_at is not None:
        raise Conflict("already_resolved", f"reject {record_id} is already resolved")
    # Recorded as what it was: scanned by the reject's scanner on the reject's device, sent by the supervisor.
    [result] = sync_batch(session, reject.device_id or f"reject-{record_id}", [movement], supervisor, None,
                          skew_limit_s, resubmitted_for=_original_scanner(session, reject) or supervisor.id)
    if result["status"] in ("applied", "duplicate"):
        resolve(session, RejectedMovement, record_id, note, supervisor.id, resubmitted_id=result["id"])
    return result
