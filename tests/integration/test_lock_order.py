"""The one lock order, proved with real processes: two gunicorn workers and separate database connections.

On PostgreSQL a circle of waits is a deadlock: the server aborts one transaction (a 500, or a backorder
retry silently lost). The database's own deadlock counter must stay at zero.
"""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import text

from tests.integration.floor import scan, small_warehouse, stock, sync, verify_clean
from tests.integration.live_server import LiveServer
from webapp.extensions import db
from webapp.services.catalogue import create_location

ROUNDS = 40


@pytest.fixture
def live(app):
    server = LiveServer(app.config["DATABASE_URL"]).start()
    yield server
    server.stop()


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
        deadline = time.monotonic() + 20
        while conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND pid <> pg_backend_pid()")).scalar_one() and time.monotonic() < deadline:
            time.sleep(0.1)
        conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        return conn.execute(text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")).scalar_one()


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
                    scan("receive", item="SKU-3", to="A-01"), scan("pick", item="SKU-6", from_="A-01", to="PACK-1", ref=a),
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
    states = {client.get(f"/api/v1/orders/R{r:03d}-{n}", headers={"Authorization": f"Bearer {boss}"}).get_json()["state"]
              for r in range(ROUNDS) for n in "ABC"}
    assert states == {"picking"}
    verify_clean(app)
