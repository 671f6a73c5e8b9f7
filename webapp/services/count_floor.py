"""Counts meeting the floor, called from a sync batch: bins that need a count (short pick, negative stock),
and count scans that no open count is waiting for (flagged for the supervisor, never refused: a fact)."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.count_tables import CountLocation, StockCount
from webapp.db.models import Location
from webapp.domain.counts import COUNTING
from webapp.domain.errors import Conflict
from webapp.domain.locations import STOCK_HOLDING_KINDS
from webapp.services.counts import CountRequest, create_count
from webapp.services.ledger import MovementInput, add_flag


def flag_count_scan(session: Session, m: MovementInput) -> None:
    """A count scan whose ref is not an open count of that location is applied and flagged `count_not_open`."""
    count_id = int(m.ref) if m.ref.isdigit() and len(m.ref) < 10 else None
    open_here = count_id is not None and m.to_location is not None and session.scalar(
        select(CountLocation.id).join(StockCount, StockCount.id == CountLocation.count_id).where(
            StockCount.id == count_id, StockCount.state == COUNTING, CountLocation.location_id == m.to_location.id))
    if not open_here:
        add_flag(m, "count_not_open")


def note_exception_count(session: Session, location: Location, origin: str, why: str) -> None:
    """During a sync batch: remember that this bin needs a count; `raise_exception_counts` creates them at the end."""
    session.info.setdefault("exception_counts", {}).setdefault(location.id, (location, origin, why))


def raise_exception_counts(session: Session) -> list[int]:
    """The counts noted during the batch, in location order: freezing updates location rows, and two
    batches that lock them in one order cannot deadlock on them."""
    created = []
    for _, (location, origin, why) in sorted(session.info.pop("exception_counts", {}).items()):
        try:
            with session.begin_nested():
                count = count_for_exception(session, location, origin, why)
        except Conflict:
            continue  # a count of that bin started meanwhile: it is being counted, which is what was wanted
        if count is not None:
            created.append(count.id)
    return created


def count_for_exception(session: Session, location: Location, origin: str, why: str) -> StockCount | None:
    """A short pick or negative stock: that bin gets a real count (unless it is being counted already)."""
    if location.kind not in STOCK_HOLDING_KINDS or location.kind == "carton":
        return None
    already = session.scalar(select(CountLocation.id).join(StockCount, StockCount.id == CountLocation.count_id)
                             .where(CountLocation.location_id == location.id, StockCount.state == COUNTING).limit(1))
    if already:
        return None
    return create_count(session, CountRequest(locations=[location.code], note=why), None, origin=origin, lock=False)
