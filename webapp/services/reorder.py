"""Reorder drafts: made from the stock position by the rule in domain/reorder.py, reviewed and edited by a
supervisor, and only on approval turned into a real purchase order (counted in transit from then on)."""
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import Movement, StockTotal
from webapp.db.models import Item, Location, Supplier
from webapp.db.order_tables import PurchaseOrder
from webapp.db.reorder_tables import ReorderDraft, ReorderDraftLine
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.errors import Conflict, NotFound
from webapp.domain.ledger import StockNumbers
from webapp.domain.reorder import (ISSUE_KINDS, ItemPosition, Suggestion, group_by_supplier, suggest,
                                   velocity_window)
from webapp.services import settings
from webapp.services.catalogue import resolve_warehouse, warehouses
from webapp.services.purchasing import PoIntake, create_purchase_order

OPEN = "draft"


@dataclass
class DraftRequest:
    warehouse: str | None
    method: str
    velocity_days: int | None = None  # None: the reorder_velocity_days setting; a number overrides it


@dataclass
class DraftEdit:
    quantities: dict[str, int]  # SKU → new quantity
    remove: list[str]


def item_positions(session: Session, warehouse: Location, velocity_days: int, now: datetime) -> list[ItemPosition]:
    """Every item's stock position in the warehouse, with what it issued in the velocity window."""
    start, end = velocity_window(now, warehouse.timezone, velocity_days)
    issued = (select(Movement.item_id, func.sum(Movement.qty_base).label("qty"))
              .where(Movement.warehouse_id == warehouse.id, Movement.kind.in_(ISSUE_KINDS),
                     Movement.occurred_at >= start, Movement.occurred_at < end)
              .group_by(Movement.item_id).subquery())
    rows = session.execute(
        select(Item, StockTotal, Supplier, issued.c.qty)
        .outerjoin(StockTotal, and_(StockTotal.item_id == Item.id, StockTotal.warehouse_id == warehouse.id))
        .outerjoin(Supplier, Supplier.id == Item.supplier_id)
        .outerjoin(issued, issued.c.item_id == Item.id)
        .order_by(Item.sku)).all()
    positions = []
    for item, total, supplier, issued_qty in rows:
        numbers = (StockNumbers(total.on_hand, total.reserved, total.committed, total.in_transit, total.quarantined)
                   if total else StockNumbers(0, 0, 0, 0))
        positions.append(ItemPosition(
            item.id, item.sku, numbers.available, numbers.in_transit, item.reorder_point, item.reorder_qty,
            item.safety_stock, supplier.code if supplier else None, supplier.lead_time_days if supplier else None,
            int(issued_qty or 0)))
    return positions


def generate_drafts(session: Session, request: DraftRequest, user_id: int | None, now: datetime | None = None,
                    config: dict | None = None) -> dict:
    """Drafts, one per warehouse and supplier, for the items below their point (no warehouse named: every
    warehouse); items already on an open draft are left where they are, and items without a supplier go on a
    draft of their own that cannot be approved."""
    now = now or utcnow()
    if request.velocity_days is None:
        request = replace(request, velocity_days=settings.value(session, "reorder_velocity_days", config or {}))
    chosen = [resolve_warehouse(session, request.warehouse)] if request.warehouse else warehouses(session)
    created, without_supplier = [], []
    for warehouse in chosen:  # by id: one lock order
        drafts, without = _drafts_for(session, warehouse, request, user_id, now)
        created += drafts
        without_supplier += [{"warehouse": warehouse.code, "item": s.sku} for s in without]
    return {"warehouses": [w.code for w in chosen], "method": request.method, "velocity_days": request.velocity_days,
            "drafts": [draft_json(session, d) for d in created], "without_supplier": without_supplier}


def _drafts_for(session: Session, warehouse: Location, request: DraftRequest, user_id: int | None,
                now: datetime) -> tuple[list[ReorderDraft], list[Suggestion]]:
    # One generation per warehouse at a time, so two supervisors pressing at once never draft an item twice.
    session.execute(select(Location.id).where(Location.id == warehouse.id).with_for_update())
    drafted = set(session.scalars(
        select(ReorderDraftLine.item_id).join(ReorderDraft, ReorderDraft.id == ReorderDraftLine.draft_id)
        .where(ReorderDraft.warehouse_id == warehouse.id, ReorderDraft.status == OPEN)))
    suggestions = [s for s in (suggest(p, request.method, request.velocity_days)
                               for p in item_positions(session, warehouse, request.velocity_days, now)
                               if p.item_id not in drafted) if s is not None]
    groups, without = group_by_supplier(suggestions)
    supplier_ids = dict(session.execute(select(Supplier.code, Supplier.id)
                                        .where(Supplier.code.in_(list(groups)))).tuples().all())
    created = []
    for code, lines in [*groups.items(), *([(None, without)] if without else [])]:
        draft = ReorderDraft(warehouse_id=warehouse.id, supplier_id=supplier_ids[code] if code else None,
                             method=request.method, velocity_days=request.velocity_days, created_by_id=user_id,
                             created_at=now)
        session.add(draft)
        session.flush()
        for s in lines:
            session.add(ReorderDraftLine(draft_id=draft.id, item_id=s.item_id, qty=s.qty, suggested_qty=s.qty,
                                         reorder_point=s.point, position=s.position))
        created.append(draft)
    session.flush()
    return created, without


