"""Reorder drafts on SQLite and PostgreSQL: grouped by supplier, edited, approved into a real purchase order; nothing
ordered or in transit before approval; the dynamic point reads the warehouse's own calendar days."""
import threading
from datetime import datetime, timezone

from tests.conftest import bearer
from tests.integration.floor import scan, second_warehouse, small_warehouse, stock, sync, verify_clean
from webapp.extensions import db


def _buyer_setup(client, make_user):
    """SKU-1 from SUP (point 10, reorder qty 24), SKU-2 from FAST (point 5), SKU-3 with no supplier (point 3)."""
    small_warehouse()
    admin, boss = make_user("ada", "admin"), make_user("boss", "supervisor")
    assert client.post("/api/v1/suppliers", json={"code": "FAST", "name": "Fast Parts", "lead_time_days": 2},
                       headers=bearer(admin)).status_code == 201
    for sku, fields in (("SKU-1", {"supplier": "SUP", "reorder_point": 10, "reorder_qty": 24, "unit_cost": 2.5}),
                        ("SKU-2", {"supplier": "FAST", "reorder_point": 5}),
                        ("SKU-3", {"reorder_point": 3})):
        response = client.patch(f"/api/v1/items/{sku}", json=fields, headers=bearer(admin))
        assert response.status_code == 200, response.get_json()
    received = sync(client, boss, [scan("receive", "SKU-1", 4, to="A-01"), scan("receive", "SKU-3", 1, to="A-03")])
    assert [r["status"] for r in received.get_json()["results"]] == ["applied", "applied"]
    return admin, boss


def _drafts(client, token, **body):
    response = client.post("/api/v1/reorder/drafts", json=body, headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_drafts_are_grouped_by_supplier_and_nothing_is_ordered_or_in_transit_until_a_supervisor_approves(
        client, make_user, app):
    admin, boss = _buyer_setup(client, make_user)
    made = _drafts(client, boss)
    by_supplier = {d["supplier"]: [(l["item"], l["qty"], l["reorder_point"], l["position"]) for l in d["lines"]]
                   for d in made["drafts"]}
    assert by_supplier == {"SUP": [("SKU-1", 24, 10, 4)], "FAST": [("SKU-2", 6, 5, 0)], None: [("SKU-3", 3, 3, 1)]}
    assert made["without_supplier"] == [{"warehouse": "WH1", "item": "SKU-3"}]
    # Drafted is not ordered: no purchase order, nothing in transit.
    assert client.get("/api/v1/purchase-orders", headers=bearer(boss)).get_json()["items"] == []
    assert stock(client, boss, "SKU-1")["in_transit"] == 0
    drafts = {d["supplier"]: d for d in client.get("/api/v1/reorder/drafts", headers=bearer(boss)).get_json()["items"]}
    assert set(drafts) == {"SUP", "FAST", None}

    edited = client.patch(f"/api/v1/reorder/drafts/{drafts['SUP']['id']}",
                          json={"lines": [{"item": "SKU-1", "qty": 30}]}, headers=bearer(boss))
    assert edited.status_code == 200 and edited.get_json()["lines"][0]["qty"] == 30
    assert edited.get_json()["lines"][0]["suggested"] == 24
    assert stock(client, boss, "SKU-1")["in_transit"] == 0

    approved = client.post(f"/api/v1/reorder/drafts/{drafts['SUP']['id']}/approve", headers=bearer(admin))
    assert approved.status_code == 200, approved.get_json()
    number = approved.get_json()["purchase_order"]
    po = client.get(f"/api/v1/purchase-orders/{number}", headers=bearer(boss)).get_json()
    assert (po["supplier"], po["state"], [(l["item"], l["ordered"], l["open"]) for l in po["lines"]]) == \
        ("SUP", "open", [("SKU-1", 30, 30)])
    assert stock(client, boss, "SKU-1")["in_transit"] == 30
    assert stock(client, boss, "SKU-2")["in_transit"] == 0  # FAST's draft is still only a draft

    again = client.post(f"/api/v1/reorder/drafts/{drafts['SUP']['id']}/approve", headers=bearer(boss))
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "draft_not_open")
    no_supplier = client.post(f"/api/v1/reorder/drafts/{drafts[None]['id']}/approve", headers=bearer(boss))
    assert (no_supplier.status_code, no_supplier.get_json()["error"]["code"]) == (409, "no_supplier")

    # Drafting again suggests nothing new: SKU-1 is on its way, the others already wait on open drafts.
    assert _drafts(client, boss)["drafts"] == []
    assert client.delete(f"/api/v1/reorder/drafts/{drafts['FAST']['id']}", headers=bearer(boss)).status_code == 204
    assert stock(client, boss, "SKU-2")["in_transit"] == 0
    assert [d["supplier"] for d in client.get("/api/v1/reorder/drafts?state=discarded",
                                              headers=bearer(boss)).get_json()["items"]] == ["FAST"]
    assert [p["number"] for p in client.get("/api/v1/purchase-orders", headers=bearer(boss)).get_json()["items"]] == \
        [number]
    # Once discarded, FAST's item is below its point again and is drafted anew.
    assert [d["supplier"] for d in _drafts(client, boss)["drafts"]] == ["FAST"]
    verify_clean(app)


