"""Advance ship notices: pallets by SSCC with expected lines, linked to purchase-order lines or not.

In transit counts a notice line linked to a purchase-order line once (the purchase order's open quantity), an
unlinked line until it is received; receipts naming the notice count against its lines exactly once under
replay, in two warehouses, and `ledger verify` / `ledger rebuild` agree with what posting did.
"""
from sqlalchemy import text

from tests.conftest import bearer
from tests.integration.floor import scan, second_warehouse, small_warehouse, sync, verify_clean
from webapp.domain.sscc import make_sscc
from webapp.extensions import db

PALLET_1, PALLET_2, PALLET_3 = (make_sscc("5012345", n) for n in (1, 2, 3))


def _numbers(client, token, item, warehouse) -> tuple:
    body = client.get(f"/api/v1/stock/{item}?warehouse={warehouse}", headers=bearer(token)).get_json()
    return body["on_hand"], body["in_transit"], body["available"]


def _notice(number="ASN-1", warehouse="WH1", pallets=None, **extra) -> dict:
    return {"number": number, "supplier": "SUP", "warehouse": warehouse, "expected_at": "2026-12-01",
            "pallets": pallets or [{"sscc": PALLET_1, "lines": [{"item": "SKU-1", "qty": 10, "purchase_order": "PO-1"},
                                                                 {"item": "SKU-2", "qty": 5, "lot": "L7",
                                                                  "expiry": "2027-03-31"}]}], **extra}


def _lines(client, token, number) -> list:
    body = client.get(f"/api/v1/inbound-shipments/{number}", headers=bearer(token)).get_json()
    return [(p["sscc"], l["item"], l["expected"], l["received"], l["open"], l["purchase_order"], l["po_line"])
            for p in body["pallets"] for l in p["lines"]]


def _rebuild_changes_nothing(app) -> None:
    output = app.test_cli_runner().invoke(args=["ledger", "rebuild"]).output
    assert output.startswith("ledger rebuild: done (0 "), output


def test_a_notice_is_taken_once_by_number_and_a_bad_pallet_code_or_a_purchase_order_number_is_refused(
        app, client, make_user):
    small_warehouse()
    erp, ravi = make_user("erp", "integration"), make_user("ravi", "receiver")
    client.post("/api/v1/purchase-orders", json={"number": "PO-1", "supplier": "SUP",
                                                 "lines": [{"item": "SKU-1", "qty": 10}]}, headers=bearer(erp))
    created = client.post("/api/v1/inbound-shipments", json=_notice(), headers=bearer(erp))
    assert created.status_code == 201, created.get_json()
    again = client.post("/api/v1/inbound-shipments", json=_notice(), headers=bearer(erp))
    assert again.status_code == 200 and again.get_json() == created.get_json()
    other = client.post("/api/v1/inbound-shipments", json=_notice(expected_at="2026-12-02"), headers=bearer(erp))
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "idempotency_conflict"
    body = created.get_json()
    assert (body["number"], body["supplier"], body["warehouse"], body["state"]) == ("ASN-1", "SUP", "WH1", "open")
    assert body["expected_at"].startswith("2026-12-01T00:00:00")
    assert _lines(client, ravi, "ASN-1") == [(PALLET_1, "SKU-1", 10, 0, 10, "PO-1", 1),
                                             (PALLET_1, "SKU-2", 5, 0, 5, None, None)]
    assert [s["number"] for s in client.get("/api/v1/inbound-shipments?state=open",
                                            headers=bearer(ravi)).get_json()["items"]] == ["ASN-1"]

    wrong_check_digit = PALLET_2[:-1] + str((int(PALLET_2[-1]) + 1) % 10)
    refused = {
        "invalid_sscc": _notice("ASN-2", pallets=[{"sscc": wrong_check_digit, "lines": [{"item": "SKU-1", "qty": 1}]}]),
        "number_in_use": _notice("PO-1", pallets=[{"sscc": PALLET_2, "lines": [{"item": "SKU-1", "qty": 1}]}]),
        "pallet_exists": _notice("ASN-3", pallets=[{"sscc": PALLET_1, "lines": [{"item": "SKU-1", "qty": 1}]}]),
        "unknown_item": _notice("ASN-4", pallets=[{"sscc": PALLET_2, "lines": [{"item": "NOPE", "qty": 1}]}]),
        "po_line_mismatch": _notice("ASN-5", pallets=[{"sscc": PALLET_2, "lines": [
            {"item": "SKU-2", "qty": 1, "purchase_order": "PO-1"}]}]),
        "unknown_field": {**_notice("ASN-6"), "colour": "red"},
    }
    for code, notice in refused.items():
        response = client.post("/api/v1/inbound-shipments", json=notice, headers=bearer(erp))
        assert 400 <= response.status_code < 500 and response.get_json()["error"]["code"] == code, (code, response.get_json())
    # A purchase order may not take a notice's number either.
    clash = client.post("/api/v1/purchase-orders", json={"number": "ASN-1", "supplier": "SUP",
                                                         "lines": [{"item": "SKU-1", "qty": 1}]}, headers=bearer(erp))
    assert clash.status_code == 409 and clash.get_json()["error"]["code"] == "number_in_use"
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM inbound_shipment")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM inbound_pallet")).scalar() == 1
    assert _numbers(client, erp, "SKU-1", "WH1") == (0, 10, 0)  # the linked line is the purchase order's 10
    assert _numbers(client, erp, "SKU-2", "WH1") == (0, 5, 0)
    verify_clean(app)


