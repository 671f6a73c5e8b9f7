"""A person's open floor tasks, with what a device needs to work them offline."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import StockLevel
from webapp.db.models import Item, Location
from webapp.db.order_tables import CountTask, OrderLine, SalesOrder
from webapp.domain.roles import COUNTER, PICKER, SUPERVISORS


def open_tasks(session: Session, roles: frozenset[str], limit: int = 50) -> list[dict]:
    tasks = []
    if roles & {PICKER, *SUPERVISORS}:
        tasks += _pick_tasks(session, limit)
    if roles & {COUNTER, *SUPERVISORS}:
        tasks += _count_tasks(session, limit)
    return tasks


def _pick_tasks(session: Session, limit: int) -> list[dict]:
    orders = list(session.scalars(select(SalesOrder).where(SalesOrder.state.in_(["validated", "picking"]))
                                  .order_by(SalesOrder.created_at).limit(limit)))
    tasks = []
    for order in orders:
        lines = list(session.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_no)))
        task_lines = []
        for line in lines:
            item = session.get(Item, line.item_id)
            bins = session.execute(
                select(Location.code, Location.walk_key, StockLevel.lot, StockLevel.expiry)
                .join(Location, Location.id == StockLevel.location_id)
                .where(StockLevel.item_id == line.item_id, StockLevel.qty > 0, Location.kind == "bin",
                       Location.warehouse_id == order.warehouse_id)
                .order_by(StockLevel.expiry == "", StockLevel.expiry, Location.walk_key)
            ).all()
            task_lines.append({"line": line.line_no, "item": item.sku, "name": item.name, "qty": line.qty,
                               "picked": line.qty_picked,
                               "bins": [{"location": b.code, "walk_key": b.walk_key, "lot": b.lot or None,
                                         "expiry": b.expiry or None} for b in bins]})
        tasks.append({"kind": "pick", "order": order.number, "state": order.state, "lines": task_lines})
    return tasks


def _count_tasks(session: Session, limit: int) -> list[dict]:
    rows = session.execute(select(CountTask, Location.code).join(Location, Location.id == CountTask.location_id)
                           .where(CountTask.status == "open").order_by(CountTask.id).limit(limit)).all()
    return [{"kind": "count", "id": task.id, "location": code, "reason": task.reason} for task, code in rows]
