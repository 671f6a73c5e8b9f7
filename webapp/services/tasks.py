"""A person's open floor tasks, with what a device needs to work them offline."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.count_tables import StockCount
from webapp.domain.counts import COUNTING
from webapp.domain.roles import COUNTER, PICKER, RECEIVER, SUPERVISORS


def open_tasks(session: Session, roles: frozenset[str], user_id: int, limit: int = 50) -> list[dict]:
    """Pick walks nobody has claimed or this person claimed (supervisors see every walk), count tasks, and for a
    receiver the open purchase orders and inbound shipments with their lines."""
    tasks = []
    if roles & {PICKER, *SUPERVISORS}:
        tasks += _pick_tasks(session, limit, None if roles & set(SUPERVISORS) else user_id)
    if roles & {COUNTER, *SUPERVISORS}:
        tasks += _count_tasks(session, limit, user_id, only_theirs=not roles & set(SUPERVISORS))
    if RECEIVER in roles:
        from webapp.services.inbound_shipments import receive_tasks

        tasks += receive_tasks(session, limit)
    return tasks


def _pick_tasks(session: Session, limit: int, picker_id: int | None) -> list[dict]:
    """Open walks, each with its steps in walk order (bin, item, lot, quantity, tote)."""
    from webapp.db.floor_tables import PickTask
    from webapp.services.picking import task_json

    query = select(PickTask).where(PickTask.status == "open")
    if picker_id is not None:
        query = query.where((PickTask.picker_id.is_(None)) | (PickTask.picker_id == picker_id))
    tasks = session.scalars(query.order_by(PickTask.id).limit(limit))
    return [task for task in (task_json(session, t) for t in tasks) if any(s["status"] == "open" for s in task["steps"])]


def _count_tasks(session: Session, limit: int, user_id: int, only_theirs: bool) -> list[dict]:
    """Counts still counting (a counter: theirs and unassigned ones), blind: locations, never quantities.

    A recount is a new count, so it comes back to the device as a task of its own.
    """
    from webapp.services.count_views import counter_view

    query = select(StockCount).where(StockCount.state == COUNTING)
    if only_theirs:
        query = query.where((StockCount.assigned_to_id.is_(None)) | (StockCount.assigned_to_id == user_id))
    tasks = []
    for count in session.scalars(query.order_by(StockCount.id).limit(limit)):
        view = counter_view(session, count, user_id)
        tasks.append({"kind": "count", "id": count.id, "ref": view["ref"], "location": view["locations"][0],
                      "locations": view["locations"], "items": view["items"], "reason": count.note,
                      "origin": count.origin, "assigned_to": view["assigned_to"], "counted": view["counted"]})
    return tasks
