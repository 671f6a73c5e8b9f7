"""Work to do on a fresh demo: some orders are released already, the rest are listed for a supervisor to
release, and releasing them from the app makes a pick walk."""
from sqlalchemy import select

from tests.conftest import bearer
from webapp.db.order_tables import SalesOrder
from webapp.extensions import db
from webapp.services.demo import seed_demo
from webapp.services.users import issue_token


def token(username: str) -> dict:
    with db.unit_of_work() as s:
        return bearer(issue_token(s, username))


def test_a_fresh_demo_gives_a_new_picker_pick_tasks_and_leaves_orders_to_release(app, client):
    with db.unit_of_work() as s:
        seed_demo(s)
    with db.unit_of_work() as s:
        seed_demo(s)  # idempotent: a second run releases nothing more
        states = dict(s.execute(select(SalesOrder.number, SalesOrder.state)).tuples().all())
    assert [n for n, st in sorted(states.items()) if st == "picking"] == ["SO-10041", "SO-10042", "SO-10043"]
    tasks = client.get("/api/v1/tasks", headers=token("asha")).get_json()["tasks"]
    assert sorted(o for t in tasks for o in t["orders"]) == ["SO-10041", "SO-10042", "SO-10043"]

    waiting = client.get("/api/v1/orders?state=validated", headers=token("maria")).get_json()
    assert [o["number"] for o in waiting["items"]] == ["SO-10045", "SO-10044"]  # newest first (CONTRACT.md)
    assert all(o["lines"] >= 1 and o["units"] >= 1 for o in waiting["items"])
    released = client.post("/api/v1/pick-tasks", json={"orders": ["SO-10044", "SO-10045"]},
                           headers={**token("maria"), "Idempotency-Key": "release-1"})
    assert released.status_code == 201 and released.get_json()["orders"] == ["SO-10044", "SO-10045"]
    assert client.get("/api/v1/orders?state=validated", headers=token("maria")).get_json()["items"] == []


def test_listing_orders_by_an_unknown_state_is_a_clear_400(app, client):
    with db.unit_of_work() as s:
        seed_demo(s)
    response = client.get("/api/v1/orders?state=lost", headers=token("maria"))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_field"
    assert client.get("/api/v1/orders", headers=token("asha")).status_code == 403  # pickers do not release
