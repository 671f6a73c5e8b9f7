"""A person's open floor tasks, with what a device needs to work them offline."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.models import Location
from webapp.db.order_tables import CountTask
from webapp.domain.roles import COUNTER, PICKER, SUPERVISORS


def open_tasks(session: Session, roles: frozenset[str], user_id: int, limit: int = 50) -> list[dict]:
    """Pick walks nobody has claimed or this person claimed (supervisors see every walk), and count tasks."""
    tasks = []
    if roles & {PICKER, *SUPERVISORS}:
        tasks += _pick_tasks(session, limit, None if roles & set(SUPERVISORS) else user_id)
    if roles & {COUNTER, *SUPERVISORS}:
        tasks += _count_tasks(session, limit)
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


def _count_tasks(session: Session, limit: int) -> list[dict]:
    rows = session.execute(select(CountTask, Location.code).join(Location, Location.id == CountTask.location_id)
                           .where(CountTask.status == "open").order_by(CountTask.id).limit(limit)).all()
    return [{"kind": "count", "id": task.id, "location": code, "reason": task.reason} for task, code in rows]
