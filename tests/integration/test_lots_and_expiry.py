"""Lots and expiry (issue 18): stock reads show each location's lots with their expiry, and a supervisor
lists what expires within N days."""
from datetime import date, timedelta

import pytest

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, stock, sync, verify_clean

TODAY = date.today()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


@pytest.fixture
def lots(app, client, make_user):
    """SKU-1: lot OLD (expired 2 days ago) 4 in A-01, lot SOON (in 5 days) 6 in A-01 and 3 in A-02, lot LATER
    (in 90 days) 8 in A-02; SKU-2 untracked, 5 in A-03."""
    small_warehouse()
    boss, sam = make_user("boss", "admin"), make_user("sam", "supervisor")
    results = sync(client, boss, [
        scan("receive", "SKU-1", 4, to="A-01", lot="OLD", expiry=day(-2)),
        scan("receive", "SKU-1", 6, to="A-01", lot="SOON", expiry=day(5)),
        scan("receive", "SKU-1", 3, to="A-02", lot="SOON", expiry=day(5)),
        scan("receive", "SKU-1", 8, to="A-02", lot="LATER", expiry=day(90)),
        scan("receive", "SKU-2", 5, to="A-03"),
    ]).get_json()["results"]
    assert all(r["status"] == "applied" for r in results), results
    return {"boss": boss, "sam": sam}


def expiring(client, token, **query):
    return client.get("/api/v1/expiring", query_string=query, headers=bearer(token))


def test_a_stock_read_shows_each_locations_lots_with_their_expiry_soonest_first(app, client, lots):
    report = stock(client, lots["sam"], "SKU-1")
    assert report["on_hand"] == 21
    assert report["locations"] == [
        {"location": "A-01", "qty": 10, "lots": [{"lot": "OLD", "expiry": day(-2), "qty": 4},
                                                 {"lot": "SOON", "expiry": day(5), "qty": 6}]},
        {"location": "A-02", "qty": 11, "lots": [{"lot": "SOON", "expiry": day(5), "qty": 3},
                                                 {"lot": "LATER", "expiry": day(90), "qty": 8}]},
    ]
    untracked = stock(client, lots["sam"], "SKU-2")["locations"]
    assert untracked == [{"location": "A-03", "qty": 5, "lots": [{"lot": None, "expiry": None, "qty": 5}]}]


def test_a_lot_picked_empty_leaves_the_stock_read_and_the_expiry_list(app, client, lots):
    sync(client, lots["boss"], [scan("transfer", "SKU-1", 4, from_="A-01", to="TOTE-1", lot="OLD", expiry=day(-2))])
    a01 = stock(client, lots["sam"], "SKU-1")["locations"][0]
    assert a01["location"] == "A-01" and [lot["lot"] for lot in a01["lots"]] == ["SOON"]
    rows = expiring(client, lots["sam"], days=0).get_json()["items"]
    assert [(r["location"], r["lot"]) for r in rows] == [("TOTE-1", "OLD")]
    verify_clean(app)


def test_the_expiry_list_names_what_expires_within_n_days_soonest_first_expired_included(app, client, lots):
    response = expiring(client, lots["sam"], days=7)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["days"], body["today"], body["until"]) == (7, TODAY.isoformat(), day(7))
    assert [(r["item"], r["location"], r["lot"], r["expiry"], r["days_left"], r["qty"]) for r in body["items"]] == [
        ("SKU-1", "A-01", "OLD", day(-2), -2, 4),
        ("SKU-1", "A-01", "SOON", day(5), 5, 6),
        ("SKU-1", "A-02", "SOON", day(5), 5, 3),
    ]
    assert body["items"][0]["warehouse"] == "WH1" and body["items"][0]["name"]
    assert [r["lot"] for r in expiring(client, lots["sam"], days=4).get_json()["items"]] == ["OLD"]
    assert [r["lot"] for r in expiring(client, lots["sam"], days=90).get_json()["items"]] == ["OLD", "SOON", "SOON", "LATER"]
    assert len(expiring(client, lots["sam"]).get_json()["items"]) == 3  # 30 days when not said
    assert expiring(client, lots["sam"], days=7, warehouse="WH1").get_json()["items"] == body["items"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("query, field", [({"days": "-1"}, "days"), ({"days": "soon"}, "days"),
                                          ({"days": "3651"}, "days"), ({"warehouse": "W" * 65}, "warehouse")])
def test_a_bad_expiry_question_is_a_400_naming_the_field(app, client, lots, query, field):
    response = expiring(client, lots["sam"], **query)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_unknown_warehouse_is_a_404_and_a_counter_may_not_see_quantities(app, client, lots, make_user):
    assert expiring(client, lots["sam"], warehouse="NOPE").status_code == 404
    assert expiring(client, make_user("cora", "counter")).status_code == 403


def test_a_lot_moved_or_transferred_without_its_expiry_keeps_the_expiry_it_came_with(app, client, lots):
    from tests.integration.floor import second_warehouse

    second_warehouse()
    boss = lots["boss"]
    order = {"number": "TO-LOT", "from_warehouse": "WH1", "to_warehouse": "WH2", "lines": [{"item": "SKU-1", "qty": 3}]}
    assert client.post("/api/v1/transfer-orders", json=order, headers=bearer(boss)).status_code == 201
    results = sync(client, boss, [
        scan("transfer", "SKU-1", 2, from_="A-01", to="A-03", lot="SOON"),  # a move naming the lot only
        scan("dispatch", "SKU-1", 3, from_="A-02", ref="TO-LOT", lot="SOON"),
        scan("receive", "SKU-1", 3, to="DOCK-2", ref="TO-LOT", lot="SOON"),  # arrives with the lot, no expiry
    ]).get_json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 3, results
    soon = {(row["location"], lot["expiry"]) for row in stock(client, lots["sam"], "SKU-1")["locations"]
            for lot in row["lots"] if lot["lot"] == "SOON"}
    assert soon == {("A-01", day(5)), ("A-03", day(5)), ("DOCK-2", day(5))}
    listed = expiring(client, lots["sam"], days=7).get_json()["items"]
    assert ("DOCK-2", "SOON", day(5), 3) in {(r["location"], r["lot"], r["expiry"], r["qty"]) for r in listed}
    verify_clean(app)