def test_receipts_against_a_notice_move_in_transit_to_on_hand_once_in_two_warehouses(app, client, make_user):
    small_warehouse()
    second_warehouse()
    boss, ravi = make_user("boss", "supervisor"), make_user("ravi", "receiver")
    po = client.post("/api/v1/purchase-orders", json={"number": "PO-1", "supplier": "SUP", "warehouse": "WH1",
                                                      "lines": [{"item": "SKU-1", "qty": 10}]}, headers=bearer(boss))
    assert po.status_code == 201, po.get_json()
    assert client.post("/api/v1/inbound-shipments", json=_notice(), headers=bearer(boss)).status_code == 201
    second = _notice("ASN-2", warehouse="WH2", pallets=[{"sscc": PALLET_3, "lines": [{"item": "SKU-1", "qty": 6}]}])
    assert client.post("/api/v1/inbound-shipments", json=second, headers=bearer(boss)).status_code == 201
    # Before: the linked SKU-1 line counts once (the purchase order's 10), the unlinked lines count themselves.
    assert _numbers(client, boss, "SKU-1", "WH1") == (0, 10, 0)
    assert _numbers(client, boss, "SKU-2", "WH1") == (0, 5, 0)
    assert _numbers(client, boss, "SKU-1", "WH2") == (0, 6, 0)
    verify_clean(app)

    batch = [scan("receive", "SKU-1", 4, to="DOCK-1", ref="ASN-1"),
             scan("receive", "SKU-2", 5, to="DOCK-1", ref="ASN-1", lot="L7", expiry="2027-03-31"),
             scan("receive", "SKU-1", 6, to="DOCK-2", ref="ASN-2")]
    first = sync(client, ravi, batch).get_json()["results"]
    assert [(r["status"], r["flags"]) for r in first] == [("applied", [])] * 3, first
    replayed = sync(client, ravi, batch).get_json()["results"]
    assert [r["status"] for r in replayed] == ["duplicate"] * 3
    assert _numbers(client, boss, "SKU-1", "WH1") == (4, 6, 4)
    assert _numbers(client, boss, "SKU-2", "WH1") == (5, 0, 5)
    assert _numbers(client, boss, "SKU-1", "WH2") == (6, 0, 6)
    assert _lines(client, ravi, "ASN-1") == [(PALLET_1, "SKU-1", 10, 4, 6, "PO-1", 1),
                                             (PALLET_1, "SKU-2", 5, 5, 0, None, None)]
    po_line = client.get("/api/v1/purchase-orders/PO-1", headers=bearer(ravi)).get_json()["lines"][0]
    assert (po_line["ordered"], po_line["received"], po_line["open"]) == (10, 4, 6)
    verify_clean(app)
    _rebuild_changes_nothing(app)

    # Flagged, still recorded: more than expected, an item not on the notice, and another warehouse's dock.
    odd = sync(client, ravi, [scan("receive", "SKU-2", 2, to="DOCK-1", ref="ASN-1"),
                              scan("receive", "SKU-3", 1, to="DOCK-1", ref="ASN-1"),
                              scan("receive", "SKU-1", 3, to="DOCK-2", ref="ASN-1")]).get_json()["results"]
    assert [r["status"] for r in odd] == ["applied"] * 3
    assert ["over_receipt" in odd[0]["flags"], "unexpected_item" in odd[1]["flags"],
            "cross_warehouse" in odd[2]["flags"]] == [True, True, True]
    assert _numbers(client, boss, "SKU-2", "WH1") == (7, 0, 7)
    assert _numbers(client, boss, "SKU-1", "WH1") == (4, 6, 4)  # the WH2 dock's 3 changed nothing here
    assert _numbers(client, boss, "SKU-1", "WH2") == (9, 0, 9)
    codes = [e["code"] for e in client.get("/api/v1/exceptions", headers=bearer(boss)).get_json()["items"]]
    assert {"over_receipt", "unexpected_item", "cross_warehouse"} <= set(codes)
    # The notice's last 6 on the linked line: the purchase order is fully received, nothing is in transit.
    sync(client, ravi, [scan("receive", "SKU-1", 6, to="DOCK-1", ref="ASN-1")])
    assert _numbers(client, boss, "SKU-1", "WH1") == (10, 0, 10)
    verify_clean(app)
    _rebuild_changes_nothing(app)

    # The projection's in transit broken by hand: a rebuild puts back exactly the numbers posting gave.
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE stock_total SET in_transit = 7"))
    assert app.test_cli_runner().invoke(args=["ledger", "verify"]).exit_code == 1
    assert app.test_cli_runner().invoke(args=["ledger", "rebuild"]).exit_code == 0
    assert _numbers(client, boss, "SKU-1", "WH1") == (10, 0, 10)
    assert _numbers(client, boss, "SKU-1", "WH2") == (9, 0, 9)
    verify_clean(app)


