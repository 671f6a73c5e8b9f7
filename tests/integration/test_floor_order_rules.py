"""Smaller wrong answers where floor scans meet orders: reservations, the state machine, re-submitted rejects,
whole-carton dispatches, and sequence numbers past 32 bits."""
import pytest
from sqlalchemy import text

from tests.integration.floor import scan, small_warehouse, stock, sync, verify_clean
from webapp.extensions import db


def _sql(query: str, **params):
    with db.engine.connect() as conn:
        return conn.execute(text(query), params).all()


@pytest.fixture
def floor(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    asha = make_user("asha", "picker")
    sync(client, boss, [scan("receive", qty=10, to="A-01")])
    return {"boss": boss, "asha": asha, "auth": {"Authorization": f"Bearer {boss}"}}


def _order(client, auth, number="SO-1", qty=4) -> dict:
    answer = client.post("/api/v1/orders", json={"number": number, "lines": [{"item": "SKU-1", "qty": qty}]}, headers=auth)
    assert answer.get_json()["state"] == "validated", answer.get_json()
    return answer.get_json()


def _numbers(client, token) -> tuple:
    body = stock(client, token)
    return body["on_hand"], body["reserved"], body["committed"], body["available"]


def test_a_dispatch_with_no_pick_scan_releases_what_the_order_had_reserved(app, client, floor):
    _order(client, floor["auth"], qty=4)
    assert _numbers(client, floor["boss"]) == (10, 4, 0, 6)
    sync(client, floor["asha"], [scan("dispatch", qty=1, from_="A-01", ref="SO-1")])  # straight from the bin
    assert _numbers(client, floor["boss"]) == (9, 3, 0, 6)
    sync(client, floor["asha"], [scan("dispatch", qty=3, from_="A-01", ref="SO-1")])
    assert _numbers(client, floor["boss"]) == (6, 0, 0, 6)
    order = client.get("/api/v1/orders/SO-1", headers=floor["auth"]).get_json()
    assert (order["lines"][0]["reserved"], order["lines"][0]["dispatched"]) == (0, 4)
    verify_clean(app)


def test_a_dispatch_after_a_partial_pick_releases_only_the_unpicked_part(app, client, floor):
    _order(client, floor["auth"], qty=4)
    sync(client, floor["asha"], [scan("pick", qty=1, from_="A-01", to="TOTE-1", ref="SO-1")])
    assert _numbers(client, floor["boss"]) == (10, 3, 1, 6)
    sync(client, floor["asha"], [scan("dispatch", qty=3, from_="A-01", ref="SO-1")])  # 1 from the tote's pick, 2 unpicked
    assert _numbers(client, floor["boss"]) == (7, 1, 0, 6)
    verify_clean(app)


def test_floor_scans_move_the_order_through_the_state_machine_and_name_who_scanned(app, client, floor):
    _order(client, floor["auth"], qty=2)
    sync(client, floor["asha"], [scan("pick", qty=2, from_="A-01", to="TOTE-1", ref="SO-1"),
                                 scan("pack", qty=2, from_="TOTE-1", to="PACK-1", ref="SO-1"),
                                 scan("dispatch", qty=2, from_="PACK-1", ref="SO-1")])
    history = client.get("/api/v1/orders/SO-1", headers=floor["auth"]).get_json()["history"]
    assert [(h["from"], h["to"], h["by"], h["action"]) for h in history[-3:]] == [
        ("validated", "picking", "asha", "floor"), ("picking", "packed", "asha", "floor"),
        ("packed", "dispatched", "asha", "floor")]


def test_an_order_dispatched_without_pick_or_pack_scans_walks_every_step_of_the_state_machine(app, client, floor):
    _order(client, floor["auth"], qty=2)
    sync(client, floor["asha"], [scan("dispatch", qty=2, from_="A-01", ref="SO-1")])
    order = client.get("/api/v1/orders/SO-1", headers=floor["auth"]).get_json()
    assert order["state"] == "dispatched"
    assert [(h["from"], h["to"], h["by"]) for h in order["history"][-3:]] == [
        ("validated", "picking", "asha"), ("picking", "packed", "asha"), ("packed", "dispatched", "asha")]
    verify_clean(app)


def test_raising_a_line_after_its_reservation_was_picked_reserves_the_increase(app, client, floor):
    _order(client, floor["auth"], qty=3)
    sync(client, floor["asha"], [scan("pick", qty=3, from_="A-01", to="TOTE-1", ref="SO-1")])
    assert _numbers(client, floor["boss"]) == (10, 0, 3, 7)
    raised = client.patch("/api/v1/orders/SO-1", json={"lines": [{"line": 1, "qty": 5}]}, headers=floor["auth"])
    assert raised.status_code == 200 and raised.get_json()["lines"][0]["reserved"] == 2
    assert _numbers(client, floor["boss"]) == (10, 2, 3, 5)
    too_much = client.patch("/api/v1/orders/SO-1", json={"lines": [{"line": 1, "qty": 20}]}, headers=floor["auth"])
    assert too_much.status_code == 409 and too_much.get_json()["error"]["code"] == "insufficient_stock"
    line = client.get("/api/v1/orders/SO-1", headers=floor["auth"]).get_json()["lines"][0]
    assert (line["qty"], line["reserved"]) == (5, 2)
    assert _numbers(client, floor["boss"]) == (10, 2, 3, 5)
    verify_clean(app)


def test_a_resubmitted_reject_keeps_who_scanned_it_and_on_which_device(app, client, make_user, floor):
    ravi = make_user("ravi", "receiver")
    bad = scan("receive", item="NO-SUCH-ITEM", qty=3, to="A-02")
    assert sync(client, ravi, [bad], device_id="dock-phone").get_json()["results"][0]["error"]["code"] == "unknown_item"
    [reject] = client.get("/api/v1/rejects", headers=floor["auth"]).get_json()["items"]
    answer = client.post(f"/api/v1/rejects/{reject['id']}/resubmit", json={"movement": {**reject["payload"], "item": "SKU-1"}},
                         headers=floor["auth"]).get_json()
    assert answer["status"] == "applied", answer
    assert _sql("SELECT s.username, t.username, m.device_id FROM movement m JOIN person s ON s.id = m.scanned_by_id "
                "JOIN person t ON t.id = m.sent_by_id WHERE m.seq = :seq", seq=answer["seq"]) == [("ravi", "maria", "dock-phone")]
    assert "out_of_order" not in answer["flags"]
    verify_clean(app)


def test_a_resubmitted_reject_of_an_unproven_scanner_is_kept_as_its_sender(app, client, make_user, floor):
    ravi = make_user("ravi", "receiver")
    forged = scan("receive", qty=3, to="A-02", scanned_by="maria")  # maria never signed in on this phone
    assert sync(client, ravi, [forged], device_id="dock-phone").get_json()["results"][0]["error"]["code"] == "forbidden_scanner"
    [reject] = client.get("/api/v1/rejects", headers=floor["auth"]).get_json()["items"]
    answer = client.post(f"/api/v1/rejects/{reject['id']}/resubmit", json={"movement": reject["payload"]},
                         headers=floor["auth"]).get_json()
    assert answer["status"] == "applied", answer
    assert _sql("SELECT s.username, m.device_id FROM movement m JOIN person s ON s.id = m.scanned_by_id "
                "WHERE m.seq = :seq", seq=answer["seq"]) == [("ravi", "dock-phone")]


def test_a_whole_carton_dispatch_needs_no_quantity(app, client, floor):
    _order(client, floor["auth"], qty=3)
    sync(client, floor["asha"], [scan("pick", qty=3, from_="A-01", to="TOTE-1", ref="SO-1")])
    sscc = client.post("/api/v1/cartons", json={"order": "SO-1", "station": "PACK-1"}, headers=floor["auth"]).get_json()["sscc"]
    sync(client, floor["asha"], [scan("pack", qty=3, from_="TOTE-1", to=sscc, ref="SO-1")])
    carton_scan = {k: v for k, v in scan("dispatch", from_=sscc, to="DOCK-1").items() if k not in ("item", "qty")}
    [result] = sync(client, floor["asha"], [carton_scan]).get_json()["results"]
    assert result["status"] == "applied", result
    assert _sql("SELECT qty_base, qty_scanned FROM movement WHERE kind = 'dispatch'") == [(3, 3)]
    assert _numbers(client, floor["boss"]) == (7, 0, 0, 7)
    verify_clean(app)


def test_a_dummy_quantity_on_a_whole_carton_dispatch_is_ignored(app, client, floor):
    _order(client, floor["auth"], qty=3)
    sync(client, floor["asha"], [scan("pick", qty=3, from_="A-01", to="TOTE-1", ref="SO-1")])
    sscc = client.post("/api/v1/cartons", json={"order": "SO-1", "station": "PACK-1"}, headers=floor["auth"]).get_json()["sscc"]
    sync(client, floor["asha"], [scan("pack", qty=3, from_="TOTE-1", to=sscc, ref="SO-1")])
    [result] = sync(client, floor["asha"], [{**scan("dispatch", qty=0, from_=sscc), "item": None}]).get_json()["results"]
    assert result["status"] == "applied", result
    assert _sql("SELECT qty_base FROM movement WHERE kind = 'dispatch'") == [(3,)]


def test_the_ledger_keeps_counting_past_two_billion_movements(app, client, floor):
    from webapp.db.order_tables import ExceptionRecord, RejectedMovement
    from webapp.domain.clock import utcnow
    from webapp.services.catalogue import find_item, find_location
    from webapp.services.ledger import MovementInput, post_movement

    big = 2**31 + 5
    with db.unit_of_work() as s:
        for table, column in (("movement", "seq"), ("exception_record", "id"), ("rejected_movement", "id")):
            if not db.is_sqlite:
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), :n)"), {"n": big})
        if db.is_sqlite:  # SQLite's next id is the largest so far + 1: an old, resolved row of each queue
            s.add(ExceptionRecord(id=big, code="old", resolved_at=utcnow()))
            s.add(RejectedMovement(id=big, payload="{}", code="old", resolved_at=utcnow()))
        item, bin_ = find_item(s, "SKU-1").item, find_location(s, "A-02")
        post_movement(s, MovementInput(id="big-1", kind="receive", item_id=item.id, warehouse_id=bin_.warehouse_id,
                                       qty_base=1, qty_scanned=1, to_location=bin_, content_hash="x"), seq=big)
    [frozen] = sync(client, floor["boss"], [scan("transfer", qty=50, from_="A-03", to="A-04")]).get_json()["results"]
    assert frozen["seq"] > big and "negative_stock" in frozen["flags"]
    exceptions = client.get("/api/v1/exceptions", headers=floor["auth"]).get_json()["items"]
    assert frozen["seq"] in [e["movement_seq"] for e in exceptions]
    fix = client.post("/api/v1/adjustments", json={"item": "SKU-1", "location": "A-03", "qty": 50,
                                                   "reason": "the transfer was keyed wrong", "corrects_seq": frozen["seq"]},
                      headers=floor["auth"])
    assert fix.status_code == 201 and fix.get_json()["corrects_seq"] == frozen["seq"], fix.get_json()
    assert _sql("SELECT MAX(seq) FROM movement")[0][0] > big
    verify_clean(app)
    # The supervisor's queues count past 2**31 too, and their ids still page and resolve.
    [exception] = [e for e in exceptions if e["movement_seq"] == frozen["seq"]]
    assert exception["id"] > big
    page = client.get(f"/api/v1/exceptions?cursor={big}", headers=floor["auth"])
    assert page.status_code == 200 and exception["id"] in [e["id"] for e in page.get_json()["items"]]
    resolved = client.post(f"/api/v1/exceptions/{exception['id']}/resolve", json={"note": "keyed wrong"}, headers=floor["auth"])
    assert resolved.status_code == 200, resolved.get_json()
    [rejected] = sync(client, floor["boss"], [scan("receive", item="NOPE", to="A-01")]).get_json()["results"]
    [reject] = client.get("/api/v1/rejects", headers=floor["auth"]).get_json()["items"]
    assert reject["id"] > big
    answer = client.post(f"/api/v1/rejects/{reject['id']}/resubmit", json={"movement": {**reject["payload"], "item": "SKU-1"}},
                         headers=floor["auth"])
    assert answer.get_json()["status"] == "applied", answer.get_json()
