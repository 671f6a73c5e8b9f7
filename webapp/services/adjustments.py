"""Stock adjustments: how a supervisor corrects stock. Never an edit of a quantity: a new movement,
with a reason, that may point at the movement it corrects."""
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import Movement
from webapp.domain.clock import utcnow
from webapp.domain.errors import NotFound
from webapp.domain.locations import STOCK_HOLDING_KINDS
from webapp.services.catalogue import find_item, find_location
from webapp.services.exceptions import open_exceptions_for
from webapp.services.ledger import MovementInput, post_movement


@dataclass(frozen=True)
class Adjustment:
    item: str
    location: str
    qty: int  # signed, in the scanned unit: positive adds, negative removes
    reason: str
    lot: str = ""
    corrects_seq: int | None = None


def post_adjustment(session: Session, adjustment: Adjustment, user_id: int, content_hash: str) -> dict:
    scanned = find_item(session, adjustment.item)
    if scanned is None:
        raise NotFound("unknown_item", f"no item {adjustment.item}")
    location = find_location(session, adjustment.location)
    if location is None or location.kind not in STOCK_HOLDING_KINDS:
        raise NotFound("unknown_location", f"no stock location {adjustment.location}")
    corrects = adjustment.corrects_seq
    if corrects is not None and session.scalar(select(Movement.seq).where(Movement.seq == corrects)) is None:
        raise NotFound("unknown_movement", f"no movement with seq {corrects}")
    adds = adjustment.qty > 0
    kind = "adjust_in" if adds else "adjust_out"
    movement = post_movement(session, MovementInput(
        id=f"adj-{uuid.uuid4()}", kind=kind, item_id=scanned.item.id, warehouse_id=location.warehouse_id,
        qty_base=scanned.to_base(abs(adjustment.qty)), qty_scanned=abs(adjustment.qty), uom=scanned.uom,
        to_location=location if adds else None, from_location=None if adds else location, lot=adjustment.lot,
        reason=adjustment.reason, corrects_seq=corrects, scanned_by_id=user_id, sent_by_id=user_id,
        occurred_at=utcnow(), content_hash=content_hash))
    open_exceptions_for(session, movement)
    return {"id": movement.id, "seq": movement.seq, "kind": kind, "qty_base": movement.qty_base,
            "balance_after": movement.to_balance_after if adds else movement.from_balance_after,
            "corrects_seq": corrects, "flags": [f for f in movement.flags.split(",") if f]}
