"""Time as the ledger stores it: aware UTC at microsecond precision, rendered with a Z."""
from datetime import date, datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; give an offset")
    return moment.astimezone(timezone.utc)


def parse_instant(text: str) -> datetime:
    """ISO 8601 with an offset (or Z) → aware UTC. Raises ValueError otherwise."""
    if not isinstance(text, str) or len(text) > 40:
        raise ValueError("expected an ISO 8601 time with an offset")
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("time needs an offset, e.g. 2026-11-22T10:15:03Z")
    try:
        return to_utc(moment)
    except OverflowError:  # year 1 with a positive offset, year 9999 with a negative one
        raise ValueError("time is outside the calendar") from None


def parse_date_or_instant(text: str) -> datetime:
    """A calendar date (YYYY-MM-DD, taken as its start in UTC) or an ISO 8601 time with an offset → aware UTC."""
    if isinstance(text, str) and len(text) == 10:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ValueError("expected a date (YYYY-MM-DD) or an ISO 8601 time with an offset") from None
        return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    return parse_instant(text)


def format_instant(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return to_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
