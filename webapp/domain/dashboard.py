"""The supervisor dashboard's arithmetic: which zone a location is in, and the hourly buckets of a trend."""
from datetime import datetime, timedelta

TREND_HOURS = 24


def zone_of(location_id: int | None, parent_of: dict[int, int | None], kind_of: dict[int, str]) -> int | None:
    """The nearest `zone` ancestor (or the location itself); None outside every zone (docks, totes, …)."""
    seen = set()
    while location_id is not None and location_id not in seen:
        if kind_of.get(location_id) == "zone":
            return location_id
        seen.add(location_id)
        location_id = parent_of.get(location_id)
    return None


def hour_starts(now: datetime, hours: int = TREND_HOURS) -> list[datetime]:
    """The starts of the last `hours` whole hours, oldest first; the last one is the hour `now` is in."""
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    return [this_hour - timedelta(hours=n) for n in range(hours - 1, -1, -1)]


def bucket_by_hour(moments_and_qty: list[tuple[datetime, int]], now: datetime, hours: int = TREND_HOURS) -> list[dict]:
    """[{hour, qty, movements}] for each of the last `hours` hours (empty hours included, so a chart has no gaps)."""
    starts = hour_starts(now, hours)
    buckets = {start: [0, 0] for start in starts}
    for moment, qty in moments_and_qty:
        start = moment.replace(minute=0, second=0, microsecond=0)
        if start in buckets:
            buckets[start][0] += qty
            buckets[start][1] += 1
    return [{"hour": start, "qty": buckets[start][0], "movements": buckets[start][1]} for start in starts]
