"""Counts under concurrency, through two gunicorn worker processes and real separate connections."""
import requests

from tests.integration.floor import scan, small_warehouse, sync, verify_clean
from tests.integration.live_server import all_at_once
from tests.integration.test_concurrency import _sql


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_twenty_supervisors_counting_the_same_empty_bin_at_once_make_one_count(app, client, make_user, live):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    assert sync(client, boss, [scan("receive", qty=10, to="A-01")]).status_code == 200

    def create(session: requests.Session, n: int):
        return session.post(f"{live.url}/api/v1/counts", json={"locations": ["A-02"], "note": f"try {n}"},
                            headers=_auth(boss), timeout=60)

    statuses = sorted(r.status_code for r in all_at_once(20, create))
    assert statuses == [201] + [409] * 19, statuses
    assert _sql("SELECT COUNT(*) FROM count_location")[0][0] == 1


def test_one_line_approved_at_once_by_many_posts_one_adjustment(app, client, make_user, live):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    other = make_user("sue", "supervisor")
    counter = make_user("cory", "counter")
    assert sync(client, boss, [scan("receive", qty=100, to="A-01")], device_id="boss").status_code == 200
    count = client.post("/api/v1/counts", json={"locations": ["A-01"]}, headers=_auth(boss)).get_json()
    counted = sync(client, counter, [scan("count", qty=60, to="A-01", ref=str(count["id"]))], device_id="c1")
    assert counted.get_json()["results"][0]["status"] == "applied"
    [line] = client.post(f"/api/v1/counts/{count['id']}/close", headers=_auth(boss)).get_json()["lines"]
    assert line["status"] == "needs_signoff"

    def approve(session: requests.Session, n: int):
        return session.post(f"{live.url}/api/v1/counts/{count['id']}/lines/{line['line']}/approve",
                            json={"reason": "theft"}, headers=_auth(boss if n % 2 else other), timeout=60)

    answers = all_at_once(20, approve)
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [200] + [409] * 19, [(r.status_code, r.text[:200]) for r in answers]
    assert _sql("SELECT kind, qty_base FROM movement WHERE ref = :r AND kind LIKE 'adjust%'", r=str(count["id"])) == [
        ("adjust_out", 40)]
    [(qty,)] = _sql("SELECT qty FROM stock_level")
    assert qty == 60
    verify_clean(app)
