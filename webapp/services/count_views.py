"""What each person may read about counts. Counting is blind: the counter's view is built from the
locations to count and their own scans only — it never reads a frozen, expected or system quantity,
so none can leak into it."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.count_tables import CountLine, StockCount
from webapp.db.models import Item, Location, User
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.counts import COUNT_STATES, COUNTING, value_cents, variance_pct
from webapp.domain.errors import DomainError, NotFound
from webapp.services.counts import (count_scans, counted_by_key, counted_for_lines, figures, lines_of, location_ids,
                                   scope_item_ids)


def _names(session: Session, ids) -> dict:
    ids = {i for i in ids if i is not None}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(ids or {0}))).tuples().all())


def _codes(session: Session, ids) -> dict:
    return dict(session.execute(select(Location.id, Location.code).where(Location.id.in_(set(ids) or {0}))).tuples().all())


def _items(session: Session, ids) -> dict:
    return {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(set(ids) or {0})))}


def _head(session: Session, count: StockCount) -> dict:
    locations = location_ids(session, count)
    codes = _codes(session, locations + [count.warehouse_id])
    names = _names(session, [count.assigned_to_id, count.created_by_id])
    scope = scope_item_ids(count)
    return {"id": count.id, "ref": str(count.id), "state": count.state, "origin": count.origin,
            "warehouse": codes.get(count.warehouse_id), "locations": [codes[i] for i in locations],
            "items": sorted(i.sku for i in _items(session, scope).values()) if scope else None,
            "assigned_to": names.get(count.assigned_to_id), "note": count.note,
            "created_by": names.get(count.created_by_id), "created_at": format_instant(count.created_at),
            "closed_at": format_instant(count.closed_at), "finished_at": format_instant(count.finished_at)}


def visible_to_counter(count: StockCount, user_id: int) -> bool:
    """A counter sees the counts assigned to them, and those assigned to nobody (any counter may take them)."""
    return count.assigned_to_id in (None, user_id)


def counter_view(session: Session, count: StockCount, user_id: int) -> dict:
    """The locations to count and what this person has counted there: no expected, no variance."""
    mine = [s for s in count_scans(session, count) if s[5] == user_id]
    codes, items = _codes(session, [s[0] for s in mine]), _items(session, [s[1] for s in mine])
    counted = [{"location": codes[loc], "item": items[item].sku, "name": items[item].name, "lot": lot or None,
                "qty": qty} for (loc, item, lot), (qty, _, _) in counted_by_key(mine).items()]
    return {**_head(session, count), "counted": counted}


def supervisor_view(session: Session, count: StockCount) -> dict:
    lines = lines_of(session, count)
    live = {}
    counted = {}
    if count.state == COUNTING:  # not closed yet: the figures as they stand now
        results, counted = figures(session, count, lines, utcnow())
        live = {f.key: f for f in results}
    else:
        counted = counted_for_lines(session, count, lines)
    codes = _codes(session, [l.location_id for l in lines] + [k[0] for k in live])
    items = _items(session, [l.item_id for l in lines] + [k[1] for k in live])
    names = _names(session, [l.approved_by_id for l in lines] + [p for _, _, people in counted.values() for p in people])
    out = []
    keyed = {(l.location_id, l.item_id, l.lot): l for l in lines}
    for key in list(keyed) + [k for k in live if k not in keyed]:
        line = keyed.get(key)
        f = live.get(key)
        expected = f.expected if f else line.expected
        got = f.counted if f else line.counted
        variance = None if expected is None or got is None else got - expected
        item = items[key[1]]
        people = counted.get(key, (0, None, set()))[2]
        out.append({
            "line": line.line_no if line else None, "location": codes[key[0]], "item": item.sku, "name": item.name,
            "lot": key[2] or None, "expected": expected, "counted": got, "variance": variance,
            "variance_pct": None if variance is None else variance_pct(expected, got),
            "value_cents": None if variance is None else value_cents(variance, item.unit_cost_cents),
            "unit_cost_cents": item.unit_cost_cents,
            "status": line.status if line else COUNTING, "blocks": bool(line and line.blocks),
            "counted_by": ", ".join(sorted(names.get(p, "?") for p in people)) or None,
            "counted_at": format_instant(line.counted_at if line and line.counted_at else (f.counted_at if f else None)),
            "approved_by": names.get(line.approved_by_id) if line else None,
            "approved_at": format_instant(line.approved_at) if line else None,
            "reason": (line.reason or None) if line else None, "note": (line.note or None) if line else None,
            "adjustment_seq": line.adjustment_seq if line else None, "recount_id": line.recount_id if line else None})
    return {**_head(session, count), "lines": out}


def get_count(session: Session, count_id: int) -> StockCount:
    count = session.get(StockCount, count_id)
    if count is None:
        raise NotFound("unknown_count", f"no count {count_id}")
    return count


def list_counts(session: Session, state: str | None, before: int, limit: int, counter_id: int | None) -> dict:
    """Newest first. `counter_id`: only the counts assigned to that counter (CONTRACT.md), without quantities; the
    counts assigned to nobody reach counters through their task list (services/tasks.py)."""
    if state is not None and state not in COUNT_STATES:
        raise DomainError("invalid_field", f"state is one of {', '.join(COUNT_STATES)}", field="state")
    query = select(StockCount)
    if state:
        query = query.where(StockCount.state == state)
    if before:
        query = query.where(StockCount.id < before)
    if counter_id is not None:
        query = query.where(StockCount.assigned_to_id == counter_id)
    rows = list(session.scalars(query.order_by(StockCount.id.desc()).limit(limit)))
    heads = []
    for count in rows:
        head = _head(session, count)
        if counter_id is None:
            waiting = session.scalars(select(CountLine.id).where(CountLine.count_id == count.id,
                                                                 CountLine.status == "needs_signoff")).all()
            head["lines_waiting"] = len(waiting)
        heads.append(head)
    return {"items": heads, "next_cursor": str(rows[-1].id) if len(rows) == limit else None}


def bin_history(session: Session, count_id: int, line_no: int, limit: int = 30) -> dict:
    """The recent movements at a line's location (every item), newest first: what a supervisor checks before signing."""
    from sqlalchemy import or_

    from webapp.db.ledger_tables import Movement
    from webapp.domain.ledger import location_deltas
    from webapp.services.counts import find_line

    count = get_count(session, count_id)
    line = find_line(session, count, line_no)
    rows = list(session.scalars(select(Movement).where(or_(Movement.from_location_id == line.location_id,
                                                           Movement.to_location_id == line.location_id))
                                .order_by(Movement.seq.desc()).limit(limit)))
    items = _items(session, [m.item_id for m in rows])
    names = _names(session, [m.scanned_by_id for m in rows])
    out = []
    for m in rows:
        delta = sum(c.delta for c in location_deltas(m.kind, m.qty_base)
                    if (m.from_location_id if c.side == "from" else m.to_location_id) == line.location_id)
        out.append({"seq": m.seq, "kind": m.kind, "item": items[m.item_id].sku, "name": items[m.item_id].name,
                    "lot": m.lot or None, "change": delta, "qty": m.qty_base, "ref": m.ref or None,
                    "occurred_at": format_instant(m.occurred_at), "scanned_by": names.get(m.scanned_by_id),
                    "flags": [f for f in m.flags.split(",") if f]})
    return {"location": _codes(session, [line.location_id])[line.location_id], "movements": out}
