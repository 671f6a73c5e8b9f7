"""A retry meets the ledger, not today's state: an id already recorded is answered from what was stored."""
from sqlalchemy import event, text

from tests.integration.floor import ean, scan, small_warehouse, stock, sync, verify_clean
from webapp.extensions import db


def _sql(query: str, **params):
    with db.engine.begin() as conn:
        return conn.execute(text(query), params).all() if query.lstrip().upper().startswith("SELECT") else \
            conn.execute(text(query), params)


def test_a_receipt_retried_after_the_receiver_lost_the_role_is_a_duplicate_not_forbidden(app, client, make_user):
    small_warehouse()
    ravi = make_user("ravi", "receiver")
    receipt = scan("receive", qty=5, to="A-01")
    [first] = sync(client, ravi, [receipt]).get_json()["results"]  # the answer was lost at the dock
    _sql("UPDATE person SET roles = 'picker' WHERE username = 'ravi'")  # moved to picking the next morning
    [again] = sync(client, ravi, [receipt]).get_json()["results"]
    assert (again["status"], again.get("seq")) == ("duplicate", first["seq"]), again
    assert stock(client, ravi)["on_hand"] == 5
    assert _sql("SELECT COUNT(*) FROM rejected_movement") == [(0,)]  # nothing for the supervisor to chase


def test_the_same_id_with_other_content_after_a_role_change_is_still_an_idempotency_conflict(app, client, make_user):
    small_warehouse()
    ravi = make_user("ravi", "receiver")
    receipt = scan("receive", qty=5, to="A-01")
    [first] = sync(client, ravi, [receipt]).get_json()["results"]
    _sql("UPDATE person SET roles = 'picker' WHERE username = 'ravi'")
    [other] = sync(client, ravi, [{**receipt, "qty": 6}]).get_json()["results"]
    assert other["status"] == "rejected" and other["error"]["code"] == "idempotency_conflict", other
    assert other["error"]["seq"] == first["seq"]
    assert stock(client, ravi)["on_hand"] == 5


def test_a_scan_retried_after_its_barcode_was_removed_from_the_item_is_a_duplicate(app, client, make_user):
    small_warehouse()
    ravi = make_user("ravi", "receiver")
    receipt = scan("receive", item=ean(1), qty=3, to="A-01")
    [first] = sync(client, ravi, [receipt]).get_json()["results"]
    assert first["status"] == "applied"
    _sql("DELETE FROM item_barcode WHERE uom = 'EA' AND item_id = (SELECT id FROM item WHERE sku = 'SKU-1')")
    assert sync(client, ravi, [scan("receive", item=ean(1), qty=3, to="A-01")]).get_json()["results"][0]["error"][
        "code"] == "unknown_item"  # the supplier changed the label: a new scan of the old one is refused
    [again] = sync(client, ravi, [receipt]).get_json()["results"]
    assert (again["status"], again.get("seq")) == ("duplicate", first["seq"]), again
    assert stock(client, ravi, "SKU-1")["on_hand"] == 3


def test_a_scan_retried_after_its_location_was_renamed_and_frozen_is_a_duplicate_with_its_original_flags(
        app, client, make_user):
    small_warehouse()
    ravi = make_user("ravi", "receiver")
    receipt = scan("receive", qty=2, to="A-02")
    [first] = sync(client, ravi, [receipt]).get_json()["results"]
    _sql("UPDATE location SET code = 'A-02-OLD', frozen = :t WHERE code = 'A-02'", t=True)
    [again] = sync(client, ravi, [receipt]).get_json()["results"]
    assert again == {"id": receipt["id"], "status": "duplicate", "seq": first["seq"], "flags": []}


def test_a_whole_carton_dispatch_retried_with_the_same_id_is_a_duplicate_not_an_empty_carton(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    asha = make_user("asha", "picker")
    auth = {"Authorization": f"Bearer {boss}"}
    sync(client, boss, [scan("receive", qty=10, to="A-01")])
    client.post("/api/v1/orders", json={"number": "SO-1", "lines": [{"item": "SKU-1", "qty": 4}]}, headers=auth)
    sync(client, asha, [scan("pick", qty=4, from_="A-01", to="TOTE-1", ref="SO-1")])
    sscc = client.post("/api/v1/cartons", json={"order": "SO-1", "station": "PACK-1"}, headers=auth).get_json()["sscc"]
    sync(client, asha, [scan("pack", qty=4, from_="TOTE-1", to=sscc, ref="SO-1")])
    dispatch = {**scan("dispatch", from_=sscc, to="DOCK-1"), "item": None}
    [first] = sync(client, asha, [dispatch]).get_json()["results"]
    assert first["status"] == "applied", first
    [again] = sync(client, asha, [dispatch]).get_json()["results"]  # the dock's wifi dropped the answer
    assert (again["status"], again.get("seq")) == ("duplicate", first["seq"]), again
    assert stock(client, boss)["on_hand"] == 6
    assert client.get("/api/v1/rejects", headers=auth).get_json()["items"] == []
    verify_clean(app)


def test_a_retried_batch_looks_its_ids_up_in_the_ledger_with_one_query(app, client, make_user):
    small_warehouse()
    ravi = make_user("ravi", "receiver")
    batch = [scan("receive", item=f"SKU-{n % 3 + 1}", qty=1, to="A-01") for n in range(30)]
    sync(client, ravi, batch)
    ledger_reads = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "FROM movement" in statement:
            ledger_reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        results = sync(client, ravi, batch).get_json()["results"]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert {r["status"] for r in results} == {"duplicate"}
    assert len(ledger_reads) == 1, ledger_reads
