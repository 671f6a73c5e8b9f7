"""Concurrency, proved with real separate connections through two gunicorn worker processes."""
import threading

import requests
from sqlalchemy import text

from tests.integration.floor import scan, small_warehouse, sync
from tests.integration.live_server import LiveServer, all_at_once
from webapp.extensions import db
from webapp.services.locks import _MOVEMENT_ID_LOCKS, _key


def _sql(query: str, **params):
    with db.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def test_last_unit_is_reserved_once_under_100_concurrent_requests(app, client, make_user, live):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    erp = make_user("erp", "integration")
    assert sync(client, boss, [scan("receive", qty=1, to="A-01")]).status_code == 200

    def reserve(session, n):
        return session.post(f"{live.url}/api/v1/reservations", json={"item": "SKU-1", "qty": 1, "ref": f"R-{n}"},
                            headers={"Authorization": f"Bearer {erp}"}, timeout=60)

    answers = all_at_once(100, reserve)
    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(201) == 1, statuses
    assert statuses.count(409) == 99
    assert {r.json()["error"]["code"] for r in answers if r.status_code == 409} == {"insufficient_stock"}
    # Recomputed here from the records, not from the product's own numbers.
    [(open_reserved,)] = _sql("SELECT COALESCE(SUM(qty), 0) FROM reservation WHERE status = 'open'")
    [(on_hand,)] = _sql("SELECT SUM(qty_base) FROM movement WHERE kind = 'receive'")
    assert (open_reserved, on_hand) == (1, 1)
    [(reserved, available)] = _sql("SELECT reserved, on_hand - reserved - committed FROM stock_total")
    assert (reserved, available) == (1, 0)


def test_price_edit_keeps_the_reservation_while_other_orders_grab_stock(app, client, make_user, live):
    """The 'naive state reset': editing order A's price never frees its stock for order B."""
    small_warehouse()
    boss = make_user("maria", "supervisor")
    erp = make_user("erp", "integration")
    sync(client, boss, [scan("receive", qty=10, to="A-01")])
    auth = {"Authorization": f"Bearer {erp}"}
    created = client.post("/api/v1/orders", json={"number": "SO-A", "lines": [{"item": "SKU-1", "qty": 10, "unit_price": "2.50"}]},
                          headers=auth)
    assert created.get_json()["state"] == "validated"

    def edit_or_order(session, n):
        if n % 2 == 0:
            return session.patch(f"{live.url}/api/v1/orders/SO-A", json={"lines": [{"line": 1, "unit_price": f"{n}.99"}],
                                                                          "notes": f"edit {n}"}, headers=auth, timeout=60)
        return session.post(f"{live.url}/api/v1/orders", json={"number": f"SO-B{n}", "lines": [{"item": "SKU-1", "qty": 1}]},
                            headers=auth, timeout=60)

    answers = all_at_once(40, edit_or_order)
    assert all(r.status_code in (200, 201) for r in answers), [r.text for r in answers if r.status_code >= 300]
    order_a = client.get("/api/v1/orders/SO-A", headers=auth).get_json()
    assert order_a["state"] == "validated"
    assert order_a["lines"][0]["reserved"] == 10
    b_states = {r.json()["state"] for r in answers if r.json().get("number", "").startswith("SO-B")}
    assert b_states == {"backordered"}
    [(reserved,)] = _sql("SELECT reserved FROM stock_total")
    assert reserved == 10


def test_twenty_clients_posting_the_same_batch_apply_each_movement_once(app, client, make_user, live):
    small_warehouse()
    picker = make_user("asha", "picker", "receiver")
    batch = [scan("receive", item="SKU-2", qty=n % 5 + 1, to="A-02") for n in range(50)]
    expected_on_hand = sum(m["qty"] for m in batch)

    def post(session, n):
        return session.post(f"{live.url}/api/v1/sync", json={"device_id": "handheld-9", "movements": batch},
                            headers={"Authorization": f"Bearer {picker}"}, timeout=120)

    answers = all_at_once(20, post)
    assert {r.status_code for r in answers} == {200}
    applied = [res["id"] for r in answers for res in r.json()["results"] if res["status"] == "applied"]
    statuses = {res["status"] for r in answers for res in r.json()["results"]}
    assert statuses <= {"applied", "duplicate"}
    assert sorted(applied) == sorted(m["id"] for m in batch)  # each id applied by exactly one client
    [(count, distinct, total)] = _sql("SELECT COUNT(*), COUNT(DISTINCT id), SUM(qty_base) FROM movement")
    assert (count, distinct, total) == (50, 50, expected_on_hand)
    [(on_hand,)] = _sql("SELECT on_hand FROM stock_total")
    assert on_hand == expected_on_hand
    assert app.test_cli_runner().invoke(args=["ledger", "verify"]).exit_code == 0


def test_server_killed_mid_batch_then_retry_applies_everything_exactly_once(app, client, make_user):
    small_warehouse(items=3)
    picker = make_user("ravi", "receiver")
    batch = [scan("receive", item=f"SKU-{n % 3 + 1}", qty=1, to=f"A-0{n % 4 + 1}") for n in range(500)]
    server = LiveServer(app.config["DATABASE_URL"], workers=1).start()
    outcome = {}

    def post():
        try:
            outcome["response"] = requests.post(f"{server.url}/api/v1/sync", json={"device_id": "h-1", "movements": batch},
                                                headers={"Authorization": f"Bearer {picker}"}, timeout=60)
        except requests.RequestException as err:
            outcome["error"] = err

    # Replay is fast enough that a timed kill could land after the answer: hold what the batch must wait for,
    # so it is still in flight at the kill. SQLite: the write lock (BEGIN IMMEDIATE); PostgreSQL: the lock on one
    # of its movement ids, which a batch takes after its device row and totals (services/locks.py).
    blocker = db.engine.connect()
    held = blocker.begin()
    if not db.is_sqlite:
        blocker.execute(text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), CAST(:key AS integer))"),
                        {"space": _MOVEMENT_ID_LOCKS, "key": _key(batch[-1]["id"])})
    sender = threading.Thread(target=post)
    sender.start()
    import time

    time.sleep(1)  # the batch waits on the blocker: it cannot answer before the kill
    server.kill()
    sender.join()
    held.rollback()
    blocker.close()
    [(after_kill,)] = _sql("SELECT COUNT(*) FROM movement")
    assert "error" in outcome, "the kill must land while the batch is in flight (the client never gets an answer)"
    assert after_kill == 0, "a batch killed before its commit leaves nothing behind"
    server = LiveServer(app.config["DATABASE_URL"], workers=1).start()
    try:
        retry = requests.post(f"{server.url}/api/v1/sync", json={"device_id": "h-1", "movements": batch},
                              headers={"Authorization": f"Bearer {picker}"}, timeout=60)
    finally:
        server.stop()
    assert retry.status_code == 200
    assert {r["status"] for r in retry.json()["results"]} <= {"applied", "duplicate"}
    [(count, distinct)] = _sql("SELECT COUNT(*), COUNT(DISTINCT id) FROM movement")
    assert (count, distinct) == (500, 500)
    assert app.test_cli_runner().invoke(args=["ledger", "verify"]).exit_code == 0
