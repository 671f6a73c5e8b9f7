"""The one lock order, proved with real processes: two gunicorn workers and separate database connections.

On PostgreSQL a circle of waits is a deadlock: the server aborts one transaction (a 500, or a backorder
retry silently lost). The database's own deadlock counter must stay at zero.
"""
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import text

from tests.integration.floor import scan, small_warehouse, stock, sync, verify_clean
from tests.integration.live_server import LiveServer
from webapp.extensions import db
from webapp.services.catalogue import create_location

ROUNDS = 40


def _at_once(*calls) -> list:
    """Start every call at the same instant, each on its own connection."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _deadlocks_after_stopping(server: LiveServer) -> int:
    """PostgreSQL's count of deadlocks it broke in this database (SQLite serialises writers: none)."""
    server.stop()
    if db.is_sqlite:
        return 0
    db.engine.dispose()
    with db.engine.connect() as conn:
        # A backend reports its counters when it exits: wait for the server's connections to be gone.
        others = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                      "AND backend_type = 'client backend' AND pid <> pg_backend_pid()")
        deadline = time.monotonic() + 20
        while conn.execute(others).scalar_one() and time.monotonic() < deadline:
            time.sleep(0.1)
        conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        return conn.execute(text("SELECT deadlocks FROM pg_stat_database "
                                 "WHERE datname = current_database()")).scalar_one()


def _post(url: str, token: str, body: dict):
    return lambda: requests.post(url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=120)


