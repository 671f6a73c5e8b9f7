"""Idempotency-Key on creating POSTs without a natural key (CONTRACT.md, "Conventions").

The same key with the same body within 24 hours answers the original status and body and creates
nothing; another body → 409 idempotency_conflict; keys are per person; the key is stored in the same
transaction as what the request created; racing requests with the same key create once.
"""
import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select, text

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, stock, sync
from tests.integration.live_server import LiveServer
from tests.integration.test_role_matrix import KNOWN_BODIES, operations


@pytest.fixture
def boss(app, client, make_user):
    """WH1 with 100 of SKU-1 in A-01 and 50 of SKU-2 in A-02, order SO-1 picked into a tote; a supervisor's token."""
    small_warehouse()
    token = make_user("maria", "supervisor")
    done = sync(client, token, [scan("receive", "SKU-1", 100, to="A-01"), scan("receive", "SKU-2", 50, to="A-02")])
    assert [r["status"] for r in done.get_json()["results"]] == ["applied", "applied"]
    order = client.post("/api/v1/orders", json={"number": "SO-1", "lines": [{"item": "SKU-1", "qty": 2}]},
                        headers=bearer(token))
    assert order.status_code == 201
    return token


def keyed(token: str, key: str) -> dict:
    return {**bearer(token), "Idempotency-Key": key}


def row_counts() -> dict:
    from webapp.db.tables import metadata
    from webapp.extensions import db

    with db.unit_of_work() as s:
        return {name: s.scalar(select(func.count()).select_from(table)) for name, table in metadata.tables.items()}


def ledger_on_hand(item_sku: str) -> int:
    """Recomputed here from the movements, not read from the product's projection."""
    from webapp.extensions import db

    with db.engine.connect() as conn:
        return conn.execute(text(
            "SELECT COALESCE(SUM(CASE WHEN m.to_location_id IS NOT NULL AND m.kind IN ('receive','adjust_in') "
            "THEN m.qty_base WHEN m.kind = 'adjust_out' THEN -m.qty_base ELSE 0 END), 0) "
            "FROM movement m JOIN item i ON i.id = m.item_id WHERE i.sku = :sku"), {"sku": item_sku}).scalar()


ADJUSTMENT = {"item": "SKU-1", "location": "A-01", "qty": 5, "reason": "found"}


def test_a_retried_adjustment_does_not_double_stock(client, boss):
    key = str(uuid.uuid4())
    first = client.post("/api/v1/adjustments", json=ADJUSTMENT, headers=keyed(boss, key))
    assert first.status_code == 201, first.get_json()
    # The answer was lost at the desk; the client sends the same request again with the same key.
    again = client.post("/api/v1/adjustments", json=ADJUSTMENT, headers=keyed(boss, key))
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert ledger_on_hand("SKU-1") == 105
    assert stock(client, boss)["on_hand"] == 105


def test_the_same_key_with_another_body_is_409_idempotency_conflict_and_creates_nothing(client, boss):
    key = "retry-1"
    assert client.post("/api/v1/adjustments", json=ADJUSTMENT, headers=keyed(boss, key)).status_code == 201
    before = row_counts()
    for url, body in (("/api/v1/adjustments", {**ADJUSTMENT, "qty": 6}),
                      ("/api/v1/reservations", {"item": "SKU-2", "qty": 1, "ref": "R-1"})):
        response = client.post(url, json=body, headers=keyed(boss, key))
        assert response.status_code == 409, response.get_json()
        assert response.get_json()["error"]["code"] == "idempotency_conflict"
    assert row_counts() == before
    # The same body with its keys in another order and other spacing is the same request.
    reordered = json.dumps(dict(reversed(list(ADJUSTMENT.items()))), indent=2)
    replay = client.post("/api/v1/adjustments", data=reordered, content_type="application/json",
                         headers=keyed(boss, key))
    assert replay.status_code == 201 and replay.headers.get("Idempotent-Replayed") == "true"
    assert row_counts() == before


def test_keys_are_per_person(client, boss, make_user):
    other = make_user("ravi", "supervisor")
    mine = client.post("/api/v1/adjustments", json=ADJUSTMENT, headers=keyed(boss, "shared-key"))
    theirs = client.post("/api/v1/adjustments", json=ADJUSTMENT, headers=keyed(other, "shared-key"))
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.get_json()["seq"] != theirs.get_json()["seq"]
    assert ledger_on_hand("SKU-1") == 110