def test_a_draft_line_can_be_removed_and_a_draft_with_no_lines_cannot_be_approved(client, make_user):
    _, boss = _buyer_setup(client, make_user)
    sup = next(d for d in _drafts(client, boss)["drafts"] if d["supplier"] == "SUP")
    bad = client.patch(f"/api/v1/reorder/drafts/{sup['id']}", json={"lines": [{"item": "SKU-1", "qty": 0}]},
                       headers=bearer(boss))
    assert (bad.status_code, bad.get_json()["error"]["code"]) == (400, "invalid_quantity")
    stranger = client.patch(f"/api/v1/reorder/drafts/{sup['id']}", json={"remove": ["SKU-2"]}, headers=bearer(boss))
    assert (stranger.status_code, stranger.get_json()["error"]["code"]) == (404, "not_on_draft")
    removed = client.patch(f"/api/v1/reorder/drafts/{sup['id']}", json={"remove": ["SKU-1"]}, headers=bearer(boss))
    assert removed.status_code == 200 and removed.get_json()["lines"] == []
    empty = client.post(f"/api/v1/reorder/drafts/{sup['id']}/approve", headers=bearer(boss))
    assert (empty.status_code, empty.get_json()["error"]["code"]) == (409, "draft_empty")
    assert client.get("/api/v1/reorder/drafts/99999999999", headers=bearer(boss)).status_code in (404, 405)
    assert client.delete("/api/v1/reorder/drafts/99999999999", headers=bearer(boss)).status_code == 404


