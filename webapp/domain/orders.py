"""The order state machine: Received → Validated → Picking → Packed → Dispatched → Delivered,
with Backordered, On hold and Cancelled."""
from webapp.domain.errors import Conflict

STATES = ("received", "validated", "backordered", "on_hold", "picking", "packed", "dispatched", "delivered", "cancelled")

TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset({"validated", "backordered", "on_hold", "cancelled"}),
    "backordered": frozenset({"validated", "on_hold", "cancelled"}),
    "validated": frozenset({"picking", "on_hold", "cancelled"}),
    "on_hold": frozenset({"validated", "backordered", "cancelled"}),
    "picking": frozenset({"packed", "on_hold", "cancelled"}),
    "packed": frozenset({"dispatched", "cancelled"}),
    "dispatched": frozenset({"delivered"}),
    "delivered": frozenset(),
    "cancelled": frozenset(),
}
# States in which an order holds reservations for its lines.
RESERVING_STATES = frozenset({"validated", "picking", "on_hold"})
# States in which floor work (pick, pack, dispatch) for the order is expected.
OPEN_FOR_FLOOR = frozenset({"validated", "picking", "packed"})


def check_transition(current: str, target: str) -> None:
    if target not in STATES:
        raise Conflict("invalid_transition", f"{target!r} is not an order state", states=list(STATES))
    if target not in TRANSITIONS[current]:
        allowed = sorted(TRANSITIONS[current])
        raise Conflict("invalid_transition", f"an order cannot go from {current} to {target}",
                       state=current, allowed=allowed)


def releases_reservations(current: str, target: str) -> bool:
    return current in RESERVING_STATES and target not in RESERVING_STATES | {"packed", "dispatched", "delivered"}


def to_follow(ordered: int, picked: int, still_to_pick: int, released: bool) -> int:
    """What a released order line will not get from this pick: the part shorted with no other bin holding it
    (backordered). Packing ships what is there and the slip lists the rest as "to follow"."""
    if not released:
        return 0
    return max(0, ordered - picked - still_to_pick)


def line_due(ordered: int, follow: int) -> int:
    """What packing and dispatch expect of a line now: what was ordered less what is to follow."""
    return max(0, ordered - follow)
