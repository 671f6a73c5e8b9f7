"""Best-before dates on lots: what counts as expiring soon. Expiry dates are calendar days (YYYY-MM-DD),
as the GS1 (17) field and the ledger carry them; a lot is good to the end of its expiry day."""
from datetime import date, timedelta

MAX_DAYS = 3650  # ten years ahead: further than any shelf life worth a list


def expiry_cutoff(today: date, days: int) -> str:
    """The last expiry day (ISO text) that is "within `days` days" of `today`: 0 is today only.
    ISO dates compare as text, so the cutoff can go straight into a query."""
    if not 0 <= days <= MAX_DAYS:
        raise ValueError(f"days is 0 to {MAX_DAYS}")
    return (today + timedelta(days=days)).isoformat()


def days_left(today: date, expiry: str) -> int | None:
    """Whole days from `today` to the expiry day: 0 expires today, negative has expired; None: no date."""
    try:
        return (date.fromisoformat(expiry) - today).days
    except (TypeError, ValueError):
        return None
