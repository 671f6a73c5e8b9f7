"""Location kinds and how they nest."""
from webapp.domain.errors import DomainError

LOCATION_KINDS = ("warehouse", "zone", "aisle", "bin", "dock", "tote", "pack", "outbound", "carton", "quarantine")
# Stock may sit in any of these; a warehouse, zone or aisle only groups.
STOCK_HOLDING_KINDS = frozenset({"bin", "dock", "tote", "pack", "outbound", "carton", "quarantine"})
# Stock here is on hand but never available: it waits for a decision (returns, damage, recalls).
QUARANTINE_KINDS = frozenset({"quarantine"})
# Temperature zones an item needs and a bin offers.
TEMPERATURE_ZONES = ("ambient", "chilled", "frozen")
# Where goods may leave the building from, recorded on a dispatch.
DISPATCH_DOORS = frozenset({"dock", "outbound", "pack"})


def wrong_zone(item_zone: str, location_zone: str) -> bool:
    """An item put where the temperature is not its own (a frozen item in an ambient bin). A location with no
    zone of its own (a dock, a tote) is wrong for nobody: goods pass through it."""
    return bool(item_zone and location_zone and item_zone != location_zone)


def check_location(kind: str, has_parent: bool) -> None:
    if kind not in LOCATION_KINDS:
        raise DomainError("invalid_kind", f"kind must be one of {', '.join(LOCATION_KINDS)}")
    if kind == "warehouse" and has_parent:
        raise DomainError("invalid_parent", "a warehouse has no parent")
    if kind != "warehouse" and not has_parent:
        raise DomainError("parent_required", f"a {kind} needs a parent location")


def check_timezone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError("invalid_timezone", f"{name!r} is not an IANA time zone") from None
    return name