def _order(client, token: str, number: str, *lines: tuple[str, int]) -> str:
    created = client.post("/api/v1/orders", json={"number": number, "lines": [{"item": i, "qty": q} for i, q in lines]},
                          headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 201, created.get_json()
    return created.get_json()["state"]


def test_releasing_orders_retrying_backorders_and_syncing_picks_and_receipts_of_the_same_items_never_deadlock(
        app, client, make_user, live):
    """Each round, at the same instant: two orders released as one walk, a third moved to picking, and two
    devices syncing receipts of those items and picks for those orders; their receipts retry two backorders
    whose items sort the other way round from their age."""
    small_warehouse(items=8)
    with db.unit_of_work() as s:
        for n in range(3, 3 * ROUNDS + 3):
            create_location(s, f"TOTE-{n}", "tote", "WH1")
    boss = make_user("maria", "supervisor")
    assert sync(client, boss, [scan("receive", item=f"SKU-{n}", qty=100_000, to="A-01") for n in range(1, 7)]
                ).status_code == 200
    answers = []
    for r in range(ROUNDS):
        a, b, c, x, y = (f"R{r:03d}-{name}" for name in "ABCXY")
        assert _order(client, boss, a, ("SKU-3", 1), ("SKU-6", 1)) == "validated"
        assert _order(client, boss, b, ("SKU-1", 1), ("SKU-4", 1)) == "validated"
        assert _order(client, boss, c, ("SKU-2", 1), ("SKU-5", 1)) == "validated"
        # Older X holds the higher item: retried oldest first, it is locked before Y's lower item.
        assert _order(client, boss, x, ("SKU-8", stock(client, boss, "SKU-8")["available"] + 1)) == "backordered"
        assert _order(client, boss, y, ("SKU-7", stock(client, boss, "SKU-7")["available"] + 1)) == "backordered"
        device_1 = [scan("receive", item="SKU-1", to="A-01"), scan("receive", item="SKU-6", to="A-01"),
                    scan("receive", item="SKU-7", to="A-01"), scan("receive", item="SKU-8", to="A-01"),
                    scan("pick", item="SKU-4", from_="A-01", to="PACK-1", ref=b),
                    scan("pick", item="SKU-3", from_="A-01", to="PACK-1", ref=a)]
        device_2 = [scan("receive", item="SKU-8", to="A-01"), scan("receive", item="SKU-7", to="A-01"),
                    scan("receive", item="SKU-3", to="A-01"),
                    scan("pick", item="SKU-6", from_="A-01", to="PACK-1", ref=a),
                    scan("pick", item="SKU-2", from_="A-01", to="PACK-1", ref=c),
                    scan("pick", item="SKU-1", from_="A-01", to="PACK-1", ref=b)]
        answers.append(_at_once(
            _post(f"{live.url}/api/v1/pick-tasks", boss, {"orders": [a, b]}),
            _post(f"{live.url}/api/v1/orders/{c}/transition", boss, {"to": "picking"}),
            _post(f"{live.url}/api/v1/sync", boss, {"device_id": "dev-1", "movements": device_1}),
            _post(f"{live.url}/api/v1/sync", boss, {"device_id": "dev-2", "movements": device_2}),
        ))
    deadlocks = _deadlocks_after_stopping(live)

    releases = [(r[0].status_code, r[0].json()) for r in answers] + [(r[1].status_code, r[1].json()) for r in answers]
    # The floor may get there first (a pick moves a validated order to picking): then the release is refused, cleanly.
    wrong = [(code, body) for code, body in releases
             if code not in (200, 201) and (code, body.get("error", {}).get("code")) != (409, "invalid_transition")]
    assert wrong == []
    assert any(code == 201 for code, _ in releases), "no release won a race: the test raced nothing"
    syncs = [r[n] for r in answers for n in (2, 3)]
    assert {s.status_code for s in syncs} == {200}, [s.text for s in syncs if s.status_code != 200]
    assert {res["status"] for s in syncs for res in s.json()["results"]} == {"applied"}
    assert deadlocks == 0

    def states(names: str) -> set[str]:
        auth = {"Authorization": f"Bearer {boss}"}
        return {client.get(f"/api/v1/orders/R{r:03d}-{n}", headers=auth).get_json()["state"]
                for r in range(ROUNDS) for n in names}

    assert states("ABC") == {"picking"}
    assert states("XY") == {"validated"}  # every retry after a receipt went through: none was lost to a deadlock
    verify_clean(app)


def test_two_devices_picking_different_items_for_the_same_orders_in_opposite_order_never_deadlock(
        app, client, make_user, live):
    """Their items do not overlap, so only the order rows are shared: each batch must take them sorted."""
    small_warehouse(items=4)
    boss = make_user("maria", "supervisor")
    assert sync(client, boss, [scan("receive", item=f"SKU-{n}", qty=10_000, to="A-01") for n in range(1, 5)]
                ).status_code == 200
    answers = []
    for r in range(ROUNDS):
        first, second = f"P{r:03d}-1", f"P{r:03d}-2"
        _order(client, boss, first, ("SKU-1", 1), ("SKU-2", 1))
        _order(client, boss, second, ("SKU-3", 1), ("SKU-4", 1))
        device_1 = [scan("pick", item="SKU-1", from_="A-01", to="PACK-1", ref=first),
                    scan("pick", item="SKU-3", from_="A-01", to="PACK-1", ref=second)]
        device_2 = [scan("pick", item="SKU-4", from_="A-01", to="PACK-1", ref=second),
                    scan("pick", item="SKU-2", from_="A-01", to="PACK-1", ref=first)]
        answers += _at_once(_post(f"{live.url}/api/v1/sync", boss, {"device_id": "dev-1", "movements": device_1}),
                            _post(f"{live.url}/api/v1/sync", boss, {"device_id": "dev-2", "movements": device_2}))
    assert _deadlocks_after_stopping(live) == 0
    assert {r.status_code for r in answers} == {200}, [r.text for r in answers if r.status_code != 200]
    assert {res["status"] for r in answers for res in r.json()["results"]} == {"applied"}
    assert stock(client, boss, "SKU-1")["committed"] == ROUNDS
    verify_clean(app)


DEVICES = 8


def test_the_same_scans_sent_from_eight_devices_at_once_are_applied_once_in_total(app, client, make_user, live):
    small_warehouse()
    receiver = make_user("asha", "receiver")
    batch = [scan("receive", item="SKU-2", qty=n % 5 + 1, to="A-02") for n in range(50)]

    answers = _at_once(*(_post(f"{live.url}/api/v1/sync", receiver, {"device_id": f"dock-{k}", "movements": batch})
                         for k in range(DEVICES)))
    assert _deadlocks_after_stopping(live) == 0
    assert {r.status_code for r in answers} == {200}, [r.text for r in answers if r.status_code != 200]
    results = [res for r in answers for res in r.json()["results"]]
    assert sorted(res["id"] for res in results if res["status"] == "applied") == sorted(m["id"] for m in batch)
    assert sorted(res["id"] for res in results if res["status"] == "duplicate") == \
        sorted(m["id"] for m in batch for _ in range(DEVICES - 1))
    assert stock(client, receiver, "SKU-2")["on_hand"] == sum(m["qty"] for m in batch)
    verify_clean(app)


def test_one_id_sent_with_different_content_from_eight_devices_at_once_is_applied_once_and_a_conflict_elsewhere(
        app, client, make_user, live):
    """Each device scans a different item under the same ids, in its own order: the items do not overlap, so
    nothing but the unique movement id stands between the batches."""
    small_warehouse(items=DEVICES)
    receiver = make_user("asha", "receiver")
    ids = [f"shared-{n:02d}" for n in range(30)]
    batches = []
    for k in range(DEVICES):
        order = random.Random(k).sample(ids, len(ids))
        batches.append([{"id": movement_id, "device_seq": order.index(movement_id) + 1, "kind": "receive",
                         "item": f"SKU-{k + 1}", "qty": k + 1, "to": "A-01", "occurred_at": "2026-11-25T10:00:00Z"}
                        for movement_id in order])

    answers = _at_once(*(_post(f"{live.url}/api/v1/sync", receiver, {"device_id": f"dock-{k}", "movements": batches[k]})
                         for k in range(DEVICES)))
    assert _deadlocks_after_stopping(live) == 0
    assert {r.status_code for r in answers} == {200}, [r.text for r in answers if r.status_code != 200]
    outcomes = [(k, res) for k, r in enumerate(answers) for res in r.json()["results"]]
    applied = [res["id"] for _, res in outcomes if res["status"] == "applied"]
    assert sorted(applied) == ids  # each id exactly once, whoever won it
    others = [res for _, res in outcomes if res["status"] != "applied"]
    assert len(others) == len(ids) * (DEVICES - 1)
    assert {(res["status"], res["error"]["code"]) for res in others} == {("rejected", "idempotency_conflict")}
    # Each device's item holds exactly what that device won.
    for k in range(DEVICES):
        won = sum(1 for j, res in outcomes if j == k and res["status"] == "applied")
        assert stock(client, receiver, f"SKU-{k + 1}")["on_hand"] == won * (k + 1)
    verify_clean(app)