def draft_json(session: Session, draft: ReorderDraft) -> dict:
    supplier = session.get(Supplier, draft.supplier_id) if draft.supplier_id else None
    warehouse = session.get(Location, draft.warehouse_id)
    po = session.get(PurchaseOrder, draft.purchase_order_id) if draft.purchase_order_id else None
    lines = session.execute(
        select(ReorderDraftLine, Item.sku, Item.name, Item.unit_cost_cents)
        .join(Item, Item.id == ReorderDraftLine.item_id)
        .where(ReorderDraftLine.draft_id == draft.id).order_by(Item.sku)).all()
    return {"id": draft.id, "state": draft.status, "warehouse": warehouse.code if warehouse else None,
            "supplier": supplier.code if supplier else None, "supplier_name": supplier.name if supplier else None,
            "lead_time_days": supplier.lead_time_days if supplier else None,
            "method": draft.method, "velocity_days": draft.velocity_days,
            "created_at": format_instant(draft.created_at), "decided_at": format_instant(draft.decided_at),
            "purchase_order": po.number if po else None,
            "lines": [{"item": sku, "name": name, "qty": line.qty, "suggested": line.suggested_qty,
                       "reorder_point": line.reorder_point, "position": line.position,
                       "value_cents": line.qty * cost}
                      for line, sku, name, cost in lines]}


def list_drafts(session: Session, state: str | None, warehouse: str | None) -> dict:
    query = select(ReorderDraft).order_by(ReorderDraft.id)
    if state:
        query = query.where(ReorderDraft.status == state)
    if warehouse:
        query = query.where(ReorderDraft.warehouse_id == resolve_warehouse(session, warehouse).id)
    return {"items": [draft_json(session, d) for d in session.scalars(query)]}


def _open_draft(session: Session, draft_id: int) -> ReorderDraft:
    """The draft, locked, and still open: an approval racing an edit or a discard waits and then sees the outcome."""
    draft = session.execute(select(ReorderDraft).where(ReorderDraft.id == draft_id).with_for_update()
                            .execution_options(populate_existing=True)).scalar_one_or_none()
    if draft is None:
        raise NotFound("unknown_draft", f"no reorder draft {draft_id}")
    if draft.status != OPEN:
        raise Conflict("draft_not_open", f"reorder draft {draft_id} is already {draft.status}", state=draft.status)
    return draft


def edit_draft(session: Session, draft_id: int, edit: DraftEdit) -> ReorderDraft:
    draft = _open_draft(session, draft_id)
    lines = {sku: line for line, sku in session.execute(
        select(ReorderDraftLine, Item.sku).join(Item, Item.id == ReorderDraftLine.item_id)
        .where(ReorderDraftLine.draft_id == draft.id)).tuples()}
    for sku in [*edit.quantities, *edit.remove]:
        if sku not in lines:
            raise NotFound("not_on_draft", f"{sku} is not on reorder draft {draft_id}", item=sku)
    for sku, qty in edit.quantities.items():
        lines[sku].qty = qty
    if edit.remove:
        session.execute(delete(ReorderDraftLine).where(
            ReorderDraftLine.id.in_([lines[sku].id for sku in edit.remove])))
    session.flush()
    return draft


def approve_draft(session: Session, draft_id: int, user_id: int | None, now: datetime | None = None) -> ReorderDraft:
    """The draft becomes an open purchase order (its quantities now in transit), expected after the lead time."""
    now = now or utcnow()
    draft = _open_draft(session, draft_id)
    if draft.supplier_id is None:
        raise Conflict("no_supplier", "these items have no supplier: give each one a supplier, then draft again")
    lines = session.execute(select(Item.sku, ReorderDraftLine.qty).join(Item, Item.id == ReorderDraftLine.item_id)
                            .where(ReorderDraftLine.draft_id == draft.id).order_by(Item.sku)).tuples().all()
    if not lines:
        raise Conflict("draft_empty", f"reorder draft {draft_id} has no lines left: discard it instead")
    supplier = session.get(Supplier, draft.supplier_id)
    warehouse = session.get(Location, draft.warehouse_id)
    po = create_purchase_order(session, PoIntake(
        number=f"RO-{draft.id:06d}", supplier=supplier.code, lines=list(lines),
        expected_at=now + timedelta(days=supplier.lead_time_days), warehouse=warehouse.code))
    draft.status, draft.purchase_order_id, draft.decided_by_id, draft.decided_at = "approved", po.id, user_id, now
    session.flush()
    return draft


def discard_draft(session: Session, draft_id: int, user_id: int | None) -> ReorderDraft:
    draft = _open_draft(session, draft_id)
    draft.status, draft.decided_by_id, draft.decided_at = "discarded", user_id, utcnow()
    session.flush()
    return draft
