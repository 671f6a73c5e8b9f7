"""Rules the reports share: what a movement does to on hand, turnover, money as text, and CSV that a spreadsheet
opens without running anything a warehouse name smuggled in."""
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from webapp.domain.ledger import EFFECTS, location_deltas

# +1 when a kind brings units into the warehouse, -1 when they leave, 0 when they only move inside it (or are a record).
ON_HAND_SIGN = {kind: sum(d.delta for d in location_deltas(kind, 1)) for kind in EFFECTS}
# A cell that starts with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@dataclass(frozen=True)
class Column:
    key: str
    label: str


def escape_cell(value) -> str:
    """Text as a CSV cell; text a spreadsheet would run as a formula gets a leading apostrophe. A plain number stays
    a number ("-2.00" is no formula, and a negative quantity must still add up in the sheet)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(columns: list[Column], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escape_cell(c.label) for c in columns])
    for row in rows:
        writer.writerow([escape_cell(row.get(c.key)) for c in columns])
    return out.getvalue()


def money(cents: int) -> str:
    """Cents as a decimal string ("-12.05"): exact, unlike a float."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{part:02d}"


def turnover(issued_value: int, opening_value: int, closing_value: int) -> float | None:
    """Issues at cost over the month's average stock at cost ((opening + closing) / 2); None when nothing was held."""
    average = (opening_value + closing_value) / 2
    if average <= 0:
        return None
    return round(issued_value / average, 2)


def _add_months(first: date, n: int) -> date:
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_starts(now: datetime, tz_name: str, months: int) -> list[datetime]:
    """The starts of the last `months` calendar months (this one included) and the start of next month, as UTC
    instants of the warehouse's local midnights: months + 1 boundaries, oldest first."""
    zone = ZoneInfo(tz_name or "UTC")
    local = now.astimezone(zone)
    first = date(local.year, local.month, 1)
    return [datetime.combine(_add_months(first, n), time(0), tzinfo=zone).astimezone(timezone.utc)
            for n in range(1 - months, 2)]