def test_every_creating_post_without_a_natural_key_answers_a_retry_from_its_key(client, boss):
    document = client.get("/api/v1/openapi.json").get_json()
    keyed_operations = {(method, path) for method, path, operation in operations(document)
                        if any(p["name"] == "Idempotency-Key" and p["in"] == "header"
                               for p in operation.get("parameters", []))}
    creating = {("post", "/api/v1/adjustments"), ("post", "/api/v1/reservations"), ("post", "/api/v1/cartons"),
                ("post", "/api/v1/pick-tasks")}
    assert creating <= keyed_operations
    # An order of its own for the endpoints under one order (SO-1 goes to the floor, where lines are fixed).
    desk_order = client.post("/api/v1/orders", json={"number": "SO-DESK", "lines": [{"item": "SKU-1", "qty": 1}]},
                             headers=bearer(boss))
    assert desk_order.status_code == 201, desk_order.get_json()
    # Releasing SO-1 to the floor first puts it in picking, so that a carton may be opened for it.
    for method, path in sorted(keyed_operations, key=lambda op: (op[1] != "/api/v1/pick-tasks", op)):
        body, key = KNOWN_BODIES[(method, path)]("retry"), f"key-{path}"
        url = path.replace("{number}", "SO-DESK")
        first = client.open(url, method=method.upper(), json=body, headers=keyed(boss, key))
        assert first.status_code == 201, (path, first.get_json())
        before = row_counts()
        again = client.open(url, method=method.upper(), json=body, headers=keyed(boss, key))
        assert (again.status_code, again.get_json()) == (201, first.get_json()), path
        assert row_counts() == before, path


@pytest.mark.parametrize("key", ["", "k" * 65, "tab\there"])
def test_a_key_that_is_empty_too_long_or_not_printable_is_400_and_creates_nothing(client, boss, key):
    before = row_counts()
    response = client.post("/api/v1/adjustments", json=ADJUSTMENT, headers=keyed(boss, key))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_idempotency_key"
    assert row_counts() == before
    assert client.post("/api/v1/adjustments", json=ADJUSTMENT, headers=keyed(boss, "k" * 64)).status_code == 201


def test_a_key_is_forgotten_after_24_hours(client, boss):
    from webapp.extensions import db

    first = client.post("/api/v1/adjustments", json=ADJUSTMENT, headers=keyed(boss, "old-key"))
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE idempotency_key SET created_at = :t"), {"t": "2000-01-01 00:00:00+00:00"})
    later = client.post("/api/v1/adjustments", json=ADJUSTMENT, headers=keyed(boss, "old-key"))
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert later.get_json()["seq"] != first.get_json()["seq"]
    assert ledger_on_hand("SKU-1") == 110


def test_a_refused_request_stores_no_answer_so_its_retry_can_succeed_later(client, boss):
    body = {"item": "SKU-2", "qty": 60, "ref": "BIG-HOLD"}
    refused = client.post("/api/v1/reservations", json=body, headers=keyed(boss, "hold-1"))
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "insufficient_stock"
    sync(client, boss, [scan("receive", "SKU-2", 10, to="A-02")])
    retried = client.post("/api/v1/reservations", json=body, headers=keyed(boss, "hold-1"))
    assert retried.status_code == 201, retried.get_json()
    assert stock(client, boss, "SKU-2")["reserved"] == 60


def test_the_key_and_what_it_created_commit_together_or_not_at_all(client, boss, monkeypatch):
    from webapp.services import idempotency

    before = row_counts()

    def fail(*args, **kwargs):
        raise RuntimeError("the server failed after the adjustment was posted, before its answer was kept")

    monkeypatch.setattr(idempotency, "record_answer", fail)
    response = client.post("/api/v1/adjustments", json=ADJUSTMENT, headers=keyed(boss, "atomic"))
    assert response.status_code == 500
    assert row_counts() == before  # no movement without its key, no key without its movement
    monkeypatch.undo()
    assert client.post("/api/v1/adjustments", json=ADJUSTMENT, headers=keyed(boss, "atomic")).status_code == 201
    assert ledger_on_hand("SKU-1") == 105


def test_twenty_racing_retries_with_one_key_create_one_adjustment(app, client, boss):
    """Real concurrent requests through two server processes; the unique constraint decides the winner."""
    server = LiveServer(app.config["DATABASE_URL"]).start()
    try:
        barrier = threading.Barrier(20)

        def post(_):
            session = requests.Session()
            barrier.wait()
            return session.post(f"{server.url}/api/v1/adjustments", json=ADJUSTMENT,
                                headers=keyed(boss, "race-key"), timeout=120)

        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(pool.map(post, range(20)))
    finally:
        server.stop()
    assert {r.status_code for r in answers} == {201}, [r.text for r in answers if r.status_code != 201]
    assert len({r.json()["seq"] for r in answers}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in answers) == 19
    assert ledger_on_hand("SKU-1") == 105
    assert app.test_cli_runner().invoke(args=["ledger", "verify"]).exit_code == 0
