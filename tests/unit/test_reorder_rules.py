"""Reorder arithmetic: the static and dynamic point, the suggested quantity, grouping by supplier, and the
velocity window's day boundaries in the warehouse's timezone."""
from datetime import datetime, timezone

import pytest

from webapp.domain.reorder import (ISSUE_KINDS, ItemPosition, dynamic_point, group_by_supplier, suggest,
                                   suggested_qty, velocity_window)


def position(sku="SKU-1", available=0, in_transit=0, point=10, qty=0, safety=0, supplier="SUP", lead=7, issued=0,
             item_id=1):
    return ItemPosition(item_id, sku, available, in_transit, point, qty, safety, supplier,
                        lead if supplier else None, issued)


def test_an_item_is_ordered_only_when_available_plus_in_transit_falls_below_its_point():
    assert suggest(position(available=4, in_transit=5, point=10), "static", 30) is not None  # 9 < 10
    assert suggest(position(available=4, in_transit=6, point=10), "static", 30) is None  # 10 is not below 10
    assert suggest(position(available=12, point=10), "static", 30) is None


def test_stock_on_the_way_keeps_an_item_off_the_reorder_list():
    assert suggest(position(available=2, in_transit=0, point=10), "static", 30).qty == 9
    assert suggest(position(available=2, in_transit=20, point=10), "static", 30) is None


def test_the_suggestion_is_the_reorder_quantity_or_enough_to_get_back_above_the_point():
    assert suggested_qty(point=10, position=4, reorder_qty=24) == 24
    assert suggested_qty(point=10, position=4, reorder_qty=3) == 7  # 4 + 7 = 11, above 10
    assert suggested_qty(point=10, position=-5, reorder_qty=0) == 16  # negative stock is made good too
    s = suggest(position(available=1, point=10, qty=6), "static", 30)
    assert (s.point, s.position, s.qty) == (10, 1, 10)


def test_the_dynamic_point_is_issue_velocity_times_lead_time_plus_safety_stock():
    # 60 issued in 30 days = 2 a day; 7 days' lead time → 14; plus 5 safety → 19
    assert dynamic_point(issued=60, days=30, lead_time_days=7, safety_stock=5) == 19
    # 10 in 30 days × 4 days = 1.33…: a part unit short is still short → 2
    assert dynamic_point(issued=10, days=30, lead_time_days=4, safety_stock=0) == 2
    assert dynamic_point(issued=0, days=30, lead_time_days=7, safety_stock=3) == 3
    with pytest.raises(ValueError):
        dynamic_point(issued=1, days=0, lead_time_days=1, safety_stock=0)


def test_the_dynamic_method_ignores_the_static_point():
    fast = position(available=15, point=0, issued=60, lead=7, safety=5)  # dynamic point 19
    assert suggest(fast, "static", 30) is None
    s = suggest(fast, "dynamic", 30)
    assert (s.point, s.qty) == (19, 5)
    slow = position(available=15, point=100, issued=3, lead=7, safety=0)  # dynamic point 1
    assert suggest(slow, "dynamic", 30) is None and suggest(slow, "static", 30) is not None


def test_the_window_length_changes_the_velocity():
    p = position(available=0, point=0, issued=70, lead=10, safety=0)
    assert suggest(p, "dynamic", 7).point == 100
    assert suggest(p, "dynamic", 70).point == 10


def test_drafts_group_by_supplier_and_items_without_one_are_kept_apart():
    suggestions = [suggest(position(sku=sku, supplier=sup, item_id=n), "static", 30)
                   for n, (sku, sup) in enumerate([("C-1", "ACME"), ("A-1", "BOLT"), ("B-1", "ACME"),
                                                   ("D-1", None), ("E-1", "BOLT")])]
    groups, without = group_by_supplier(suggestions)
    assert {code: [s.sku for s in lines] for code, lines in groups.items()} == {"ACME": ["B-1", "C-1"],
                                                                                 "BOLT": ["A-1", "E-1"]}
    assert list(groups) == ["ACME", "BOLT"]
    assert [s.sku for s in without] == ["D-1"]


def test_only_dispatches_count_as_issues():
    assert ISSUE_KINDS == ("dispatch",)


def test_the_window_is_whole_local_days_before_today():
    # 23:30 UTC on 1 July is already 2 July in London (BST, UTC+1): the window ends at London's midnight.
    start, end = velocity_window(datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc), "Europe/London", 2)
    assert end == datetime(2026, 7, 1, 23, 0, tzinfo=timezone.utc)
    assert start == datetime(2026, 6, 29, 23, 0, tzinfo=timezone.utc)
    # The same instant in UTC is still 1 July.
    start, end = velocity_window(datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc), "UTC", 2)
    assert (start, end) == (datetime(2026, 6, 29, tzinfo=timezone.utc), datetime(2026, 7, 1, tzinfo=timezone.utc))


def test_the_day_the_clocks_go_back_is_twenty_five_hours_long():
    # London leaves summer time at 02:00 BST on 25 October 2026.
    start, end = velocity_window(datetime(2026, 10, 26, 9, 0, tzinfo=timezone.utc), "Europe/London", 1)
    assert start == datetime(2026, 10, 24, 23, 0, tzinfo=timezone.utc)
    assert end == datetime(2026, 10, 26, 0, 0, tzinfo=timezone.utc)
    assert (end - start).total_seconds() == 25 * 3600
