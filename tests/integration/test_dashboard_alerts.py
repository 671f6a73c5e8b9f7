"""The supervisor's dashboard and alerts through the API, on SQLite and PostgreSQL: stuck orders exact at the
boundary, one alert per cause (not one per check), acknowledge, the dashboard's aggregates in one read, and
reconcile of a SKU or a zone."""
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, sync, verify_clean
from webapp.db.alert_tables import Alert
from webapp.db.event_tables import Event
from webapp.db.order_tables import SalesOrder
from webapp.extensions import db
from webapp.services import alerts
from webapp.services.webhook import SENDER


@pytest.fixture
def site(app, client, make_user):
    small_warehouse()
    people = {"boss": make_user("boss", "admin"), "sup": make_user("sam", "supervisor"),
              "picker": make_user("asha", "picker"), "counter": make_user("cory", "counter")}
    results = sync(client, people["boss"], [scan("receive", "SKU-1", 10, to="A-01"),
                                            scan("receive", "SKU-2", 10, to="A-02")], device_id="boss-dev").get_json()
    assert [r["status"] for r in results["results"]] == ["applied"] * 2
    return people


def place_order(client, token, number: str, qty: int = 1) -> None:
    response = client.post("/api/v1/orders", json={"number": number, "lines": [{"item": "SKU-1", "qty": qty}]},
                           headers=bearer(token))
    assert response.status_code == 201, response.get_json()


def age_order(number: str, minutes: int) -> None:
    """The order has waited `minutes` longer in its state."""
    with db.unit_of_work() as s:
        order = s.scalar(select(SalesOrder).where(SalesOrder.number == number))
        order.state_changed_at = order.state_changed_at - timedelta(minutes=minutes)


def alert_events() -> list[dict]:
    with db.unit_of_work() as s:
        return [json.loads(e.data) for e in s.scalars(select(Event).where(Event.topic == "alerts").order_by(Event.seq))]


def test_an_order_in_one_state_for_29_59_is_not_stuck_and_at_30_00_it_is_alerted_once(app, client, site):
    place_order(client, site["sup"], "SO-STUCK")
    with db.unit_of_work() as s:
        since = s.scalar(select(SalesOrder.state_changed_at).where(SalesOrder.number == "SO-STUCK"))
    with db.unit_of_work() as s:
        assert alerts.check(s, app.config, now=since + timedelta(minutes=29, seconds=59)) == []
    with db.unit_of_work() as s:
        [raised] = alerts.check(s, app.config, now=since + timedelta(minutes=30))
        assert (raised.kind, json.loads(raised.data)["order"]) == ("stuck_order", "SO-STUCK")
    for minutes in (31, 45, 90):  # still stuck: the same cause, no new alert
        with db.unit_of_work() as s:
            assert alerts.check(s, app.config, now=since + timedelta(minutes=minutes)) == []
    assert [e["kind"] for e in alert_events()] == ["stuck_order"]


