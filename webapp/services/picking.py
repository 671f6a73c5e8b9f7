"""Pick tasks: released orders allocated to bins (FEFO, walk order), picked into totes; short picks
re-allocated to another bin, or the line is backordered, and the bin gets a count task."""
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.db.floor_tables import PickStep, PickTask
from webapp.db.ledger_tables import StockLevel
from webapp.db.models import Item, Location, User
from webapp.db.order_tables import ExceptionRecord, OrderLine, SalesOrder
from webapp.domain import picking
from webapp.domain.errors import Conflict, DomainError
from webapp.services import orders


def _bin_stock(session: Session, warehouse_id: int, item_ids: list[int]) -> dict[int, list[picking.BinStock]]:
    """Stock in bins, less what open pick steps have already promised to other walks."""
    promised = dict(((r.location_id, r.lot, r.item_id), int(r.left)) for r in session.execute(
        select(PickStep.location_id, PickStep.lot, OrderLine.item_id,
               func.sum(PickStep.qty - PickStep.qty_picked).label("left"))
        .join(OrderLine, OrderLine.id == PickStep.order_line_id)
        .where(PickStep.status == "open", OrderLine.item_id.in_(item_ids or [0]))
        .group_by(PickStep.location_id, PickStep.lot, OrderLine.item_id)))
    rows = session.execute(
        select(StockLevel.item_id, StockLevel.location_id, Location.code, Location.walk_key, StockLevel.lot,
               StockLevel.expiry, StockLevel.qty)
        .join(Location, Location.id == StockLevel.location_id)
        .where(StockLevel.item_id.in_(item_ids or [0]), StockLevel.warehouse_id == warehouse_id,
               Location.kind == "bin", Location.frozen == False, StockLevel.qty > 0))  # noqa: E712
    stock: dict[int, list[picking.BinStock]] = {}
    for item_id, location_id, code, walk_key, lot, expiry, qty in rows:
        free = qty - promised.get((location_id, lot, item_id), 0)
        if free > 0:
            stock.setdefault(item_id, []).append(picking.BinStock(code, walk_key, lot, expiry, free))
    return stock


def _free_totes(session: Session, warehouse_id: int, count: int) -> list[Location]:
    busy = select(PickStep.tote_location_id).where(PickStep.status == "open", PickStep.tote_location_id.is_not(None))
    holding = select(StockLevel.location_id).where(StockLevel.qty != 0)
    totes = list(session.scalars(select(Location).where(
        Location.kind == "tote", Location.warehouse_id == warehouse_id, Location.id.not_in(busy),
        Location.id.not_in(holding)).order_by(Location.code).limit(count)))
    if len(totes) < count:
        raise Conflict("no_free_tote", f"{count} empty totes needed, {len(totes)} free")
    return totes


def release_orders(session: Session, numbers: list[str], user_id: int | None, reason: str = "released to the floor") -> PickTask:
    """Move validated orders to picking and create one walk for them (batch picking when several)."""
    if not numbers or len(set(numbers)) != len(numbers):
        raise DomainError("invalid_field", "name each order once")
    locked = orders.locked_orders(session, sorted(numbers))
    warehouses = {o.warehouse_id for o in locked}
    if len(warehouses) != 1:
        raise DomainError("cross_warehouse", "a walk stays inside one warehouse")
    warehouse_id = warehouses.pop()
    for order in locked:
        orders.change_state(session, order.number, "picking", reason, user_id)
    lines = list(session.execute(select(SalesOrder.number, OrderLine).join(OrderLine, OrderLine.order_id == SalesOrder.id)
                                 .where(SalesOrder.number.in_(numbers)).order_by(SalesOrder.created_at, OrderLine.line_no)))
    wanted = [picking.WantedLine(number, line.line_no, str(line.item_id), line.qty - line.qty_picked) for number, line in lines]
    stock = {str(k): v for k, v in _bin_stock(session, warehouse_id, [l.item_id for _, l in lines]).items()}
    plan = picking.allocate(wanted, stock)
    task = PickTask(warehouse_id=warehouse_id)
    session.add(task)
    session.flush()
    totes = dict(zip([o.number for o in locked], _free_totes(session, warehouse_id, len(locked))))
    _add_steps(session, task, plan.steps, {(n, l.line_no): l for n, l in lines}, totes)
    item_of = {(w.order, w.line): int(w.item) for w in wanted}
    for (number, line_no), missing in plan.short.items():
        session.add(ExceptionRecord(code="unallocated", ref=number, item_id=item_of[(number, line_no)],
                                    detail=f"line {line_no}: {missing} reserved but not found in any bin"))
    return task


def _location_ids(session: Session, codes: set[str]) -> dict[str, int]:
    return dict(session.execute(select(Location.code, Location.id).where(Location.code.in_(codes or {""}))).tuples().all())


def _add_steps(session: Session, task: PickTask, steps: list[picking.PickStep], line_by_key: dict, totes: dict) -> None:
    ids = _location_ids(session, {s.location for s in steps})
    for step in steps:
        line = line_by_key[(step.order, step.line)]
        tote = totes.get(step.order)
        session.add(PickStep(task_id=task.id, order_line_id=line.id, location_id=ids[step.location],
                             tote_location_id=tote.id if tote is not None else None, lot=step.lot, expiry=step.expiry,
                             walk_key=step.walk_key, qty=step.qty))
    session.flush()


