"""A person's open floor tasks, with what a device needs to work them offline."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.models import Location
from webapp.db.order_tables import CountTask
from webapp.domain.roles import COUNTER, PICKER, SUPERVISORS


def open_tasks(session: Session, roles: frozenset[str], limit: int = 50) -> list[dict]:
    tasks = []
    if roles & {PICKER, *SUPERVISORS}:
        tasks += _pick_tasks(session, limit)
    if roles & {COUNTER, *SUPERVISORS}:
        tasks += _count_tasks(session, limit)
    return tasks


def _pick_tasks(session: Session, limit: int) -> list[dict]:
    """Open walks, each with its steps in walk order (bin, item, lot, quantity, tote)."""
    from webapp.db.floor_tables import PickTask
    from webapp.services.picking import task_json

    tasks = session.scalars(select(PickTask).where(PickTask.status == "open").order_by(PickTask.id).limit(limit))
    return [task for task in (task_json(session, t) for t in tasks) if any(s["status"] == "open" for s in task["steps"])]


def _count_tasks(session: Session, limit: int) -> list[dict]:
    rows = session.execute(select(CountTask, Location.code).join(Location, Location.id == CountTask.location_id)
                           .where(CountTask.status == "open").order_by(CountTask.id).limit(limit)).all()
    return [{"kind": "count", "id": task.id, "location": code, "reason": task.reason} for task, code in rows]