def test_stuck_orders_negative_stock_discrepancies_and_blocked_devices_are_listed_and_acknowledged(app, client, site):
    sup = bearer(site["sup"])
    place_order(client, site["sup"], "SO-OLD")
    age_order("SO-OLD", 31)
    short = sync(client, site["picker"], [scan("pick", "SKU-3", 2, from_="A-03", to="TOTE-1")], device_id="gun-1")
    assert "negative_stock" in short.get_json()["results"][0]["flags"]
    count = client.post("/api/v1/counts", json={"locations": ["A-02"]}, headers=sup).get_json()
    sync(client, site["counter"], [scan("count", "SKU-2", 5, to="A-02", ref=str(count["id"]))], device_id="count-1")
    assert client.post(f"/api/v1/counts/{count['id']}/close", headers=sup).status_code == 200
    assert client.patch("/api/v1/devices/gun-1", json={"status": "blocked"},
                        headers=bearer(site["boss"])).status_code == 200
    SENDER.wait_idle(10)  # the sync's own background check may have raised the negative stock alert already

    listed = client.get("/api/v1/alerts", headers=sup)
    assert listed.status_code == 200, listed.get_json()
    by_kind = {a["kind"]: a for a in listed.get_json()["items"]}
    assert set(by_kind) == {"stuck_order", "negative_stock", "discrepancy", "device_blocked"}
    assert by_kind["negative_stock"]["data"] == {"item": "SKU-3", "location": "A-03", "qty": -2}
    assert by_kind["discrepancy"]["data"]["variance"] == -5 and by_kind["stuck_order"]["data"]["order"] == "SO-OLD"
    assert client.get("/api/v1/alerts", headers=sup).get_json()["items"] == listed.get_json()["items"]  # once per cause
    assert sorted(e["kind"] for e in alert_events()) == sorted(by_kind)

    alert_id = by_kind["device_blocked"]["id"]
    acked = client.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers=sup)
    assert acked.status_code == 200 and acked.get_json()["acknowledged_by"] == "sam"
    assert client.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers=sup).status_code == 409
    assert client.post("/api/v1/alerts/999999/acknowledge", headers=sup).status_code == 404
    still_open = {a["kind"] for a in client.get("/api/v1/alerts", headers=sup).get_json()["items"]}
    assert still_open == {"stuck_order", "negative_stock", "discrepancy"}
    everything = client.get("/api/v1/alerts?all=true", headers=sup).get_json()["items"]
    assert len(everything) == 4
    assert client.get("/api/v1/alerts", headers=bearer(site["picker"])).status_code == 403
    assert client.get("/api/v1/alerts?all=maybe", headers=sup).status_code == 400
    verify_clean(app)


def test_negative_stock_that_recovers_and_returns_is_a_second_alert(app, client, site):
    sync(client, site["boss"], [scan("pick", "SKU-3", 2, from_="A-03", to="TOTE-1")])
    SENDER.wait_idle(10)
    with db.unit_of_work() as s:
        alerts.check(s, app.config)
    sync(client, site["boss"], [scan("receive", "SKU-3", 5, to="A-03")])
    with db.unit_of_work() as s:
        alerts.check(s, app.config)  # the cause is gone: its alert is cleared
    sync(client, site["boss"], [scan("pick", "SKU-3", 9, from_="A-03", to="TOTE-1")])
    SENDER.wait_idle(10)
    with db.unit_of_work() as s:
        alerts.check(s, app.config)
        rows = s.scalars(select(Alert).where(Alert.kind == "negative_stock").order_by(Alert.id)).all()
        assert [(r.cause.rsplit("#", 1)[1], r.cleared_at is None) for r in rows] == [("1", False), ("2", True)]


def test_the_dashboard_reads_orders_queues_zones_trend_and_discrepancies_in_one_answer(app, client, site):
    sup = bearer(site["sup"])
    place_order(client, site["sup"], "SO-D1", 2)
    place_order(client, site["sup"], "SO-D2", 500)  # more than there is: backordered
    age_order("SO-D2", 60)
    results = sync(client, site["boss"], [scan("pick", "SKU-1", 2, from_="A-01", to="TOTE-1", ref="SO-D1"),
                                          scan("pack", "SKU-1", 2, from_="TOTE-1", to="PACK-1", ref="SO-D1"),
                                          scan("dispatch", "SKU-1", 2, from_="PACK-1", ref="SO-D1"),
                                          scan("pick", "SKU-3", 1, from_="A-03", to="TOTE-2")]).get_json()["results"]
    assert all(r["status"] == "applied" for r in results), results
    response = client.get("/api/v1/dashboard", headers=sup)
    assert response.status_code == 200, response.get_json()
    board = response.get_json()
    assert board["warehouse"] == "WH1" and board["last_seq"] > 0 and board["stuck_order_minutes"] == 30
    assert board["orders"]["by_state"]["dispatched"] == 1 and board["orders"]["by_state"]["backordered"] == 1
    assert [o["number"] for o in board["orders"]["stuck"]] == ["SO-D2"] and board["orders"]["stuck"][0]["minutes"] >= 60
    assert board["exceptions"]["open_total"] >= 1 and "negative_stock" in board["discrepancies"]["open_exceptions_by_code"]
    [zone] = board["zones"]
    assert zone["zone"] == "WH1-Z" and zone["movements_24h"] == 4 and zone["discrepancies"] == 1  # 2 receipts, 2 picks
    assert len(board["dispatch_trend"]) == 24 and board["dispatch_trend"][-1]["qty"] == 2
    assert {a["kind"] for a in board["alerts"]} >= {"stuck_order", "negative_stock"}
    assert client.get("/api/v1/dashboard?warehouse=NOPE", headers=sup).status_code == 404
    assert client.get("/api/v1/dashboard?warehouse=", headers=sup).status_code == 400
    assert client.get("/api/v1/dashboard", headers=bearer(site["picker"])).status_code == 403