def cancel_open_steps(session: Session, order: SalesOrder) -> None:
    """A cancelled order is taken off every walk: nobody is sent to pick it any more."""
    line_ids = select(OrderLine.id).where(OrderLine.order_id == order.id)
    for step in session.scalars(select(PickStep).where(PickStep.order_line_id.in_(line_ids), PickStep.status == "open")):
        step.status = "cancelled"


def record_pick(session: Session, order: SalesOrder, item_id: int, from_location_id: int, qty: int,
                picker_id: int | None = None) -> None:
    """A pick scan fills the open steps of that order, item and bin, and claims their walk for the picker."""
    steps = session.scalars(select(PickStep).join(OrderLine, OrderLine.id == PickStep.order_line_id).where(
        OrderLine.order_id == order.id, OrderLine.item_id == item_id, PickStep.location_id == from_location_id,
        PickStep.status == "open").order_by(PickStep.id))
    for step in steps:
        if picker_id is not None:
            task = session.get(PickTask, step.task_id)
            if task.picker_id is None:
                task.picker_id = picker_id
        take = min(qty, step.qty - step.qty_picked)
        step.qty_picked += take
        qty -= take
        if step.qty_picked >= step.qty:
            step.status = "picked"
        if qty == 0:
            break


def record_short(session: Session, order_number: str, item_id: int, short_location: Location, missing: int) -> str:
    """Close the short bin's steps, find the rest elsewhere, else backorder what is left. Returns what happened."""
    order = session.scalar(select(SalesOrder).where(SalesOrder.number == order_number))
    if order is None:
        return "no order"
    steps = list(session.scalars(select(PickStep).join(OrderLine, OrderLine.id == PickStep.order_line_id).where(
        OrderLine.order_id == order.id, OrderLine.item_id == item_id, PickStep.location_id == short_location.id,
        PickStep.status == "open")))
    if not steps:
        return "no open step at that bin"
    task = session.get(PickTask, steps[0].task_id)
    line = session.get(OrderLine, steps[0].order_line_id)
    tote_id = steps[0].tote_location_id
    # The bin is short by `missing`: shrink its steps by that much (what is there can still be picked).
    still_needed = min(missing, sum(s.qty - s.qty_picked for s in steps))
    to_remove = still_needed
    for step in reversed(steps):
        cut = min(to_remove, step.qty - step.qty_picked)
        step.qty -= cut
        to_remove -= cut
        if step.qty_picked >= step.qty:
            step.status = "short"
    stock = {str(item_id): _bin_stock(session, order.warehouse_id, [item_id]).get(item_id, [])}
    plan = picking.reallocate_short(order.number, line.line_no, str(item_id), still_needed, short_location.code,
                                    stock[str(item_id)])
    ids = _location_ids(session, {s.location for s in plan.steps})
    for step in plan.steps:
        session.add(PickStep(task_id=task.id, order_line_id=line.id, location_id=ids[step.location], tote_location_id=tote_id,
                             lot=step.lot, expiry=step.expiry, walk_key=step.walk_key, qty=step.qty))
    left = plan.short.get((order.number, line.line_no), 0)
    if left:
        session.add(ExceptionRecord(code="line_backordered", item_id=item_id, ref=order.number,
                                    detail=f"line {line.line_no}: {left} short with no other bin holding it"))
        return f"{left} backordered"
    return "re-allocated to " + ", ".join(s.location for s in plan.steps)


def task_json(session: Session, task: PickTask) -> dict:
    rows = session.execute(
        select(PickStep, OrderLine, SalesOrder.number, Item.sku, Item.name, Location.code)
        .join(OrderLine, OrderLine.id == PickStep.order_line_id)
        .join(SalesOrder, SalesOrder.id == OrderLine.order_id)
        .join(Item, Item.id == OrderLine.item_id)
        .join(Location, Location.id == PickStep.location_id)
        .where(PickStep.task_id == task.id).order_by(PickStep.walk_key, Location.code, PickStep.id)).all()
    tote_codes = dict(session.execute(select(Location.id, Location.code).where(
        Location.id.in_({r.PickStep.tote_location_id for r in rows} or {0}))).tuples().all())
    steps = [{"step": r.PickStep.id, "order": r.number, "line": r.OrderLine.line_no, "item": r.sku, "name": r.name,
              "location": r.code, "lot": r.PickStep.lot or None, "expiry": r.PickStep.expiry or None,
              "qty": r.PickStep.qty, "picked": r.PickStep.qty_picked, "status": r.PickStep.status,
              "tote": tote_codes.get(r.PickStep.tote_location_id)} for r in rows]
    orders_in_task = sorted({s["order"] for s in steps})
    # `lines` (per order line, with its bins) is the summary older devices read; `steps` is the walk.
    lines: dict = {}
    for r, step in zip(rows, steps):
        line = lines.setdefault((step["order"], step["line"]), {
            "order": step["order"], "line": step["line"], "item": step["item"], "name": step["name"],
            "qty": r.OrderLine.qty, "picked": r.OrderLine.qty_picked, "bins": []})
        if step["status"] == "open":
            line["bins"].append({"location": step["location"], "walk_key": r.PickStep.walk_key, "lot": step["lot"],
                                 "expiry": step["expiry"], "qty": step["qty"] - step["picked"], "tote": step["tote"]})
    picker = session.get(User, task.picker_id) if task.picker_id else None
    return {"kind": "pick", "task": task.id, "picker": picker.username if picker else None, "orders": orders_in_task, "order": orders_in_task[0] if orders_in_task else None,
            "state": "picking", "steps": steps, "lines": list(lines.values())}
