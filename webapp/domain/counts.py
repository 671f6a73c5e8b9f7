"""Cycle counts: what was expected, the variance, and who must look at it. Plain Python.

A count freezes locations and records the system quantity of each item (and lot) there. Counters
count blind; their `count` movements arrive later, possibly while other movements still happen at
the frozen location (a floor fact is applied, flagged `location_frozen`). So the quantity a line is
compared with is the quantity at freeze plus the net of the movements at that location that
happened (device time) before the line was counted. Percentages are compared as exact fractions:
"exactly 5 %" and "exactly 10 %" are boundaries that floating point must not move.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Hashable, Iterable

COUNTING, NEEDS_SIGNOFF, CLOSED = "counting", "needs_signoff", "closed"
COUNT_STATES = (COUNTING, NEEDS_SIGNOFF, CLOSED)
# Line statuses. `recount`: resolved by a recount of its location (no adjustment posted for it).
LINE_COUNTING, LINE_APPROVED, LINE_NEEDS_SIGNOFF, LINE_RECOUNT = "counting", "approved", "needs_signoff", "recount"
RESOLVED_LINE_STATUSES = frozenset({LINE_APPROVED, LINE_RECOUNT})

REASON_CODES = ("damage", "theft", "mis_pick", "receiving_error", "uom_error", "found", "other")
DEFAULT_TOLERANCE_PCT = Fraction(5)
BLOCK_PCT = Fraction(10)  # over this (not at it), the item is blocked from new promises

# How often each ABC class is counted.
SCHEDULE = {"A": timedelta(days=7), "B": timedelta(days=30), "C": timedelta(days=91)}
# Cumulative share of the value of issues: the items making the first 80 % are A, up to 95 % B, the rest C.
A_SHARE, B_SHARE = Fraction(80, 100), Fraction(95, 100)


def expected_quantity(at_freeze: int, movements: Iterable[tuple[datetime, int]], counted_at: datetime) -> int:
    """The quantity at freeze + the net of the movements (device time, signed delta) before `counted_at`."""
    return at_freeze + sum(delta for occurred_at, delta in movements if occurred_at < counted_at)


def variance_fraction(expected: int, counted: int) -> Fraction | None:
    """|counted − expected| / expected as an exact fraction; None when expected is 0 (no base to divide)."""
    if expected == 0:
        return None
    return Fraction(abs(counted - expected) * 100, abs(expected))


def variance_pct(expected: int, counted: int) -> float | None:
    """The signed percent of expected, for people (e.g. -12.5); null when expected is 0."""
    if expected == 0:
        return None
    return round((counted - expected) * 100 / abs(expected), 2)


@dataclass(frozen=True)
class Judgement:
    status: str  # approved (no person needed) or needs_signoff
    blocks: bool  # the item is blocked from new reservations and orders until the line is resolved


def judge(expected: int, counted: int, tolerance_pct: Fraction = DEFAULT_TOLERANCE_PCT) -> Judgement:
    """Within the class's tolerance: approved without a person. Over it: sign-off. Over 10 %: blocked too.

    Expected 0 with anything counted has no percentage: it is treated as over 10 %. The tolerance is a
    setting per ABC class (default 5 %); whatever it is set to, a line over 10 % always needs a person.
    """
    if counted == expected:
        return Judgement(LINE_APPROVED, False)
    pct = variance_fraction(expected, counted)
    if pct is None:
        return Judgement(LINE_NEEDS_SIGNOFF, True)
    blocks = pct > BLOCK_PCT
    if pct <= Fraction(tolerance_pct) and not blocks:
        return Judgement(LINE_APPROVED, False)
    return Judgement(LINE_NEEDS_SIGNOFF, blocks)


def value_cents(variance: int, unit_cost_cents: int) -> int:
    return variance * unit_cost_cents


@dataclass(frozen=True)
class LineFigures:
    key: Hashable  # (location, item, lot) in whatever ids the caller uses
    at_freeze: int
    counted: int
    counted_at: datetime | None  # None: nobody scanned it (counted 0 at close)
    expected: int
    variance: int


def line_figures(frozen: dict, counted: dict, movements: dict, closed_at: datetime) -> list[LineFigures]:
    """Every line of a count, from what was frozen and what was counted.

    `frozen`: key → quantity at freeze. `counted`: key → (sum of the count movements, latest occurred_at).
    `movements`: key → [(occurred_at, delta)] at that location after the freeze. A frozen key nobody scanned
    is counted 0, compared with everything that moved before the close; a key counted but not frozen was
    expected to hold 0 at freeze.
    """
    figures = []
    for key in list(frozen) + [k for k in counted if k not in frozen]:
        qty, counted_at = counted.get(key, (0, None))
        expected = expected_quantity(frozen.get(key, 0), movements.get(key, ()), counted_at or closed_at)
        figures.append(LineFigures(key, frozen.get(key, 0), qty, counted_at, expected, qty - expected))
    return figures


def line_of_scan(key: tuple, frozen_keys: Iterable[tuple]) -> tuple:
    """The line a count scan belongs to. A scan that named no lot, of an item frozen at that location under
    exactly one lot, counts for that lot (a label without a lot barcode is not a new lot)."""
    location, item, lot = key
    lots = [k[2] for k in frozen_keys if k[0] == location and k[1] == item]
    if lot == "" and len(lots) == 1 and lots[0] != "":
        return (location, item, lots[0])
    return key


def tolerance_for(abc_class: str, tolerances: dict[str, Fraction | int | float | str]) -> Fraction:
    value = tolerances.get(abc_class, DEFAULT_TOLERANCE_PCT)
    return Fraction(str(value)) if not isinstance(value, (Fraction, int)) else Fraction(value)


def abc_classes(issue_value: dict[Hashable, int], items: Iterable[Hashable]) -> dict[Hashable, str]:
    """ABC by the value of issues: sorted by value, the items making up the first 80 % are A, to 95 % B, else C.

    An item whose cumulative share *before* it is under the boundary belongs to the class (so the single
    item that carries 90 % of the value is A). Items with no issues are C.
    """
    total = sum(v for v in issue_value.values() if v > 0)
    classes = {item: "C" for item in items}
    if total <= 0:
        return classes
    running = 0
    for item, value in sorted(((i, v) for i, v in issue_value.items() if v > 0), key=lambda iv: (-iv[1], str(iv[0]))):
        share_before = Fraction(running, total)
        classes[item] = "A" if share_before < A_SHARE else "B" if share_before < B_SHARE else "C"
        running += value
    return classes


def count_due(abc_class: str, last_counted_at: datetime | None, now: datetime) -> bool:
    """A weekly, B monthly, C quarterly; never counted → due."""
    if last_counted_at is None:
        return True
    return now - last_counted_at >= SCHEDULE.get(abc_class, SCHEDULE["C"])
