"""Transfer orders between two warehouses: a dispatch at the source issues the stock there and puts it in transit
at the destination; a receive there moves it from in transit to on hand; never counted twice, live and after
`ledger rebuild`; over, short and misplaced scans flagged; exactly once under replay."""
from sqlalchemy import text

from tests.conftest import bearer
from tests.integration.floor import (
    scan,
    second_warehouse,
    small_warehouse,
    sync,
    verify_clean,
)
from webapp.domain.sscc import make_sscc
from webapp.extensions import db

TRANSFER = {"number": "TO-1", "from_warehouse": "WH1", "to_warehouse": "WH2",
            "lines": [{"item": "SKU-1", "qty": 6}, {"item": "SKU-2", "qty": 2}]}


def _sql(query: str, **params):
    with db.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def _numbers(client, token, warehouse: str, item: str = "SKU-1") -> tuple[int, int, int]:
    report = client.get(f"/api/v1/stock/{item}?warehouse={warehouse}", headers=bearer(token)).get_json()
    return report["on_hand"], report["in_transit"], report["available"]


def _two_warehouses(client, make_user):
    small_warehouse()
    second_warehouse()
    boss, ravi, asha = make_user("maria", "supervisor"), make_user("ravi", "receiver"), make_user("asha", "picker")
    sync(client, ravi, [scan("receive", "SKU-1", 10, to="A-01"), scan("receive", "SKU-2", 5, to="A-02")])
    return boss, ravi, asha


def _rebuild_changes_nothing(app) -> None:
    rebuilt = app.test_cli_runner().invoke(args=["ledger", "rebuild"]).output
    assert rebuilt.startswith("ledger rebuild: done (0 "), rebuilt


def test_a_transfer_leaves_one_warehouse_travels_in_transit_and_arrives_on_hand_at_the_other(app, client, make_user):
    boss, ravi, asha = _two_warehouses(client, make_user)
    created = client.post("/api/v1/transfer-orders", json=TRANSFER, headers=bearer(boss))
    assert created.status_code == 201, created.get_json()
    again = client.post("/api/v1/transfer-orders", json=TRANSFER, headers=bearer(boss))
    assert again.status_code == 200 and again.get_json() == created.get_json()
    assert _numbers(client, boss, "WH2") == (0, 0, 0)  # nothing travels until it is shipped

    shipped = scan("dispatch", "SKU-1", 4, from_="A-01", ref="TO-1")
    [result] = sync(client, asha, [shipped]).get_json()["results"]
    assert (result["status"], result["flags"]) == ("applied", [])
    assert _numbers(client, boss, "WH1") == (6, 0, 6)
    assert _numbers(client, boss, "WH2") == (0, 4, 0)
    everywhere = client.get("/api/v1/stock/SKU-1", headers=bearer(boss)).get_json()
    assert (everywhere["on_hand"], everywhere["in_transit"]) == (6, 4)  # ten units, each counted once
    _rebuild_changes_nothing(app)

    received = scan("receive", "SKU-1", 3, to="DOCK-2", ref="TO-1")
    [result] = sync(client, ravi, [received]).get_json()["results"]
    assert (result["status"], result["flags"]) == ("applied", [])
    assert _numbers(client, boss, "WH2") == (3, 1, 3)
    lines = client.get("/api/v1/transfer-orders/TO-1", headers=bearer(ravi)).get_json()["lines"]
    assert [(l["item"], l["qty"], l["shipped"], l["received"], l["in_transit"], l["open"]) for l in lines] == [
        ("SKU-1", 6, 4, 3, 1, 2), ("SKU-2", 2, 0, 0, 0, 2)]
    verify_clean(app)
    _rebuild_changes_nothing(app)

    retry = sync(client, asha, [shipped]).get_json()["results"] + sync(client, ravi, [received]).get_json()["results"]
    assert [r["status"] for r in retry] == ["duplicate", "duplicate"]
    assert _numbers(client, boss, "WH1") == (6, 0, 6) and _numbers(client, boss, "WH2") == (3, 1, 3)

    closed = client.post("/api/v1/transfer-orders/TO-1/close", json={"reason": "one lost on the road"},
                         headers=bearer(boss))
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"
    assert _numbers(client, boss, "WH2") == (3, 0, 3)  # the rest is out of transit
    exceptions = client.get("/api/v1/exceptions", headers=bearer(boss)).get_json()["items"]
    assert sorted((e["code"], e["ref"]) for e in exceptions) == [
        ("under_receipt", "TO-1"), ("under_shipment", "TO-1"), ("under_shipment", "TO-1")]
    assert client.post("/api/v1/transfer-orders/TO-1/close", headers=bearer(boss)).status_code == 409
    verify_clean(app)
    _rebuild_changes_nothing(app)


