"""Moving an order through its life where that takes more than the order itself: release to the floor
(a walk), cancelling with open pick steps, and retrying backorders when stock arrives.

Layers: `orders` (intake, the state machine, reservations) is the low one, `picking` builds walks on it,
and this module sits above both, so neither has to reach up into the other.
"""
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import Movement
from webapp.db.order_tables import OrderLine, SalesOrder
from webapp.domain.errors import Conflict
from webapp.services import orders, picking
from webapp.services.locks import lock_in_order

# Stock that arrived with these effects may complete a backordered order.
ARRIVING_EFFECTS = ("receipt", "return", "adjustment_in", "transfer_in")


def transition(session: Session, number: str, target: str, reason: str, user_id: int | None) -> SalesOrder:
    """Move an order to another state. Going to picking releases it to the floor as a walk of its own;
    cancelling also takes it off every walk (its open pick steps are cancelled)."""
    if target == "picking":
        picking.release_orders(session, [number], user_id, reason or "released to the floor")
        return orders.get_order(session, number)
    order = orders.change_state(session, number, target, reason, user_id)
    if target == "cancelled":
        picking.cancel_open_steps(session, order)
    return order


def retry_backorders(session: Session, item_ids: set[int], limit: int = 50) -> list[str]:
    """Stock arrived for these items: try backordered orders holding them, oldest first, each reserved whole.

    Returns the numbers of the orders now validated. An order that still cannot be reserved stays backordered.
    """
    if not item_ids:
        return []
    candidates = session.scalars(
        select(SalesOrder.number).where(SalesOrder.state == "backordered", SalesOrder.id.in_(
            select(OrderLine.order_id).where(OrderLine.item_id.in_(item_ids))))
        .order_by(SalesOrder.created_at, SalesOrder.id).limit(limit)).all()
    lock_in_order(session, order_numbers=candidates)  # all of them first: oldest-first is not the lock order
    validated = []
    for number in candidates:
        try:
            with session.begin_nested():
                transition(session, number, "validated", "stock arrived", None)
            validated.append(number)
        except Conflict as err:
            if err.code not in ("insufficient_stock", "item_blocked", "invalid_transition"):
                raise
    return validated


def backordered_items_arrived(session: Session, movement_seqs: list[int]) -> set[int]:
    """Of the items that arrived with these movements (receipt, return, adjustment in), those a backordered
    order waits for: one query, so a sync with nothing to retry (nearly every one) opens no second transaction."""
    if not movement_seqs:
        return set()
    return set(session.scalars(
        select(Movement.item_id).where(Movement.seq.in_(movement_seqs), Movement.effect.in_(ARRIVING_EFFECTS),
                                       Movement.item_id.in_(select(OrderLine.item_id).join(
                                           SalesOrder, SalesOrder.id == OrderLine.order_id)
                                           .where(SalesOrder.state == "backordered")))))
