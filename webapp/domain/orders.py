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
# States an order never leaves for work again: its lines can no longer be edited.
CLOSED_STATES = frozenset({"dispatched", "delivered", "cancelled"})
# States in which a pack station works on an order (its totes, its cartons).
AT_PACKING = frozenset({"picking", "packed"})


# The way floor scans move an order forward; each step is a transition the machine allows.
FLOOR_PATH = ("validated", "picking", "packed", "dispatched")


def floor_steps(state: str, kind: str, *, all_packed: bool, all_dispatched: bool) -> list[str]:
    """The states a pick, pack or dispatch scan moves an order through: the first pick → picking, everything
    packed → packed, everything dispatched → dispatched, passing every state between (a dispatch straight
    from the bin walks validated → picking → packed → dispatched)."""
    target = {"pick": "picking", "pack": "packed" if all_packed else None,
              "dispatch": "dispatched" if all_dispatched else None}.get(kind)
    if target is None or state not in FLOOR_PATH or FLOOR_PATH.index(state) >= FLOOR_PATH.index(target):
        return []
    steps = list(FLOOR_PATH[FLOOR_PATH.index(state) + 1:FLOOR_PATH.index(target) + 1])
    for current, step in zip([state] + steps, steps):
        check_transition(current, step)
    return steps


def check_transition(current: str, target: str) -> None:
    if target not in STATES:
        raise Conflict("invalid_transition", f"{target!r} is not an order state", states=list(STATES))
    if target not in TRANSITIONS[current]:
        allowed = sorted(TRANSITIONS[current])
        raise Conflict("invalid_transition", f"an order cannot go from {current} to {target}",
                       state=current, allowed=allowed)


def to_follow(ordered: int, picked: int, still_to_pick: int, released: bool) -> int:
    """What a released order line will not get from this pick: the part shorted with no other bin holding it
    (backordered). Packing ships what is there and the slip lists the rest as "to follow"."""
    if not released:
        return 0
    return max(0, ordered - picked - still_to_pick)


def line_due(ordered: int, follow: int) -> int:
    """What packing and dispatch expect of a line now: what was ordered less what is to follow."""
    return max(0, ordered - follow)


# States in which the order desk may add or remove lines: before the order goes to the floor. Once picking
# starts, a walk is planned from its lines (a quantity may still change by PATCH, within what was picked).
LINES_OPEN_STATES = frozenset({"received", "validated", "backordered", "on_hold"})


def check_lines_open(state: str, released: bool) -> None:
    """Adding or removing a line is refused once the order is closed or released to the floor."""
    if state in CLOSED_STATES:
        raise Conflict("order_closed", f"the order is {state}: its lines can no longer change", state=state)
    if state not in LINES_OPEN_STATES or released:
        raise Conflict("order_released", f"the order is {state} and on a pick walk: cancel it or change a quantity",
                       state=state)


def next_line_no(highest_existing: int, highest_ever: int) -> int:
    """A removed line's number is never given to a new one: the order's history names lines by number."""
    return max(highest_existing, highest_ever) + 1