def test_transfer_scans_in_the_wrong_place_or_beyond_what_was_shipped_are_applied_and_flagged(app, client, make_user):
    boss, ravi, _ = _two_warehouses(client, make_user)
    assert client.post("/api/v1/transfer-orders", json=TRANSFER, headers=bearer(boss)).status_code == 201
    sync(client, boss, [scan("receive", "SKU-1", 2, to="B-01")])  # some stock at WH2 as well
    results = sync(client, boss, [
        scan("dispatch", "SKU-1", 2, from_="A-01", ref="TO-1"),
        scan("dispatch", "SKU-1", 1, from_="B-01", ref="TO-1"),  # shipped from the destination: not this transfer
        scan("dispatch", "SKU-3", 1, from_="A-03", ref="TO-1"),  # not on the transfer order
        scan("receive", "SKU-1", 1, to="DOCK-1", ref="TO-1"),  # received back at the source
        scan("receive", "SKU-1", 3, to="DOCK-2", ref="TO-1"),  # one more than was shipped
    ]).get_json()["results"]
    assert [(r["status"], r["flags"]) for r in results] == [
        ("applied", []), ("applied", ["cross_warehouse"]), ("applied", ["negative_stock", "unexpected_item"]),
        ("applied", ["cross_warehouse"]), ("applied", ["over_receipt"])]
    assert _numbers(client, boss, "WH2") == (2 - 1 + 3, 0, 4)  # in transit never below zero
    _rebuild_changes_nothing(app)

    assert client.post("/api/v1/transfer-orders/TO-1/close", headers=bearer(boss)).status_code == 200
    [late] = sync(client, ravi, [scan("receive", "SKU-2", 1, to="DOCK-2", ref="TO-1")]).get_json()["results"]
    assert late["flags"] == ["transfer_order_closed"]
    assert _numbers(client, boss, "WH2", "SKU-2") == (1, 0, 1)
    verify_clean(app)
    _rebuild_changes_nothing(app)


def test_a_transfer_order_must_go_between_two_known_warehouses_under_a_number_of_its_own(client, make_user):
    small_warehouse()
    second_warehouse()
    boss, asha = make_user("maria", "supervisor"), make_user("asha", "picker")
    post = lambda body, token=boss: client.post("/api/v1/transfer-orders", json=body, headers=bearer(token))
    assert post({**TRANSFER, "to_warehouse": "WH1"}).get_json()["error"]["code"] == "same_warehouse"
    assert post({**TRANSFER, "to_warehouse": "WH9"}).status_code == 404
    assert post({**TRANSFER, "lines": [{"item": "NOPE", "qty": 1}]}).get_json()["error"]["code"] == "unknown_item"
    assert post({**TRANSFER, "lines": [{"item": "SKU-1", "qty": 0}]}).get_json()["error"]["code"] == "invalid_quantity"
    assert post(TRANSFER, asha).status_code == 403
    client.post("/api/v1/purchase-orders", json={"number": "PO-1", "supplier": "SUP", "warehouse": "WH2",
                                                 "lines": [{"item": "SKU-1", "qty": 1}]}, headers=bearer(boss))
    assert post({**TRANSFER, "number": "PO-1"}).get_json()["error"]["code"] == "number_in_use"
    assert post(TRANSFER).status_code == 201
    changed = post({**TRANSFER, "lines": [{"item": "SKU-1", "qty": 7}]})
    assert changed.status_code == 409 and changed.get_json()["error"]["code"] == "idempotency_conflict"
    listed = client.get("/api/v1/transfer-orders?state=open&warehouse=WH2", headers=bearer(asha)).get_json()
    assert [t["number"] for t in listed["items"]] == ["TO-1"] and listed["next_cursor"] is None
    assert client.get("/api/v1/transfer-orders/TO-9", headers=bearer(asha)).status_code == 404
    # A receipt's ref names a purchase order, a notice or a transfer order: no two of them share a number.
    pallet = {"sscc": make_sscc("5012345", 901), "lines": [{"item": "SKU-1", "qty": 1}]}
    clash = client.post("/api/v1/inbound-shipments", json={"number": "TO-1", "pallets": [pallet]}, headers=bearer(boss))
    assert clash.status_code == 409 and clash.get_json()["error"]["code"] == "number_in_use"
    assert client.post("/api/v1/inbound-shipments", json={"number": "ASN-9", "warehouse": "WH2", "pallets": [pallet]},
                       headers=bearer(boss)).status_code == 201
    assert post({**TRANSFER, "number": "ASN-9"}).get_json()["error"]["code"] == "number_in_use"
    assert _sql("SELECT COUNT(*) FROM transfer_order") == [(1,)]


def test_an_order_waiting_for_stock_at_the_destination_is_reserved_when_the_transfer_arrives(app, client, make_user):
    boss, ravi, asha = _two_warehouses(client, make_user)
    waiting = client.post("/api/v1/orders", json={"number": "SO-WH2", "warehouse": "WH2",
                                                  "lines": [{"item": "SKU-1", "qty": 3}]}, headers=bearer(boss))
    assert waiting.get_json()["state"] == "backordered"
    assert client.post("/api/v1/transfer-orders", json=TRANSFER, headers=bearer(boss)).status_code == 201
    sync(client, asha, [scan("dispatch", "SKU-1", 4, from_="A-01", ref="TO-1")])
    assert client.get("/api/v1/orders/SO-WH2", headers=bearer(boss)).get_json()["state"] == "backordered"  # on the road
    sync(client, ravi, [scan("receive", "SKU-1", 4, to="DOCK-2", ref="TO-1")])
    assert client.get("/api/v1/orders/SO-WH2", headers=bearer(boss)).get_json()["state"] == "validated"
    assert _numbers(client, boss, "WH2") == (4, 0, 1)
    verify_clean(app)
