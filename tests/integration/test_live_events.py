"""Events for live screens: written in the same transaction as what they report (services/events.py), told to
other processes with NOTIFY at commit on PostgreSQL, to this process's fan-out on SQLite."""
import json

import psycopg
import pytest
from sqlalchemy import select

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, sync
from webapp.db.event_tables import Event
from webapp.db.ledger_tables import Movement
from webapp.extensions import db
from webapp.services import events


def stored_events(topic: str | None = None) -> list[Event]:
    with db.unit_of_work() as s:
        query = select(Event).order_by(Event.seq)
        if topic:
            query = query.where(Event.topic == topic)
        return list(s.scalars(query))


@pytest.fixture
def floor(app, client, make_user):
    small_warehouse()
    return {"boss": make_user("boss", "admin")}


def test_every_applied_movement_and_the_exception_it_raised_is_an_event_and_a_rejected_one_is_not(client, floor):
    answer = sync(client, floor["boss"], [scan("receive", "SKU-1", 5, to="A-01"),
                                          scan("transfer", "SKU-2", 1, from_="A-03", to="A-04"),
                                          scan("receive", "NO-SUCH-ITEM", 1, to="A-01")]).get_json()
    assert [r["status"] for r in answer["results"]] == ["applied", "applied", "rejected"]
    with db.unit_of_work() as s:
        ledger_seqs = sorted(s.scalars(select(Movement.seq)))
        wh1 = s.scalar(select(Movement.warehouse_id))
    moved = stored_events("movements")
    assert sorted(json.loads(e.data)["seq"] for e in moved) == ledger_seqs == sorted(r["seq"] for r in answer["results"][:2])
    receive = json.loads(moved[0].data)
    assert (receive["kind"], receive["item"], receive["qty_base"], receive["to"]) == ("receive", "SKU-1", 5, "A-01")
    assert moved[0].warehouse_id == wh1
    [raised] = stored_events("exceptions")
    assert json.loads(raised.data)["code"] == "negative_stock" and raised.warehouse_id == wh1


def test_an_order_step_and_a_count_are_events(client, floor):
    sync(client, floor["boss"], [scan("receive", "SKU-1", 5, to="A-01")])
    assert client.post("/api/v1/orders", json={"number": "SO-1", "lines": [{"item": "SKU-1", "qty": 2}]},
                       headers=bearer(floor["boss"])).status_code == 201
    steps = [json.loads(e.data) for e in stored_events("orders")]
    assert [(s["number"], s["to"]) for s in steps][-1] == ("SO-1", "validated")
    count = client.post("/api/v1/counts", json={"locations": ["A-02"]}, headers=bearer(floor["boss"]))
    assert count.status_code == 201, count.get_json()
    [created] = [json.loads(e.data) for e in stored_events("counts")]
    assert created == {"id": count.get_json()["id"], "state": "counting", "origin": created["origin"]}
    closed = client.post(f"/api/v1/counts/{created['id']}/close", headers=bearer(floor["boss"]))
    assert closed.status_code == 200, closed.get_json()
    changed = [json.loads(e.data) for e in stored_events("counts")][1:]
    assert changed == [{"id": created["id"], "state": closed.get_json()["state"], "was": "counting"}]


def test_work_that_is_rolled_back_leaves_no_event_and_tells_nobody(app, floor):
    heard = []
    stop = events.on_commit_in_process(heard.append)
    with pytest.raises(RuntimeError):
        with db.unit_of_work() as s:
            events.publish(s, "alerts", None, {"text": "never"})
            s.flush()
            raise RuntimeError("undone")
    with db.unit_of_work() as s:
        with pytest.raises(RuntimeError):
            with s.begin_nested():
                events.publish(s, "alerts", None, {"text": "undone savepoint"})
                s.flush()
                raise RuntimeError("undone alone")
        events.publish(s, "alerts", None, {"text": "kept"})
    stop()
    assert [json.loads(e.data)["text"] for e in stored_events("alerts")] == ["kept"]
    if db.is_sqlite:
        assert [[m["data"]["text"] for m in batch] for batch in heard if batch] == [["kept"]]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # NOTIFY is PostgreSQL's; SQLite fans out in process (test above)
def test_on_postgresql_a_listener_hears_each_event_seq_at_commit_and_not_before(app, database_url, floor):
    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as listener:
        listener.execute(f"LISTEN {events.CHANNEL}")
        with db.unit_of_work() as s:
            first = events.publish(s, "alerts", None, {"n": 1})
            second = events.publish(s, "alerts", None, {"n": 2})
            s.flush()
            assert list(listener.notifies(timeout=0.3, stop_after=1)) == []  # not before commit
        heard = [n.payload for n in listener.notifies(timeout=2, stop_after=2)]
    assert heard == [str(first.seq), str(second.seq)]
