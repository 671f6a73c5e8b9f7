"""Cycle counts, the use cases: create (freeze), close, approve, recount. Each runs in the caller's one transaction.

What was counted is the `count` movements in the ledger (ref = the count id, to = the location); a line
keeps the quantity recorded at freeze. Adjustments go through the ledger's one posting path
(`post_movement`), one per line with a variance, with a movement id derived from the count and line so a
line can never be adjusted twice. Lock order as everywhere: item/warehouse totals (sorted), then rows.
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from webapp.db.count_tables import CountLine, CountLocation, StockCount
from webapp.db.ledger_tables import Movement, StockLevel, StockTotal
from webapp.db.models import Item, Location, User
from webapp.domain.clock import utcnow
from webapp.domain.counts import (CLOSED, COUNTING, LINE_APPROVED, LINE_NEEDS_SIGNOFF, LINE_RECOUNT, NEEDS_SIGNOFF,
                                  REASON_CODES, RESOLVED_LINE_STATUSES, judge, line_figures, line_of_scan, tolerance_for)
from webapp.domain.errors import Conflict, DomainError, Forbidden, NotFound
from webapp.domain.ledger import content_digest, location_deltas
from webapp.domain.locations import STOCK_HOLDING_KINDS
from webapp.services.catalogue import find_item, find_location
from webapp.services.exceptions import open_exceptions_for
from webapp.services.ledger import MovementInput, lock_totals, post_movement
from webapp.services.order_flow import retry_backorders  # counts sit above orders: orders never look at counts

AUTO_REASON = "within_tolerance"


@dataclass(frozen=True)
class CountRequest:
    locations: list[str] = field(default_factory=list)
    zone: str | None = None
    items: list[str] = field(default_factory=list)
    warehouse: str | None = None
    assign_to: str | None = None
    note: str = ""


def create_count(session: Session, request: CountRequest, user_id: int | None, origin: str = "supervisor",
                 assigned_to_id: int | None = None, lock: bool = True) -> StockCount:
    """A count of some locations; freezes them, recording what the system holds there now.

    `lock=False` is for counts raised inside a sync batch (short pick, negative stock), which already
    holds its own item locks and must not take more out of the global order.
    """
    if not (request.locations or request.zone or request.items):
        raise DomainError("missing_field", "name locations, a zone or items to count", field="locations")
    item_ids = set()
    for sku in request.items:
        scanned = find_item(session, sku)
        if scanned is None:
            raise NotFound("unknown_item", f"no item {sku}", field="items")
        item_ids.add(scanned.item.id)
    warehouse = _warehouse(session, request)
    locations = _locations_in_scope(session, request, warehouse, item_ids)
    if not locations:
        raise Conflict("nothing_to_count", "no stock location is in that scope")
    if request.assign_to:
        assignee = session.scalar(select(User).where(User.username == request.assign_to, User.active == True))  # noqa: E712
        if assignee is None:
            raise NotFound("unknown_user", f"no active person {request.assign_to}", field="assign_to")
        assigned_to_id = assignee.id
    count = StockCount(warehouse_id=warehouse.id, origin=origin, item_ids=",".join(map(str, sorted(item_ids))),
                       assigned_to_id=assigned_to_id, note=request.note, created_by_id=user_id)
    session.add(count)
    session.flush()
    _freeze(session, count, locations, item_ids, lock)
    return count


def _warehouse(session: Session, request: CountRequest) -> Location:
    if request.warehouse:
        warehouse = find_location(session, request.warehouse)
        if warehouse is None or warehouse.kind != "warehouse":
            raise NotFound("unknown_warehouse", f"no warehouse {request.warehouse}", field="warehouse")
        return warehouse
    for code in [*request.locations, request.zone]:
        if code:
            location = find_location(session, code)
            if location is not None and location.warehouse_id:
                return session.get(Location, location.warehouse_id)
    warehouses = session.scalars(select(Location).where(Location.kind == "warehouse").limit(2)).all()
    if len(warehouses) != 1:
        raise DomainError("warehouse_required", "name the warehouse: there are several", field="warehouse")
    return warehouses[0]


def _locations_in_scope(session: Session, request: CountRequest, warehouse: Location, item_ids: set[int]) -> list[Location]:
    chosen: dict[int, Location] = {}
    for code in request.locations:
        location = find_location(session, code)
        if location is None:
            raise NotFound("unknown_location", f"no location {code}", field="locations")
        if location.kind not in STOCK_HOLDING_KINDS:
            raise DomainError("invalid_location", f"{code} is a {location.kind}, not a place stock sits", field="locations")
        chosen[location.id] = location
    if request.zone:
        zone = find_location(session, request.zone)
        if zone is None or zone.kind in STOCK_HOLDING_KINDS:
            raise NotFound("unknown_zone", f"no zone {request.zone}", field="zone")
        chosen.update({l.id: l for l in _stock_places_under(session, zone)})
    if not request.locations and not request.zone:
        # Items only: every place in the warehouse that holds (or is owed) some of them.
        holding = select(StockLevel.location_id).where(StockLevel.item_id.in_(item_ids), StockLevel.qty != 0,
                                                       StockLevel.warehouse_id == warehouse.id)
        chosen.update({l.id: l for l in session.scalars(select(Location).where(Location.id.in_(holding)))})
    if any(l.warehouse_id != warehouse.id for l in chosen.values()):
        raise DomainError("cross_warehouse", "a count stays inside one warehouse", field="locations")
    return sorted(chosen.values(), key=lambda l: (l.walk_key, l.code))


def _stock_places_under(session: Session, zone: Location) -> list[Location]:
    warehouse_id = zone.id if zone.kind == "warehouse" else zone.warehouse_id
    places = list(session.scalars(select(Location).where(Location.warehouse_id == warehouse_id)))
    parent = {l.id: l.parent_id for l in places}

    def under(location_id):
        seen = set()
        while location_id is not None and location_id not in seen:
            if location_id == zone.id:
                return True
            seen.add(location_id)
            location_id = parent.get(location_id)
        return False

    return [l for l in places if l.kind in STOCK_HOLDING_KINDS and l.kind != "carton" and under(l.parent_id)]


def _freeze(session: Session, count: StockCount, locations: list[Location], item_ids: set[int], lock: bool) -> None:
    ids = [l.id for l in locations]
    scope = [StockLevel.location_id.in_(ids)] + ([StockLevel.item_id.in_(item_ids)] if item_ids else [])
    if lock:
        # Writers of these items wait while we read, so the snapshot and freeze_seq agree for them.
        present = set(session.scalars(select(StockLevel.item_id).where(*scope).distinct()))
        lock_totals(session, [(i, count.warehouse_id) for i in present | item_ids])
    # Then the location rows, in id order (after the totals, as a sync batch does): two counts of one bin
    # racing each other are decided here, the second sees the first once it has committed.
    session.execute(select(Location.id).where(Location.id.in_(ids)).order_by(Location.id).with_for_update())
    busy = session.scalars(select(Location.code).join(CountLocation, CountLocation.location_id == Location.id)
                           .join(StockCount, StockCount.id == CountLocation.count_id)
                           .where(StockCount.state == COUNTING, StockCount.id != count.id, Location.id.in_(ids))).all()
    if busy:
        raise Conflict("location_counting", f"already being counted: {', '.join(sorted(busy))}", locations=sorted(busy))
    count.freeze_seq = session.scalar(select(func.max(Movement.seq))) or 0
    levels = session.execute(select(StockLevel.location_id, StockLevel.item_id, StockLevel.lot, StockLevel.qty)
                             .where(*scope, StockLevel.qty != 0)).all()
    order = {l.id: n for n, l in enumerate(locations)}
    for location in locations:
        session.add(CountLocation(count_id=count.id, location_id=location.id))
        location.frozen = True
    for n, (location_id, item_id, lot, qty) in enumerate(sorted(levels, key=lambda r: (order[r[0]], r[1], r[2])), 1):
        session.add(CountLine(count_id=count.id, line_no=n, location_id=location_id, item_id=item_id, lot=lot,
                              at_freeze=qty))
    session.flush()


# --- reading what was counted ---------------------------------------------------------------

def scope_item_ids(count: StockCount) -> set[int]:
    return {int(i) for i in count.item_ids.split(",") if i}


def location_ids(session: Session, count: StockCount) -> list[int]:
    return list(session.scalars(select(CountLocation.location_id).where(CountLocation.count_id == count.id)
                                .order_by(CountLocation.id)))


def count_scans(session: Session, count: StockCount) -> list:
    """The count movements of this count: (location_id, item_id, lot, qty_base, occurred_at, scanned_by_id)."""
    query = select(Movement.to_location_id, Movement.item_id, Movement.lot, Movement.qty_base, Movement.occurred_at,
                   Movement.scanned_by_id).where(
        Movement.kind == "count", Movement.ref == str(count.id), Movement.seq > count.freeze_seq,
        Movement.to_location_id.in_(location_ids(session, count)))
    items = scope_item_ids(count)
    if items:
        query = query.where(Movement.item_id.in_(items))
    return session.execute(query.order_by(Movement.seq)).all()


def counted_by_key(scans, frozen_keys=()) -> dict:
    """(location, item, lot) → (quantity, latest occurred_at, {scanner ids}); several scans add up.

    With the count's frozen keys, a scan is booked to its line (`line_of_scan`)."""
    frozen_keys = list(frozen_keys)
    counted: dict = {}
    for location_id, item_id, lot, qty, occurred_at, scanner in scans:
        key = line_of_scan((location_id, item_id, lot), frozen_keys) if frozen_keys else (location_id, item_id, lot)
        qty_sum, latest, people = counted.get(key, (0, None, set()))
        counted[key] = (qty_sum + qty, max(latest, occurred_at) if latest else occurred_at, people | {scanner})
    return counted


