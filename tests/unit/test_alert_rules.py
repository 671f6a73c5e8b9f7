"""Alert rules: when an order counts as stuck (exact at the boundary), the webhook's backoff, the dashboard's
zones and hourly buckets."""
from datetime import UTC, datetime, timedelta

from webapp.domain.alerts import is_stuck, stuck_order, webhook_backoff_s, webhook_text
from webapp.domain.dashboard import bucket_by_hour, zone_of

NOW = datetime(2026, 11, 27, 14, 0, 0, tzinfo=UTC)


def test_an_order_29_minutes_59_seconds_in_picking_is_not_stuck_but_at_30_minutes_it_is():
    assert not is_stuck("picking", NOW - timedelta(minutes=29, seconds=59), NOW, 30)
    assert not is_stuck("picking", NOW - timedelta(minutes=29, seconds=59, microseconds=999_999), NOW, 30)
    assert is_stuck("picking", NOW - timedelta(minutes=30), NOW, 30)
    assert is_stuck("picking", NOW - timedelta(hours=5), NOW, 30)


def test_the_stuck_setting_moves_the_boundary():
    assert not is_stuck("validated", NOW - timedelta(minutes=30), NOW, 31)
    assert is_stuck("validated", NOW - timedelta(minutes=1), NOW, 1)


def test_dispatched_delivered_and_cancelled_orders_are_never_stuck():
    for state in ("dispatched", "delivered", "cancelled"):
        assert not is_stuck(state, NOW - timedelta(days=3), NOW, 30)


def test_an_order_stuck_again_in_a_later_state_is_a_new_cause():
    first = stuck_order("SO-1", "validated", NOW - timedelta(hours=2), NOW, 1)
    again = stuck_order("SO-1", "picking", NOW - timedelta(hours=1), NOW, 1)
    assert first.key != again.key and "SO-1" in first.message and "120 min" in first.message


def test_webhook_retries_wait_longer_each_time_up_to_a_cap():
    waits = [webhook_backoff_s(n, 2.0) for n in range(1, 10)]
    assert waits[:4] == [2.0, 4.0, 8.0, 16.0]
    assert max(waits) == 128.0 and waits == sorted(waits)


def test_the_webhook_text_says_what_happened():
    assert webhook_text("negative_stock", "SKU-1 at A-01 is -2") == ":rotating_light: Dockhand negative stock: SKU-1 at A-01 is -2"


def test_a_bin_belongs_to_its_nearest_zone_and_a_dock_to_none():
    parent = {1: None, 2: 1, 3: 2, 4: 3, 5: 1}
    kind = {1: "warehouse", 2: "zone", 3: "aisle", 4: "bin", 5: "dock"}
    assert zone_of(4, parent, kind) == 2 and zone_of(2, parent, kind) == 2
    assert zone_of(5, parent, kind) is None and zone_of(None, parent, kind) is None


def test_the_dispatch_trend_has_24_hours_with_the_empty_ones():
    trend = bucket_by_hour([(NOW - timedelta(minutes=5), 3), (NOW + timedelta(minutes=10), 2),
                            (NOW - timedelta(hours=2, minutes=1), 7), (NOW - timedelta(hours=30), 100)], NOW)
    # NOW is 14:00 sharp: 13:55 is in the 13:00 hour, 14:10 in this hour, 11:59 in the 11:00 one, 30 h ago in none.
    assert len(trend) == 24 and trend[-1]["hour"] == NOW and trend[-1]["qty"] == 2 and trend[-1]["movements"] == 1
    assert trend[-2]["qty"] == 3 and trend[-3]["qty"] == 0 and trend[-4]["qty"] == 7
    assert sum(b["qty"] for b in trend) == 12
