"""The same movement id racing in from several devices at once: the unique constraint decides, not a lookup.

Each device has its own lock, so nothing serialises these batches but the database itself.
"""

from sqlalchemy import text

from tests.integration.floor import scan, small_warehouse
from tests.integration.live_server import all_at_once
from webapp.extensions import db


def _sql(query: str):
    with db.engine.connect() as conn:
        return conn.execute(text(query)).all()


def test_the_same_batch_from_twelve_devices_at_once_applies_each_movement_once(app, client, make_user, live):
    small_warehouse()
    ravi = make_user("ravi", "receiver")
    batch = [scan("receive", item=f"SKU-{n % 3 + 1}", qty=n % 4 + 1, to="A-02") for n in range(40)]

    def post(session, n):
        return session.post(f"{live.url}/api/v1/sync", json={"device_id": f"handheld-{n}", "movements": batch},
                            headers={"Authorization": f"Bearer {ravi}"}, timeout=120)

    answers = all_at_once(12, post)
    assert {r.status_code for r in answers} == {200}, [r.text for r in answers if r.status_code != 200]
    results = [res for r in answers for res in r.json()["results"]]
    assert {res["status"] for res in results} <= {"applied", "duplicate"}, results
    assert sorted(res["id"] for res in results if res["status"] == "applied") == sorted(m["id"] for m in batch)
    seq_of = {res["id"]: res["seq"] for res in results if res["status"] == "applied"}
    assert all(res["seq"] == seq_of[res["id"]] for res in results)  # a duplicate names the one applied row
    [(count, total)] = _sql("SELECT COUNT(*), SUM(qty_base) FROM movement")
    assert (count, total) == (40, sum(m["qty"] for m in batch))
    assert app.test_cli_runner().invoke(args=["ledger", "verify"]).exit_code == 0


def test_one_id_with_different_content_from_twelve_devices_at_once_applies_one_and_refuses_the_rest(
        app, client, make_user, live):
    small_warehouse()
    ravi = make_user("ravi", "receiver")
    movement = scan("receive", qty=1, to="A-01")

    def post(session, n):
        return session.post(f"{live.url}/api/v1/sync",
                            json={"device_id": f"handheld-{n}", "movements": [{**movement, "qty": n + 1}]},
                            headers={"Authorization": f"Bearer {ravi}"}, timeout=120)

    answers = all_at_once(12, post)
    assert {r.status_code for r in answers} == {200}, [r.text for r in answers if r.status_code != 200]
    results = [r.json()["results"][0] for r in answers]
    applied = [res for res in results if res["status"] == "applied"]
    assert len(applied) == 1, results
    refused = [res for res in results if res["status"] == "rejected"]
    assert len(refused) == 11 and {res["error"]["code"] for res in refused} == {"idempotency_conflict"}
    assert {res["error"]["seq"] for res in refused} == {applied[0]["seq"]}
    [(count, total)] = _sql("SELECT COUNT(*), SUM(qty_base) FROM movement")
    winner = answers.index(next(r for r in answers if r.json()["results"][0]["status"] == "applied"))
    assert (count, total) == (1, winner + 1)  # the content of the one that won, whole
    assert app.test_cli_runner().invoke(args=["ledger", "verify"]).exit_code == 0