def counted_for_lines(session: Session, count: StockCount, lines: list[CountLine]) -> dict:
    return counted_by_key(count_scans(session, count), [(l.location_id, l.item_id, l.lot) for l in lines if l.at_freeze])


def _moves_during(session: Session, count: StockCount, locations: list[int]) -> dict:
    """Movements at the count's locations after the freeze (but count scans): key → [(occurred_at, delta)]."""
    rows = session.execute(select(Movement.kind, Movement.item_id, Movement.lot, Movement.qty_base,
                                  Movement.from_location_id, Movement.to_location_id, Movement.occurred_at).where(
        Movement.seq > count.freeze_seq, Movement.kind != "count",
        or_(Movement.from_location_id.in_(locations), Movement.to_location_id.in_(locations)))).all()
    moves: dict = {}
    for kind, item_id, lot, qty, from_id, to_id, occurred_at in rows:
        for change in location_deltas(kind, qty):
            location_id = from_id if change.side == "from" else to_id
            if location_id in locations:
                moves.setdefault((location_id, item_id, lot), []).append((occurred_at, change.delta))
    return moves


def figures(session: Session, count: StockCount, lines: list[CountLine], at: datetime):
    """Expected, counted and variance for every line (and every key counted but not frozen), as of `at`."""
    counted = counted_for_lines(session, count, lines)
    frozen = {(l.location_id, l.item_id, l.lot): l.at_freeze for l in lines}
    moves = _moves_during(session, count, location_ids(session, count))
    return line_figures(frozen, {k: (q, t) for k, (q, t, _) in counted.items()}, moves, at), counted


