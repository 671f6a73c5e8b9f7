"""Cycle-count arithmetic: expected during a live count, variance, thresholds at their exact boundaries."""
from datetime import datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.domain.counts import (abc_classes, count_due, expected_quantity, judge, line_figures, tolerance_for,
                                  variance_pct)

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_only_movements_before_the_count_scan_change_what_was_expected():
    moves = [(at(1), -3), (at(5), +10), (at(9), -2)]
    assert expected_quantity(20, moves, at(6)) == 27  # the pick at 1 and the putaway at 5, not the pick at 9
    assert expected_quantity(20, moves, at(0)) == 20
    assert expected_quantity(20, moves, at(5)) == 17  # a movement at the very same instant came after


def test_several_count_scans_for_one_line_add_up_and_the_latest_scan_times_the_line():
    frozen = {"A": 10}
    counted = {"A": (4 + 7, at(8))}
    moves = {"A": [(at(2), 1), (at(9), -5)]}
    [line] = line_figures(frozen, counted, moves, closed_at=at(30))
    assert (line.expected, line.counted, line.variance) == (11, 11, 0)


def test_a_frozen_item_nobody_scanned_is_counted_as_zero_against_everything_moved_before_the_close():
    [line] = line_figures({"A": 6}, {}, {"A": [(at(3), -1)]}, closed_at=at(30))
    assert (line.counted, line.expected, line.variance, line.counted_at) == (0, 5, -5, None)


def test_an_item_found_where_nothing_was_frozen_was_expected_to_be_zero():
    [line] = line_figures({}, {"B": (3, at(4))}, {}, closed_at=at(30))
    assert (line.expected, line.variance) == (0, 3)


@pytest.mark.parametrize("expected, counted, status, blocks", [
    (100, 100, "approved", False),
    (100, 95, "approved", False),     # exactly 5 %: within the default tolerance
    (100, 105, "approved", False),
    (1000, 949, "needs_signoff", False),  # 5.1 %
    (100, 90, "needs_signoff", False),   # exactly 10 %: sign-off, not blocked
    (100, 110, "needs_signoff", False),
    (1000, 899, "needs_signoff", True),  # 10.1 %: blocked
    (100, 0, "needs_signoff", True),
    (0, 1, "needs_signoff", True),       # expected 0 with anything counted is over 10 %
    (0, 0, "approved", False),
    (-4, -4, "approved", False),
])
def test_thresholds_at_their_exact_boundaries(expected, counted, status, blocks):
    judgement = judge(expected, counted)
    assert (judgement.status, judgement.blocks) == (status, blocks)


def test_a_class_tolerance_decides_auto_approval_but_over_ten_percent_always_needs_a_person():
    assert judge(100, 97, Fraction(2)).status == "needs_signoff"
    assert judge(100, 92, Fraction(8)).status == "approved"
    assert judge(100, 85, Fraction(50)) == judge(100, 85)  # blocked whatever the setting
    assert tolerance_for("A", {"A": "2.5"}) == Fraction(5, 2)
    assert tolerance_for("B", {"A": 2}) == Fraction(5)


def test_variance_percent_is_signed_and_null_when_nothing_was_expected():
    assert variance_pct(80, 70) == -12.5
    assert variance_pct(3, 4) == 33.33
    assert variance_pct(0, 5) is None


@given(st.integers(1, 10**6), st.integers(0, 10**6))
def test_the_judgement_agrees_with_integer_percent_arithmetic(expected, counted):
    judgement = judge(expected, counted)
    off = abs(counted - expected) * 100
    assert (judgement.status == "approved") == (off <= 5 * expected)
    assert judgement.blocks == (off > 10 * expected)


@given(st.integers(0, 1000), st.lists(st.tuples(st.integers(0, 60), st.integers(-50, 50)), max_size=20),
       st.integers(0, 60))
def test_after_the_adjustment_the_bin_holds_what_was_counted_plus_what_moved_after(at_freeze, moves, counted_minute):
    """The invariant approval relies on: stock now + variance = counted + the movements after the count scan."""
    timed = [(at(m), d) for m, d in moves]
    counted = 17
    variance = counted - expected_quantity(at_freeze, timed, at(counted_minute))
    stock_now = at_freeze + sum(d for _, d in timed)
    assert stock_now + variance == counted + sum(d for t, d in timed if t >= at(counted_minute))


def test_abc_classes_follow_the_value_of_issues():
    classes = abc_classes({"big": 7000, "mid": 1500, "small": 1000, "tiny": 500}, ["big", "mid", "small", "tiny", "idle"])
    assert classes == {"big": "A", "mid": "A", "small": "B", "tiny": "C", "idle": "C"}  # shares before: 0, 70, 85, 95 %
    assert abc_classes({}, ["x"]) == {"x": "C"}


def test_a_is_counted_weekly_b_monthly_c_quarterly():
    now = at(0)
    assert count_due("A", now - timedelta(days=7), now) and not count_due("A", now - timedelta(days=6), now)
    assert count_due("B", now - timedelta(days=30), now) and not count_due("B", now - timedelta(days=29), now)
    assert count_due("C", now - timedelta(days=91), now) and not count_due("C", now - timedelta(days=90), now)
    assert count_due("C", None, now)


def test_a_scan_without_a_lot_counts_for_the_only_lot_frozen_there():
    from webapp.domain.counts import line_of_scan

    frozen = [("A", "x", "L1"), ("B", "x", "L1"), ("B", "x", "L2"), ("C", "x", "")]
    assert line_of_scan(("A", "x", ""), frozen) == ("A", "x", "L1")
    assert line_of_scan(("A", "x", "L9"), frozen) == ("A", "x", "L9")  # a lot named is a lot
    assert line_of_scan(("B", "x", ""), frozen) == ("B", "x", "")  # two lots: no guessing
    assert line_of_scan(("C", "x", ""), frozen) == ("C", "x", "")
    assert line_of_scan(("A", "y", ""), frozen) == ("A", "y", "")
