"""The ledger's promises: tamper evidence, atomic transfers, orders by delta (the projection property: test_ledger_property.py)."""
from sqlalchemy import inspect, text

from tests.integration.floor import ean, scan, small_warehouse, stock, sync, verify_clean
from webapp.extensions import db


def _sql(query: str, **params):
    with db.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def _unlock_movements() -> None:
    """What an attacker with database superuser rights would do first."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.execute(text("DROP TRIGGER movement_no_update"))
        else:
            conn.execute(text("ALTER TABLE movement DISABLE TRIGGER movement_append_only"))


def _tampered(value, column: str):
    from datetime import datetime, timedelta

    if column == "seq":
        return value + 1000  # a gap no real row fills
    if column.endswith("_id") and isinstance(value, int):
        return value - 1 if value > 1 else value + 1  # another row that exists, so foreign keys still hold
    if value is None:
        return 7 if column not in ("expiry",) else "2030-01-01"
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, datetime):
        return value + timedelta(seconds=1)
    if column.endswith("_at") and isinstance(value, str):  # SQLite hands times back as text
        return (datetime.fromisoformat(value) + timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, str):
        return (value[:-1] + ("x" if value[-1:] != "x" else "y")) if value else "x"
    raise AssertionError(f"no tampering rule for {column}: {value!r}")


def test_seed_example_on_hand_200_reserved_45_committed_12_in_transit_80_gives_available_143(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    auth = {"Authorization": f"Bearer {boss}"}
    sync(client, boss, [scan("receive", qty=200, to="A-01")])
    client.post("/api/v1/purchase-orders", json={"number": "PO-1", "supplier": "SUP", "lines": [{"item": "SKU-1", "qty": 80}]},
                headers=auth)
    client.post("/api/v1/orders", json={"number": "SO-1", "lines": [{"item": "SKU-1", "qty": 57}]}, headers=auth)
    sync(client, boss, [scan("pick", qty=12, from_="A-01", to="TOTE-1", ref="SO-1")])
    numbers = stock(client, boss, ean(1))  # by barcode, not only SKU
    assert {k: numbers[k] for k in ("on_hand", "reserved", "committed", "in_transit", "available")} == \
        {"on_hand": 200, "reserved": 45, "committed": 12, "in_transit": 80, "available": 143}
    verify_clean(app)


def test_changing_any_stored_column_of_a_movement_fails_verify_naming_it(app, client, make_user):
    small_warehouse()
    make_user("other", "picker")  # so that a changed person id still points at a person
    boss = make_user("maria", "supervisor")
    results = sync(client, boss, [scan("receive", qty=10, to="A-01", ref="PO-X", lot="L1", expiry="2027-01-31"),
                                  scan("transfer", qty=3, from_="A-01", to="A-02"),
                                  scan("receive", item="SKU-2", qty=4, to="A-03")]).get_json()["results"]
    target_seq = results[1]["seq"]
    verify_clean(app)
    _unlock_movements()
    columns = [c["name"] for c in inspect(db.engine).get_columns("movement")]
    assert {"seq", "id", "qty_base", "hash", "prev_hash", "occurred_at", "recorded_at", "flags"} <= set(columns)
    for column in columns:
        [(original,)] = _sql(f"SELECT {column} FROM movement WHERE seq = :seq", seq=target_seq)
        changed = _tampered(original, column)
        with db.engine.begin() as conn:
            conn.execute(text(f"UPDATE movement SET {column} = :v WHERE seq = :seq"), {"v": changed, "seq": target_seq})
        new_seq = changed if column == "seq" else target_seq
        try:
            result = app.test_cli_runner().invoke(args=["ledger", "verify"])
            assert result.exit_code == 1, f"changing {column} went unnoticed"
            assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
            first_problem = result.output.splitlines()[0]
            assert f"seq={new_seq} " in first_problem or f"id={results[1]['id']}" in first_problem, (column, first_problem)
        finally:
            with db.engine.begin() as conn:
                conn.execute(text(f"UPDATE movement SET {column} = :v WHERE seq = :seq"), {"v": original, "seq": new_seq})
        verify_clean(app)


def test_garbage_written_into_a_movement_is_reported_by_verify_not_a_crash(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    [first] = sync(client, boss, [scan("receive", qty=10, to="A-01")]).get_json()["results"]
    _unlock_movements()
    garbage = "not a time" if db.is_sqlite else "1999-01-01T00:00:00Z"  # PostgreSQL only stores real times
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE movement SET occurred_at = :g WHERE seq = :s"), {"g": garbage, "s": first["seq"]})
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 1 and (result.exception is None or isinstance(result.exception, SystemExit))
    assert f"seq={first['seq']} " in result.output


def test_a_projection_row_that_disagrees_with_the_ledger_is_named_and_rebuild_fixes_it(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    sync(client, boss, [scan("receive", qty=10, to="A-01")])
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE stock_level SET qty = 11"))
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 1 and "stock_level" in result.output and "stored 11, ledger says 10" in result.output
    assert app.test_cli_runner().invoke(args=["ledger", "rebuild"]).exit_code == 0
    verify_clean(app)
    assert [(l["location"], l["qty"]) for l in stock(client, boss)["locations"]] == [("A-01", 10)]


def test_a_transfer_interrupted_between_its_two_sides_leaves_no_trace(app, client, make_user, monkeypatch):
    from webapp.services import batch_posting, ledger

    small_warehouse()
    boss = make_user("maria", "supervisor")
    sync(client, boss, [scan("receive", qty=10, to="A-01")])
    before = _sql("SELECT item_id, location_id, qty FROM stock_level ORDER BY location_id")
    calls = []
    # Each side of a transfer is one `add` to a level store: the database's, or a sync batch's (set-based).
    for store in (ledger.DatabaseLevels, batch_posting.BatchWriter):
        def fail_on_second_side(self, *args, _real=store.add):
            calls.append(args)
            if len(calls) == 2:
                raise RuntimeError("power cut between the two sides of a transfer")
            return _real(self, *args)

        monkeypatch.setattr(store, "add", fail_on_second_side)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    response = sync(client, boss, [scan("transfer", qty=4, from_="A-01", to="A-02")])
    assert response.status_code == 500
    monkeypatch.undo()
    assert len(calls) == 2
    assert _sql("SELECT item_id, location_id, qty FROM stock_level ORDER BY location_id") == before
    assert _sql("SELECT COUNT(*) FROM movement") == [(1,)]
    verify_clean(app)


def test_pack_size_barcode_counts_its_factor_and_keeps_what_was_scanned(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    case_barcode = _sql("SELECT code FROM item_barcode WHERE uom = 'CS' AND item_id = 1")[0][0]
    result = sync(client, boss, [scan("receive", item=case_barcode, qty=2, to="A-01")]).get_json()["results"][0]
    assert result["status"] == "applied"
    assert _sql("SELECT qty_base, uom, qty_scanned, to_balance_after FROM movement") == [(24, "CS", 2, 24)]


def test_gs1_label_scanned_as_item_gives_lot_and_expiry(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    gtin14 = "0" + ean(1)
    label = f"]C101{gtin14}10LOT42\x1d17270331"
    result = sync(client, boss, [scan("receive", item=label, qty=3, to="A-01")]).get_json()["results"][0]
    assert result["status"] == "applied", result
    assert _sql("SELECT lot, expiry, qty_base FROM movement") == [("LOT42", "2027-03-31", 3)]


class TestOrders:
    def _order(self, client, auth, number="SO-1", qty=5, **extra):
        return client.post("/api/v1/orders", json={"number": number, "lines": [{"item": "SKU-1", "qty": qty}], **extra},
                           headers=auth)

    def test_quantity_edits_change_the_reservation_by_the_delta_only(self, app, client, make_user):
        small_warehouse()
        boss = make_user("maria", "supervisor")
        auth = {"Authorization": f"Bearer {boss}"}
        sync(client, boss, [scan("receive", qty=10, to="A-01")])
        assert self._order(client, auth, qty=5).get_json()["state"] == "validated"
        [(reservation_id,)] = _sql("SELECT id FROM reservation")
        up = client.patch("/api/v1/orders/SO-1", json={"lines": [{"line": 1, "qty": 8}]}, headers=auth)
        assert up.status_code == 200 and up.get_json()["lines"][0]["reserved"] == 8
        assert _sql("SELECT id, qty, status FROM reservation") == [(reservation_id, 8, "open")]  # same reservation
        too_much = client.patch("/api/v1/orders/SO-1", json={"lines": [{"line": 1, "qty": 11}]}, headers=auth)
        assert too_much.status_code == 409 and too_much.get_json()["error"]["code"] == "insufficient_stock"
        kept = client.get("/api/v1/orders/SO-1", headers=auth).get_json()["lines"][0]
        assert (kept["qty"], kept["reserved"]) == (8, 8)
        down = client.patch("/api/v1/orders/SO-1", json={"lines": [{"line": 1, "qty": 3}]}, headers=auth)
        assert down.get_json()["lines"][0]["reserved"] == 3
        price = client.patch("/api/v1/orders/SO-1", json={"lines": [{"line": 1, "unit_price": "9.99"}],
                                                            "ship_to": {"name": "New"}}, headers=auth)
        assert price.status_code == 200
        assert _sql("SELECT id, qty, status FROM reservation") == [(reservation_id, 3, "open")]
        assert stock(client, boss)["reserved"] == 3
        verify_clean(app)

    def test_order_without_stock_is_backordered_whole_and_intake_is_idempotent(self, app, client, make_user):
        small_warehouse()
        erp = make_user("erp", "integration")
        auth = {"Authorization": f"Bearer {erp}"}
        first = self._order(client, auth, qty=5, notes="n")
        assert first.status_code == 201 and first.get_json()["state"] == "backordered"
        again = self._order(client, auth, qty=5, notes="n")
        assert again.status_code == 200 and again.get_json()["created_at"] == first.get_json()["created_at"]
        other = self._order(client, auth, qty=6, notes="n")
        assert other.status_code == 409 and other.get_json()["error"]["code"] == "idempotency_conflict"

    def test_backordered_orders_are_reserved_oldest_first_when_stock_arrives(self, app, client, make_user):
        small_warehouse()
        boss = make_user("maria", "supervisor")
        auth = {"Authorization": f"Bearer {boss}"}
        assert self._order(client, auth, "SO-OLD", qty=4).get_json()["state"] == "backordered"
        assert self._order(client, auth, "SO-NEW", qty=4).get_json()["state"] == "backordered"
        sync(client, boss, [scan("receive", qty=5, to="A-01")])
        states = {n: client.get(f"/api/v1/orders/{n}", headers=auth).get_json()["state"] for n in ("SO-OLD", "SO-NEW")}
        assert states == {"SO-OLD": "validated", "SO-NEW": "backordered"}
        assert stock(client, boss)["reserved"] == 4
        sync(client, boss, [scan("receive", qty=3, to="A-01")])
        assert client.get("/api/v1/orders/SO-NEW", headers=auth).get_json()["state"] == "validated"
        verify_clean(app)

    def test_state_machine_refuses_illegal_steps_and_keeps_history(self, app, client, make_user):
        small_warehouse()
        boss = make_user("maria", "supervisor")
        auth = {"Authorization": f"Bearer {boss}"}
        sync(client, boss, [scan("receive", qty=10, to="A-01")])
        self._order(client, auth)
        illegal = client.post("/api/v1/orders/SO-1/transition", json={"to": "delivered"}, headers=auth)
        assert illegal.status_code == 409 and illegal.get_json()["error"]["code"] == "invalid_transition"
        hold = client.post("/api/v1/orders/SO-1/transition", json={"to": "on_hold", "reason": "customer called"}, headers=auth)
        assert hold.status_code == 200 and hold.get_json()["lines"][0]["reserved"] == 5
        cancel = client.post("/api/v1/orders/SO-1/transition", json={"to": "cancelled", "reason": "fraud"}, headers=auth)
        body = cancel.get_json()
        assert body["state"] == "cancelled" and body["lines"][0]["reserved"] == 0
        assert [(h["from"], h["to"], h["by"]) for h in body["history"]] == [
            (None, "received", "maria"), ("received", "validated", "maria"), ("validated", "on_hold", "maria"),
            ("on_hold", "cancelled", "maria")]
        assert body["history"][-1]["reason"] == "fraud"
        assert stock(client, boss)["available"] == 10

    def test_an_order_reservation_cannot_be_deleted_directly(self, app, client, make_user):
        small_warehouse()
        boss = make_user("maria", "supervisor")
        auth = {"Authorization": f"Bearer {boss}"}
        sync(client, boss, [scan("receive", qty=10, to="A-01")])
        self._order(client, auth)
        [(owned,)] = _sql("SELECT id FROM reservation")
        refused = client.delete(f"/api/v1/reservations/{owned}", headers=auth)
        assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "reservation_owned_by_order"
        mine = client.post("/api/v1/reservations", json={"item": "SKU-1", "qty": 2, "ref": "HOLD"}, headers=auth)
        assert mine.status_code == 201 and stock(client, boss)["reserved"] == 7
        assert client.delete(f"/api/v1/reservations/{mine.get_json()['id']}", headers=auth).status_code == 204
        assert stock(client, boss)["reserved"] == 5

    def test_full_order_from_intake_to_dispatch_through_sync_leaves_nothing_held(self, app, client, make_user):
        small_warehouse()
        boss = make_user("maria", "supervisor")
        auth = {"Authorization": f"Bearer {boss}"}
        sync(client, boss, [scan("receive", qty=10, to="A-01")])
        self._order(client, auth, qty=4)
        results = sync(client, boss, [
            scan("pick", qty=4, from_="A-01", to="TOTE-1", ref="SO-1"),
            scan("pack", qty=4, from_="TOTE-1", to="PACK-1", ref="SO-1"),
            scan("dispatch", qty=4, from_="PACK-1", ref="SO-1"),
        ]).get_json()["results"]
        assert [r["status"] for r in results] == ["applied"] * 3 and all(not r["flags"] for r in results)
        numbers = stock(client, boss)
        assert (numbers["on_hand"], numbers["reserved"], numbers["committed"], numbers["available"]) == (6, 0, 0, 6)
        order = client.get("/api/v1/orders/SO-1", headers=auth).get_json()
        assert order["state"] == "dispatched"
        assert [h["to"] for h in order["history"]][-3:] == ["picking", "packed", "dispatched"]
        verify_clean(app)