# --- close, approve, recount ----------------------------------------------------------------

def lines_of(session: Session, count: StockCount) -> list[CountLine]:
    return list(session.scalars(select(CountLine).where(CountLine.count_id == count.id).order_by(CountLine.line_no)))


def locked_count(session: Session, count_id: int) -> StockCount:
    count = session.execute(select(StockCount).where(StockCount.id == count_id).with_for_update()
                            .execution_options(populate_existing=True)).scalar_one_or_none()
    if count is None:
        raise NotFound("unknown_count", f"no count {count_id}")
    return count


def close_count(session: Session, count_id: int, user_id: int, tolerances: dict) -> StockCount:
    """Counting stops: every line gets its variance; within tolerance approved (adjusted) at once, else sign-off."""
    count = session.get(StockCount, count_id)
    if count is None:
        raise NotFound("unknown_count", f"no count {count_id}")
    lines = lines_of(session, count)
    keys_items = {l.item_id for l in lines} | {m.item_id for m in count_scans(session, count)}
    lock_totals(session, [(i, count.warehouse_id) for i in keys_items])
    count = locked_count(session, count_id)
    if count.state != COUNTING:
        raise Conflict("count_not_open", f"count {count_id} is {count.state}, not counting")
    now = utcnow()
    by_key = {(l.location_id, l.item_id, l.lot): l for l in lines}
    next_no = max((l.line_no for l in lines), default=0) + 1
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(keys_items or {0})))}
    results, _ = figures(session, count, lines, now)
    for f in results:
        line = by_key.get(f.key)
        if line is None:
            location_id, item_id, lot = f.key
            line = CountLine(count_id=count.id, line_no=next_no, location_id=location_id, item_id=item_id, lot=lot,
                             at_freeze=0)
            session.add(line)
            next_no += 1
        line.expected, line.counted, line.counted_at = f.expected, f.counted, f.counted_at
        judgement = judge(f.expected, f.counted, tolerance_for(items[line.item_id].abc_class, tolerances))
        line.blocks = judgement.blocks
        if judgement.status == LINE_APPROVED:
            _post_variance(session, count, line, None, AUTO_REASON, now)
        else:
            line.status = LINE_NEEDS_SIGNOFF
    count.closed_at = now
    session.flush()
    settle(session, count)
    return count