def test_an_unlinked_notice_line_stays_in_transit_until_received_and_a_rebuild_recomputes_it(app, client, make_user):
    small_warehouse()
    boss = make_user("boss", "supervisor")
    notice = _notice("ASN-9", pallets=[{"sscc": PALLET_2, "lines": [{"item": "SKU-3", "qty": 4},
                                                                     {"item": "SKU-3", "qty": 3}]}])
    assert client.post("/api/v1/inbound-shipments", json=notice, headers=bearer(boss)).status_code == 201
    sync(client, boss, [scan("receive", "SKU-3", 5, to="DOCK-1", ref="ASN-9")])
    assert _numbers(client, boss, "SKU-3", "WH1") == (5, 2, 5)
    assert [(l[2], l[3], l[4]) for l in _lines(client, boss, "ASN-9")] == [(4, 4, 0), (3, 1, 2)]
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE stock_total SET in_transit = 99"))
    assert app.test_cli_runner().invoke(args=["ledger", "rebuild"]).exit_code == 0
    assert _numbers(client, boss, "SKU-3", "WH1") == (5, 2, 5)
    verify_clean(app)


def test_short_closing_a_notice_takes_its_unlinked_rest_out_of_transit_and_flags_the_short_lines(app, client, make_user):
    small_warehouse()
    boss, ravi = make_user("boss", "supervisor"), make_user("ravi", "receiver")
    client.post("/api/v1/purchase-orders", json={"number": "PO-1", "supplier": "SUP",
                                                 "lines": [{"item": "SKU-1", "qty": 10}]}, headers=bearer(boss))
    assert client.post("/api/v1/inbound-shipments", json=_notice(), headers=bearer(boss)).status_code == 201
    sync(client, ravi, [scan("receive", "SKU-1", 3, to="DOCK-1", ref="ASN-1"),
                        scan("receive", "SKU-2", 2, to="DOCK-1", ref="ASN-1")])
    assert _numbers(client, boss, "SKU-2", "WH1") == (2, 3, 2)
    closed = client.post("/api/v1/inbound-shipments/ASN-1/close", json={"reason": "two cases missing"},
                         headers=bearer(boss))
    assert closed.status_code == 200 and closed.get_json()["state"] == "closed"
    assert _numbers(client, boss, "SKU-2", "WH1") == (2, 0, 2)  # the notice's own rest no longer comes
    assert _numbers(client, boss, "SKU-1", "WH1") == (3, 7, 3)  # the linked rest is still the purchase order's
    again = client.post("/api/v1/inbound-shipments/ASN-1/close", headers=bearer(boss))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "inbound_shipment_closed"
    short = [e for e in client.get("/api/v1/exceptions", headers=bearer(boss)).get_json()["items"]
             if e["code"] == "under_receipt"]
    assert [(e["item"], e["ref"]) for e in short] == [("SKU-1", "ASN-1"), ("SKU-2", "ASN-1")]
    assert "two cases missing" in short[1]["detail"]
    # A late receipt against the closed notice is still stock, and in transit is not lowered twice.
    sync(client, ravi, [scan("receive", "SKU-2", 3, to="DOCK-1", ref="ASN-1")])
    assert _numbers(client, boss, "SKU-2", "WH1") == (5, 0, 5)
    verify_clean(app)
    _rebuild_changes_nothing(app)
    assert [t["ref"] for t in client.get("/api/v1/tasks", headers=bearer(ravi)).get_json()["tasks"]] == ["PO-1"]


