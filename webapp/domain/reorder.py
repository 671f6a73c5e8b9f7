"""When an item needs ordering, how much to suggest, and which supplier's draft it goes on.

Plain arithmetic on whole base units. The stock position is available + in transit: what a purchase order not yet
approved would add is never part of it (a draft orders nothing).
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from webapp.domain.ledger import EFFECTS

METHODS = ("static", "dynamic")
DEFAULT_VELOCITY_DAYS = 30
MAX_VELOCITY_DAYS = 365
# The movement kinds whose units left the warehouse to a customer: the demand the dynamic point follows.
ISSUE_KINDS = tuple(sorted(kind for kind, effect in EFFECTS.items() if effect == "issue"))


@dataclass(frozen=True)
class ItemPosition:
    """One item in one warehouse, as the reorder rule needs it."""

    item_id: int
    sku: str
    available: int
    in_transit: int
    reorder_point: int  # the static point (item.reorder_point)
    reorder_qty: int
    safety_stock: int
    supplier_code: str | None
    lead_time_days: int | None  # the supplier's; None without a supplier
    issued: int = 0  # units issued in the velocity window

    @property
    def position(self) -> int:
        return self.available + self.in_transit


@dataclass(frozen=True)
class Suggestion:
    item_id: int
    sku: str
    supplier_code: str | None
    point: int
    position: int
    qty: int


def dynamic_point(issued: int, days: int, lead_time_days: int, safety_stock: int) -> int:
    """Daily issue velocity × lead time + safety stock, rounded up: a part unit short is still short."""
    if days < 1:
        raise ValueError("the velocity window is at least one day")
    demand = max(0, issued) * max(0, lead_time_days)
    return -(-demand // days) + max(0, safety_stock)


def reorder_point(p: ItemPosition, method: str, days: int) -> int:
    if method == "static":
        return p.reorder_point
    if method == "dynamic":
        # Without a supplier there is no lead time to cover: the safety stock alone is the point.
        return dynamic_point(p.issued, days, p.lead_time_days or 0, p.safety_stock)
    raise ValueError(f"unknown reorder method {method}")


def suggested_qty(point: int, position: int, reorder_qty: int) -> int:
    """The item's reorder quantity, or more when that would leave it still at or below its point."""
    return max(reorder_qty, point - position + 1)


def suggest(p: ItemPosition, method: str, days: int) -> Suggestion | None:
    """A suggestion when available + in transit fell below the point, else None."""
    point = reorder_point(p, method, days)
    if p.position >= point:
        return None
    return Suggestion(p.item_id, p.sku, p.supplier_code, point, p.position, suggested_qty(point, p.position,
                                                                                         p.reorder_qty))


def group_by_supplier(suggestions: list[Suggestion]) -> tuple[dict[str, list[Suggestion]], list[Suggestion]]:
    """One group per supplier (by code, lines by SKU), and the suggestions without a supplier kept apart."""
    groups: dict[str, list[Suggestion]] = {}
    without: list[Suggestion] = []
    for s in sorted(suggestions, key=lambda s: s.sku):
        if s.supplier_code is None:
            without.append(s)
        else:
            groups.setdefault(s.supplier_code, []).append(s)
    return dict(sorted(groups.items())), without


def velocity_window(now: datetime, tz_name: str, days: int) -> tuple[datetime, datetime]:
    """The last `days` whole days before today, in the warehouse's timezone, as UTC instants [start, end).

    Today is left out (it is not over), and a day is a local calendar day: 23 or 25 hours across a clock change.
    """
    if days < 1:
        raise ValueError("the velocity window is at least one day")
    zone = ZoneInfo(tz_name or "UTC")
    today: date = now.astimezone(zone).date()

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)

    return midnight(today - timedelta(days=days)), midnight(today)