def test_reconcile_of_a_sku_or_a_zone_names_a_tampered_movement_and_offers_a_count(app, client, site):
    sup = bearer(site["sup"])
    clean = client.get("/api/v1/reconcile/items/SKU-2", headers=sup).get_json()
    assert clean["ok"] is True and clean["items"] == ["SKU-2"] and clean["movements_checked"] == 1
    assert clean["count"] == {"items": ["SKU-2"]}
    with db.engine.begin() as conn:  # someone with the database's superuser rights edits a receipt by hand
        if db.is_sqlite:
            conn.execute(text("DROP TRIGGER movement_no_update"))
        else:
            conn.execute(text("ALTER TABLE movement DISABLE TRIGGER movement_append_only"))
        conn.execute(text("UPDATE movement SET qty_base = 11 WHERE item_id = (SELECT id FROM item WHERE sku = 'SKU-1')"))
    broken = client.get("/api/v1/reconcile/items/SKU-1", headers=sup).get_json()
    assert broken["ok"] is False and "stored fields no longer match its hash" in broken["problems"][0]
    assert client.get("/api/v1/reconcile/items/SKU-2", headers=sup).get_json()["ok"] is True
    zone = client.get("/api/v1/reconcile/zones/WH1-Z", headers=sup).get_json()
    assert zone["ok"] is False and zone["items"] == ["SKU-1", "SKU-2"] and zone["count"] == {"zone": "WH1-Z"}
    offered = client.post("/api/v1/counts", json=zone["count"], headers=sup)
    assert offered.status_code == 201, offered.get_json()
    for bad, code in (("items/NOPE", 404), ("zones/A-01", 404), ("zones/NOPE", 404)):
        response = client.get(f"/api/v1/reconcile/{bad}", headers=sup)
        assert response.status_code == code and "error" in response.get_json(), bad


def test_cron_alerts_check_raises_what_holds_once(app, client, site):
    place_order(client, site["sup"], "SO-CRON")
    age_order("SO-CRON", 45)
    first = app.test_cli_runner().invoke(args=["alerts", "check"])
    assert first.exit_code == 0 and "raised 1," in first.output and "Order SO-CRON has been validated for 45 min" in first.output
    again = app.test_cli_runner().invoke(args=["alerts", "check"])
    assert again.exit_code == 0 and "raised 0," in again.output


def test_eight_dashboards_checking_at_the_same_moment_raise_each_alert_once(app, client, site):
    place_order(client, site["sup"], "SO-RACE")
    age_order("SO-RACE", 40)
    barrier = threading.Barrier(8)

    def one_check(_n) -> int:
        with db.unit_of_work() as s:  # its own connection and transaction, like a request's
            barrier.wait()
            return len(alerts.check(s, app.config))

    with ThreadPoolExecutor(max_workers=8) as pool:
        raised = list(pool.map(one_check, range(8)))
    assert sum(raised) == 1, raised
    with db.unit_of_work() as s:
        rows = s.scalars(select(Alert)).all()
        assert [(r.kind, r.cause.startswith("stuck_order:SO-RACE:validated:"), r.cause.endswith("#1")) for r in rows] \
            == [("stuck_order", True, True)]
    assert [e["kind"] for e in alert_events()] == ["stuck_order"]