def test_devices_receiving_one_notice_at_once_lower_in_transit_exactly_once_per_receipt(app, client, make_user, live):
    """20 handhelds through two server processes, each id sent by two of them: one notice, linked and unlinked."""
    from tests.integration.live_server import all_at_once

    small_warehouse()
    boss, ravi = make_user("boss", "supervisor"), make_user("ravi", "receiver")
    client.post("/api/v1/purchase-orders", json={"number": "PO-1", "supplier": "SUP",
                                                 "lines": [{"item": "SKU-1", "qty": 12}]}, headers=bearer(boss))
    notice = _notice(pallets=[{"sscc": PALLET_1, "lines": [{"item": "SKU-1", "qty": 12, "purchase_order": "PO-1"},
                                                           {"item": "SKU-2", "qty": 12}]}])
    assert client.post("/api/v1/inbound-shipments", json=notice, headers=bearer(boss)).status_code == 201
    batches = [[scan("receive", "SKU-1", 1, to="DOCK-1", ref="ASN-1"), scan("receive", "SKU-2", 1, to="DOCK-1", ref="ASN-1")]
               for _ in range(10)]

    def send(session, n):
        return session.post(f"{live.url}/api/v1/sync", json={"device_id": f"dock-{n}", "movements": batches[n % 10]},
                            headers=bearer(ravi), timeout=60)

    answers = all_at_once(20, send)
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers if r.status_code != 200]
    statuses = sorted(res["status"] for r in answers for res in r.json()["results"])
    assert statuses == ["applied"] * 20 + ["duplicate"] * 20
    # Recomputed here from the ledger's rows, not from the product's numbers.
    with db.engine.connect() as conn:
        received = dict(conn.execute(text("SELECT i.sku, SUM(m.qty_base) FROM movement m JOIN item i ON i.id = m.item_id "
                                          "WHERE m.ref = 'ASN-1' GROUP BY i.sku")).all())
    assert received == {"SKU-1": 10, "SKU-2": 10}
    assert _numbers(client, boss, "SKU-1", "WH1") == (10, 12 - 10, 10)
    assert _numbers(client, boss, "SKU-2", "WH1") == (10, 12 - 10, 10)
    assert [(l[1], l[3]) for l in _lines(client, boss, "ASN-1")] == [("SKU-1", 10), ("SKU-2", 10)]
    verify_clean(app)
