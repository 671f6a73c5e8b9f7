"""What a supervisor is alerted about, and when: stuck orders, discrepancies past tolerance, negative stock,
blocked devices. Plain rules; the alerts service finds the facts and stores each cause's alert once.

Stuck (the rule, exact at the boundary): an order is stuck when it has been in one state for AT LEAST the
stuck-order setting, i.e. `now - state_changed_at >= minutes` — with 30 minutes, 29:59 is not stuck and
30:00 is. Orders in a state that waits for nobody in the warehouse (dispatched, delivered, cancelled) are
never stuck.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

KINDS = ("stuck_order", "discrepancy", "negative_stock", "device_blocked")
# States the warehouse is finished with: time spent in them is no one's delay.
NEVER_STUCK = frozenset({"dispatched", "delivered", "cancelled"})

WEBHOOK_MAX_ATTEMPTS = 6


def is_stuck(state: str, state_changed_at: datetime, now: datetime, stuck_minutes: int) -> bool:
    if state in NEVER_STUCK:
        return False
    return now - state_changed_at >= timedelta(minutes=stuck_minutes)


def minutes_in_state(state_changed_at: datetime, now: datetime) -> int:
    return max(0, int((now - state_changed_at).total_seconds() // 60))


@dataclass(frozen=True)
class Cause:
    """One reason for an alert. `key` names the episode: while it holds, one alert; once it is gone and comes
    back, a new alert (the service numbers the episodes)."""

    kind: str
    key: str
    message: str
    warehouse_id: int | None = None
    data: dict | None = None


def stuck_order(number: str, state: str, state_changed_at: datetime, now: datetime, warehouse_id: int) -> Cause:
    # The time the state began is part of the key: the same order stuck again in a later state is a new cause.
    return Cause("stuck_order", f"stuck_order:{number}:{state}:{state_changed_at.isoformat()}",
                 f"Order {number} has been {state} for {minutes_in_state(state_changed_at, now)} min",
                 warehouse_id, {"order": number, "state": state})


def discrepancy(count_id: int, line_no: int, location: str, sku: str, variance: int, warehouse_id: int) -> Cause:
    return Cause("discrepancy", f"discrepancy:{count_id}:{line_no}",
                 f"Count {count_id} line {line_no}: {sku} at {location} is off by {variance:+d}, needs sign-off",
                 warehouse_id, {"count": count_id, "line": line_no, "item": sku, "location": location,
                                "variance": variance})


def negative_stock(sku: str, location: str, qty: int, warehouse_id: int) -> Cause:
    return Cause("negative_stock", f"negative_stock:{sku}:{location}",
                 f"Negative stock: {sku} at {location} is {qty}", warehouse_id,
                 {"item": sku, "location": location, "qty": qty})


def device_blocked(device_id: str, name: str) -> Cause:
    return Cause("device_blocked", f"device_blocked:{device_id}",
                 f"Device {name or device_id} is blocked: its scans are refused", None, {"device": device_id})


def webhook_text(kind: str, message: str) -> str:
    """A Slack-compatible message line."""
    return f":rotating_light: Dockhand {kind.replace('_', ' ')}: {message}"


def webhook_backoff_s(attempts: int, base_s: float) -> float:
    """Wait before the next try after `attempts` failed ones: base, 2×, 4×, … (at most 64× base)."""
    return base_s * (2 ** min(max(attempts - 1, 0), 6))