def test_two_supervisors_approving_the_same_draft_at_once_make_one_purchase_order(client, make_user, app):
    _, boss = _buyer_setup(client, make_user)
    other = make_user("bea", "supervisor")
    sup = next(d for d in _drafts(client, boss)["drafts"] if d["supplier"] == "SUP")
    answers, start = [], threading.Barrier(2)

    def approve(token):
        with app.test_client() as own:
            start.wait()
            answers.append(own.post(f"/api/v1/reorder/drafts/{sup['id']}/approve", headers=bearer(token)).status_code)

    threads = [threading.Thread(target=approve, args=(t,)) for t in (boss, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [200, 409]
    assert len(client.get("/api/v1/purchase-orders", headers=bearer(boss)).get_json()["items"]) == 1
    assert stock(client, boss, "SKU-1")["in_transit"] == 24


def test_the_dynamic_point_counts_dispatches_by_the_warehouses_own_calendar_days(client, make_user, app):
    """Paris is UTC+1 in November: 23:30 UTC on the 25th is already the 26th there, and 23:30 UTC on the 26th is
    the 27th (today, not over, so not counted)."""
    from webapp.services.reorder import DraftRequest, generate_drafts

    small_warehouse()
    second_warehouse()
    admin, boss = make_user("ada", "admin"), make_user("boss", "supervisor")
    client.post("/api/v1/suppliers", json={"code": "SLOW", "name": "Slow", "lead_time_days": 3}, headers=bearer(admin))
    client.patch("/api/v1/items/SKU-1", json={"supplier": "SLOW", "reorder_point": 0}, headers=bearer(admin))
    moved = sync(client, boss, [scan("receive", "SKU-1", 15, to="B-01"),
                                scan("dispatch", "SKU-1", 10, from_="B-01", occurred_at="2026-11-25T23:30:00Z"),
                                scan("dispatch", "SKU-1", 1, from_="B-01", occurred_at="2026-11-26T23:30:00Z")])
    assert [r["status"] for r in moved.get_json()["results"]] == ["applied"] * 3, moved.get_json()
    now = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)
    with db.unit_of_work() as s:
        static = generate_drafts(s, DraftRequest("WH2", "static", 1), None, now)
        assert static["drafts"] == []  # available 4 is not below a static point of 0
        made = generate_drafts(s, DraftRequest("WH2", "dynamic", 1), None, now)
    # 10 issued on the 26th (Paris) → 10 a day × 3 days' lead time = 30; available 4 → 27 brings it to 31.
    assert [(d["supplier"], d["warehouse"], [(l["item"], l["reorder_point"], l["position"], l["qty"])
                                             for l in d["lines"]]) for d in made["drafts"]] == \
        [("SLOW", "WH2", [("SKU-1", 30, 4, 27)])]
    assert stock(client, boss, "SKU-1")["in_transit"] == 0
    # No warehouse named: every warehouse is drafted, each on its own draft; SKU-1 already waits on WH2's.
    client.patch("/api/v1/items/SKU-2", json={"supplier": "SLOW", "safety_stock": 5}, headers=bearer(admin))
    with db.unit_of_work() as s:
        everywhere = generate_drafts(s, DraftRequest(None, "dynamic", 1), None, now)
    assert everywhere["warehouses"] == ["WH1", "WH2"]
    assert [(d["warehouse"], d["supplier"], [(l["item"], l["qty"]) for l in d["lines"]])
            for d in everywhere["drafts"]] == [("WH1", "SLOW", [("SKU-2", 6)]), ("WH2", "SLOW", [("SKU-2", 6)])]
    verify_clean(app)


def test_making_drafts_again_with_the_same_idempotency_key_makes_them_once(client, make_user):
    _, boss = _buyer_setup(client, make_user)
    headers = {**bearer(boss), "Idempotency-Key": "reorder-press-1"}
    first = client.post("/api/v1/reorder/drafts", json={}, headers=headers)
    again = client.post("/api/v1/reorder/drafts", json={}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true" and again.get_json() == first.get_json()
    assert len(client.get("/api/v1/reorder/drafts", headers=bearer(boss)).get_json()["items"]) == 3


def test_two_supervisors_making_drafts_at_once_draft_each_item_once(client, make_user, app):
    _, boss = _buyer_setup(client, make_user)
    other = make_user("bea", "supervisor")
    start = threading.Barrier(2)
    answers = []

    def make(token):
        with app.test_client() as own:
            start.wait()
            answers.append(own.post("/api/v1/reorder/drafts", json={}, headers=bearer(token)).status_code)

    threads = [threading.Thread(target=make, args=(t,)) for t in (boss, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [201, 201]
    drafted = [line["item"] for d in client.get("/api/v1/reorder/drafts", headers=bearer(boss)).get_json()["items"]
               for line in d["lines"]]
    assert sorted(drafted) == ["SKU-1", "SKU-2", "SKU-3"]
