"""Report rules: spreadsheet-safe CSV cells, money as exact text, turnover, and calendar months in local time."""
import csv
import io
from datetime import datetime, timezone

from webapp.domain.reports import ON_HAND_SIGN, Column, escape_cell, money, month_starts, to_csv, turnover


def test_a_cell_a_spreadsheet_would_run_as_a_formula_gets_a_leading_apostrophe():
    for text in ("=HYPERLINK(\"http://evil\")", "+SUM(A1)", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx"):
        assert escape_cell(text) == "'" + text
    assert escape_cell("Bolts = strong") == "Bolts = strong"  # only the first character matters


def test_plain_numbers_stay_numbers_so_negative_stock_still_adds_up():
    assert escape_cell(-3) == "-3"
    assert escape_cell("-2.00") == "-2.00"
    assert escape_cell(0.17) == "0.17"
    assert escape_cell(None) == ""


def test_the_csv_quotes_commas_and_quotes_and_escapes_every_row():
    text = to_csv([Column("item", "Item"), Column("qty", "Qty")],
                  [{"item": 'Bolt, "hex"', "qty": 4}, {"item": "=1+1", "qty": -2}])
    assert list(csv.reader(io.StringIO(text))) == [["Item", "Qty"], ['Bolt, "hex"', "4"], ["'=1+1", "-2"]]


def test_money_is_exact_decimal_text():
    assert [money(c) for c in (0, 5, 1250, -205, 123456789)] == ["0.00", "0.05", "12.50", "-2.05", "1234567.89"]


def test_turnover_is_issues_over_average_stock_and_none_without_stock():
    assert turnover(2500, 16000, 13500) == 0.17
    assert turnover(0, 5000, 16000) == 0.0
    assert turnover(100, 0, 0) is None
    assert turnover(100, -50, 20) is None


def test_a_dispatch_takes_stock_out_and_a_transfer_does_not_change_on_hand():
    assert (ON_HAND_SIGN["receive"], ON_HAND_SIGN["dispatch"], ON_HAND_SIGN["transfer"], ON_HAND_SIGN["count"]) == \
        (1, -1, 0, 0)


def test_months_start_at_the_warehouses_local_midnight():
    bounds = month_starts(datetime(2026, 11, 27, 12, tzinfo=timezone.utc), "Europe/London", 3)
    assert bounds == [datetime(2026, 8, 31, 23, tzinfo=timezone.utc), datetime(2026, 9, 30, 23, tzinfo=timezone.utc),
                      datetime(2026, 11, 1, tzinfo=timezone.utc), datetime(2026, 12, 1, tzinfo=timezone.utc)]
    # Across a new year.
    assert month_starts(datetime(2026, 1, 2, tzinfo=timezone.utc), "UTC", 2) == [
        datetime(2025, 12, 1, tzinfo=timezone.utc), datetime(2026, 1, 1, tzinfo=timezone.utc),
        datetime(2026, 2, 1, tzinfo=timezone.utc)]