def counted_by(session: Session, count: StockCount, line: CountLine) -> set[int]:
    counted = counted_for_lines(session, count, lines_of(session, count))
    return {p for p in counted.get((line.location_id, line.item_id, line.lot), (0, None, set()))[2] if p is not None}


def find_line(session: Session, count: StockCount, line_no: int) -> CountLine:
    line = session.scalar(select(CountLine).where(CountLine.count_id == count.id, CountLine.line_no == line_no))
    if line is None:
        raise NotFound("unknown_line", f"count {count.id} has no line {line_no}")
    return line


def approve_line(session: Session, count_id: int, line_no: int, reason: str, note: str, approver_id: int) -> CountLine:
    if reason not in REASON_CODES:
        raise DomainError("invalid_reason", f"reason is one of {', '.join(REASON_CODES)}", field="reason",
                          allowed=list(REASON_CODES))
    count = session.get(StockCount, count_id)
    if count is None:
        raise NotFound("unknown_count", f"no count {count_id}")
    line = find_line(session, count, line_no)
    lock_totals(session, [(line.item_id, count.warehouse_id)])
    count = locked_count(session, count_id)
    session.refresh(line)
    if line.status != LINE_NEEDS_SIGNOFF:
        raise Conflict("line_not_awaiting_signoff", f"line {line_no} is {line.status}")
    if approver_id in counted_by(session, count, line):
        raise Forbidden("four_eyes", "the person who counted a line may not approve it; ask another supervisor")
    line.note = note
    _post_variance(session, count, line, approver_id, reason, utcnow())
    settle(session, count)
    return line


def recount_line(session: Session, count_id: int, line_no: int, user_id: int, note: str) -> StockCount:
    """A new count of the line's location; the line waits (needs_signoff) until that recount closes."""
    count = locked_count(session, count_id)
    line = find_line(session, count, line_no)
    if line.status != LINE_NEEDS_SIGNOFF:
        raise Conflict("line_not_awaiting_signoff", f"line {line_no} is {line.status}")
    if line.recount_id is not None and session.get(StockCount, line.recount_id).state != CLOSED:
        raise Conflict("recount_open", f"count {line.recount_id} is already recounting this line",
                       recount_id=line.recount_id)
    location = session.get(Location, line.location_id)
    recount = create_count(session, CountRequest(locations=[location.code], note=note or f"recount of count {count.id}"),
                           user_id, origin="recount", assigned_to_id=count.assigned_to_id)
    for other in lines_of(session, count):
        if other.location_id == line.location_id and other.status == LINE_NEEDS_SIGNOFF:
            other.recount_id = recount.id
    return recount


