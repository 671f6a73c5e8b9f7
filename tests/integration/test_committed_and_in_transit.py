"""One definition of committed and in transit: live posting and `ledger rebuild` agree, whatever the floor does.

A floor movement that does not belong to its order or purchase order (an item not on it, an order not open
when it was scanned, another warehouse's purchase order) moves stock and nothing else — live, after a
rebuild, and after the order of that number is created later.
"""
from sqlalchemy import text

from tests.integration.floor import scan, second_warehouse, small_warehouse, stock, sync, verify_clean
from webapp.extensions import db


def _numbers(client, token, item="SKU-1", warehouse=None) -> tuple:
    path = f"/api/v1/stock/{item}" + (f"?warehouse={warehouse}" if warehouse else "")
    body = client.get(path, headers={"Authorization": f"Bearer {token}"}).get_json()
    return body["on_hand"], body["reserved"], body["committed"], body["in_transit"]


def _rebuild_changes_nothing(app) -> None:
    output = app.test_cli_runner().invoke(args=["ledger", "rebuild"]).output
    assert output.startswith("ledger rebuild: done (0 "), output


def test_a_pick_of_an_item_not_on_its_order_is_flagged_and_commits_or_reserves_nothing(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    auth = {"Authorization": f"Bearer {boss}"}
    sync(client, boss, [scan("receive", qty=10, to="A-01"), scan("receive", item="SKU-2", qty=10, to="A-02")])
    assert client.post("/api/v1/orders", json={"number": "SO-1", "lines": [{"item": "SKU-1", "qty": 4}]},
                       headers=auth).get_json()["state"] == "validated"
    [stray] = sync(client, boss, [scan("pick", item="SKU-2", qty=2, from_="A-02", to="TOTE-1", ref="SO-1")]).get_json()["results"]
    assert stray["status"] == "applied" and "unexpected_item" in stray["flags"]
    assert _numbers(client, boss, "SKU-2") == (10, 0, 0, 0)  # moved to the tote, still on hand, promised to nobody
    assert _numbers(client, boss, "SKU-1") == (10, 4, 0, 0)
    verify_clean(app)
    _rebuild_changes_nothing(app)


def test_a_pick_naming_an_order_created_later_never_counts_as_committed(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    auth = {"Authorization": f"Bearer {boss}"}
    sync(client, boss, [scan("receive", qty=10, to="A-01")])
    [early] = sync(client, boss, [scan("pick", qty=3, from_="A-01", to="TOTE-1", ref="SO-7")]).get_json()["results"]
    assert early["status"] == "applied" and "order_not_open" in early["flags"]
    created = client.post("/api/v1/orders", json={"number": "SO-7", "lines": [{"item": "SKU-1", "qty": 5}]}, headers=auth)
    assert created.get_json()["state"] == "validated"
    assert created.get_json()["lines"][0]["picked"] == 0
    assert _numbers(client, boss) == (10, 5, 0, 0)
    verify_clean(app)
    _rebuild_changes_nothing(app)
    # The order's own pick, scanned after it exists, commits as usual.
    sync(client, boss, [scan("pick", qty=2, from_="A-01", to="TOTE-1", ref="SO-7")])
    assert _numbers(client, boss) == (10, 3, 2, 0)
    verify_clean(app)


def test_a_pick_on_an_order_on_hold_is_flagged_and_leaves_its_reservation_alone(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    auth = {"Authorization": f"Bearer {boss}"}
    sync(client, boss, [scan("receive", qty=10, to="A-01")])
    client.post("/api/v1/orders", json={"number": "SO-1", "lines": [{"item": "SKU-1", "qty": 5}]}, headers=auth)
    client.post("/api/v1/orders/SO-1/transition", json={"to": "on_hold", "reason": "credit check"}, headers=auth)
    [held] = sync(client, boss, [scan("pick", qty=2, from_="A-01", to="TOTE-1", ref="SO-1")]).get_json()["results"]
    assert "order_not_open" in held["flags"]
    assert _numbers(client, boss) == (10, 5, 0, 0)
    client.post("/api/v1/orders/SO-1/transition", json={"to": "validated"}, headers=auth)
    assert _numbers(client, boss) == (10, 5, 0, 0)
    verify_clean(app)


def test_a_receipt_against_another_warehouses_purchase_order_leaves_that_order_and_its_in_transit_alone(
        app, client, make_user):
    small_warehouse()
    second_warehouse()
    boss = make_user("maria", "supervisor")
    auth = {"Authorization": f"Bearer {boss}"}
    po = client.post("/api/v1/purchase-orders", json={"number": "PO-1", "supplier": "SUP", "warehouse": "WH1",
                                                      "lines": [{"item": "SKU-1", "qty": 10}]}, headers=auth)
    assert po.status_code == 201, po.get_json()
    [wrong_dock] = sync(client, boss, [scan("receive", qty=4, to="DOCK-2", ref="PO-1")]).get_json()["results"]
    assert wrong_dock["status"] == "applied" and "cross_warehouse" in wrong_dock["flags"]
    assert _numbers(client, boss, warehouse="WH2") == (4, 0, 0, 0)  # the goods are where they were scanned
    assert _numbers(client, boss, warehouse="WH1") == (0, 0, 0, 10)  # still expected at WH1
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT qty, qty_received FROM purchase_order_line")).all() == [(10, 0)]
    codes = {e["code"] for e in client.get("/api/v1/exceptions", headers=auth).get_json()["items"]}
    assert "cross_warehouse" in codes
    verify_clean(app)
    _rebuild_changes_nothing(app)
    sync(client, boss, [scan("receive", qty=4, to="DOCK-1", ref="PO-1")])  # the right dock counts
    assert _numbers(client, boss, warehouse="WH1") == (4, 0, 0, 6)
    verify_clean(app)


def test_a_receipt_naming_a_purchase_order_created_later_is_flagged_and_leaves_it_fully_open(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    auth = {"Authorization": f"Bearer {boss}"}
    [early] = sync(client, boss, [scan("receive", qty=4, to="DOCK-1", ref="PO-9")]).get_json()["results"]
    assert early["status"] == "applied" and "unknown_purchase_order" in early["flags"]
    client.post("/api/v1/purchase-orders", json={"number": "PO-9", "supplier": "SUP",
                                                 "lines": [{"item": "SKU-1", "qty": 10}]}, headers=auth)
    assert _numbers(client, boss) == (4, 0, 0, 10)
    verify_clean(app)
    _rebuild_changes_nothing(app)
    assert stock(client, boss)["available"] == 4
