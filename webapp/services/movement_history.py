"""The audit trail: the ledger read back for people, newest first, filtered by item, location, lot, person,
device, reference, kind and time, with names instead of ids."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from webapp.db.ledger_tables import Movement
from webapp.db.models import Item, Location, User
from webapp.domain.clock import format_instant
from webapp.services.catalogue import find_item, find_location


@dataclass
class HistoryFilter:
    item: str | None = None  # a SKU or any barcode of the item or of one of its pack sizes
    location: str | None = None  # either side of the movement
    lot: str | None = None
    person: str | None = None  # who scanned it or who sent it
    device: str | None = None
    ref: str | None = None
    kind: str | None = None
    since: datetime | None = None  # recorded at or after (the server's clock: a device's may be wrong)


def movement_history(session: Session, wanted: HistoryFilter, before_seq: int, limit: int) -> dict:
    """A page of movements, newest first. `before_seq` 0: from the newest. A filter naming something that
    does not exist matches nothing (an empty page), so a search never tells a 404 from "no movements"."""
    From, To = aliased(Location), aliased(Location)
    Scanner, Sender = aliased(User), aliased(User)
    query = (select(Movement, Item.sku, From.code, To.code, Scanner.username, Sender.username)
             .join(Item, Item.id == Movement.item_id)
             .outerjoin(From, From.id == Movement.from_location_id).outerjoin(To, To.id == Movement.to_location_id)
             .outerjoin(Scanner, Scanner.id == Movement.scanned_by_id)
             .outerjoin(Sender, Sender.id == Movement.sent_by_id))
    if before_seq:
        query = query.where(Movement.seq < before_seq)
    if wanted.item:
        found = find_item(session, wanted.item)
        query = query.where(Movement.item_id == (found.item.id if found else -1))
    if wanted.location:
        location = find_location(session, wanted.location)
        location_id = location.id if location else -1
        query = query.where(or_(Movement.from_location_id == location_id, Movement.to_location_id == location_id))
    if wanted.person:
        person_id = session.scalar(select(User.id).where(User.username == wanted.person)) or -1
        query = query.where(or_(Movement.scanned_by_id == person_id, Movement.sent_by_id == person_id))
    for column, value in ((Movement.lot, wanted.lot), (Movement.device_id, wanted.device), (Movement.ref, wanted.ref),
                          (Movement.kind, wanted.kind)):
        if value:
            query = query.where(column == value)
    if wanted.since is not None:
        query = query.where(Movement.recorded_at >= wanted.since)
    rows = session.execute(query.order_by(Movement.seq.desc()).limit(limit)).all()
    return {"items": [_row(*row) for row in rows],
            "next_cursor": str(rows[-1][0].seq) if len(rows) == limit else None}


def _row(m: Movement, sku: str, from_code: str | None, to_code: str | None, scanned_by: str | None,
         sent_by: str | None) -> dict:
    return {
        "seq": m.seq, "id": m.id, "kind": m.kind, "effect": m.effect, "item": sku,
        "qty_base": m.qty_base, "uom": m.uom, "qty_scanned": m.qty_scanned,
        "from": from_code, "to": to_code, "ref": m.ref or None, "lot": m.lot or None, "expiry": m.expiry or None,
        "scanned_by": scanned_by, "sent_by": sent_by, "device_id": m.device_id or None, "device_seq": m.device_seq,
        "occurred_at": format_instant(m.occurred_at), "recorded_at": format_instant(m.recorded_at),
        "reason": m.reason or None, "flags": [f for f in m.flags.split(",") if f],
        "from_balance_after": m.from_balance_after, "to_balance_after": m.to_balance_after,
        "corrects_seq": m.corrects_seq,
    }