def _post_variance(session: Session, count: StockCount, line: CountLine, user_id: int | None, reason: str,
                   now: datetime) -> None:
    variance = line.counted - line.expected
    if variance:
        location = session.get(Location, line.location_id)
        adds = variance > 0
        fields = {"count": count.id, "line": line.line_no, "variance": variance, "reason": reason}
        movement = post_movement(session, MovementInput(
            id=f"count-{count.id}-line-{line.line_no}", kind="adjust_in" if adds else "adjust_out",
            item_id=line.item_id, warehouse_id=count.warehouse_id, qty_base=abs(variance), qty_scanned=abs(variance),
            uom=session.get(Item, line.item_id).base_uom, to_location=location if adds else None,
            from_location=None if adds else location, ref=str(count.id), lot=line.lot, reason=f"count: {reason}",
            scanned_by_id=user_id, sent_by_id=user_id, occurred_at=now, content_hash=content_digest(fields)))
        open_exceptions_for(session, movement)
        line.adjustment_seq = movement.seq
    line.status, line.approved_by_id, line.approved_at, line.reason = LINE_APPROVED, user_id, now, reason


def settle(session: Session, count: StockCount) -> None:
    """After lines changed: blocks follow the unresolved lines; a fully resolved count closes and unfreezes."""
    session.flush()
    lines = lines_of(session, count)
    refresh_blocks(session, count.warehouse_id, {l.item_id for l in lines})
    if any(l.status not in RESOLVED_LINE_STATUSES for l in lines):
        count.state = NEEDS_SIGNOFF
        return
    now = utcnow()
    count.state, count.finished_at = CLOSED, now
    session.flush()
    for location_id in location_ids(session, count):
        still = session.scalar(select(CountLocation.id).join(StockCount, StockCount.id == CountLocation.count_id)
                               .where(CountLocation.location_id == location_id, StockCount.state != CLOSED).limit(1))
        session.get(Location, location_id).frozen = still is not None
    # A recount that closed resolves the lines it was ordered for (its own lines carried the adjustment).
    waiting = list(session.scalars(select(CountLine).where(CountLine.recount_id == count.id,
                                                           CountLine.status == LINE_NEEDS_SIGNOFF)))
    for line in waiting:
        line.status, line.approved_at, line.reason = LINE_RECOUNT, now, "recounted"
    for origin_id in sorted({l.count_id for l in waiting}):
        settle(session, session.get(StockCount, origin_id))


def refresh_blocks(session: Session, warehouse_id: int, item_ids: set[int]) -> None:
    """An item is blocked while any over-10 % line of it in this warehouse waits for a person."""
    unblocked = set()
    for item_id in sorted(item_ids):
        open_block = session.scalar(select(CountLine.id).join(StockCount, StockCount.id == CountLine.count_id).where(
            CountLine.item_id == item_id, StockCount.warehouse_id == warehouse_id, CountLine.blocks == True,  # noqa: E712
            CountLine.status == LINE_NEEDS_SIGNOFF).limit(1))
        was = session.scalar(select(StockTotal.blocked).where(StockTotal.item_id == item_id,
                                                              StockTotal.warehouse_id == warehouse_id))
        session.execute(update(StockTotal).where(StockTotal.item_id == item_id, StockTotal.warehouse_id == warehouse_id)
                        .values(blocked=open_block is not None))
        if was and open_block is None:
            unblocked.add(item_id)
    if unblocked:
        retry_backorders(session, unblocked)  # an unblocked item may complete backordered orders
