"""The order desk adds and removes order lines (issue 18): a new line is reserved whole or refused with nothing
changed, a removed line gives its stock back, both are in the order's history, and two desks racing for the
last stock get it once."""
from sqlalchemy import text

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, stock, sync, verify_clean
from tests.integration.live_server import all_at_once
from webapp.extensions import db


def _order(client, token, number, lines):
    answer = client.post("/api/v1/orders", json={"number": number, "lines": lines}, headers=bearer(token))
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def _add(client, token, number, key=None, **line):
    headers = bearer(token) | ({"Idempotency-Key": key} if key else {})
    return client.post(f"/api/v1/orders/{number}/lines", json=line, headers=headers)


def _sql(query: str, **params):
    with db.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def test_a_line_added_to_a_validated_order_is_reserved_whole_and_in_its_history(app, client, make_user):
    small_warehouse()
    desk = make_user("olga", "supervisor")
    sync(client, desk, [scan("receive", "SKU-1", 10, to="A-01"), scan("receive", "SKU-2", 30, to="A-02")])
    _order(client, desk, "SO-1", [{"item": "SKU-1", "qty": 2}])
    added = _add(client, desk, "SO-1", item="SKU-2", qty=2, unit_price="4.10")
    assert added.status_code == 201, added.get_json()
    order = added.get_json()
    assert order["added_line"] == 2 and order["state"] == "validated"
    assert [(l["line"], l["item"], l["qty"], l["reserved"]) for l in order["lines"]] == [(1, "SKU-1", 2, 2),
                                                                                       (2, "SKU-2", 2, 2)]
    assert order["lines"][1]["unit_price"] == "4.10"
    assert order["history"][-1]["action"] == "line_added" and order["history"][-1]["by"] == "olga"
    assert "line 2 added: 2 × SKU-2" in order["history"][-1]["reason"]
    cases = _add(client, desk, "SO-1", item="SKU-2", qty=2, uom="CS")  # pack sizes go by barcode, not uom
    assert cases.status_code == 400 and cases.get_json()["error"]["code"] == "unknown_field"
    assert stock(client, desk, "SKU-2")["reserved"] == 2
    verify_clean(app)


def test_a_line_that_cannot_be_reserved_whole_is_refused_and_nothing_changes(app, client, make_user):
    small_warehouse()
    desk = make_user("olga", "integration")
    boss = make_user("boss", "admin")
    sync(client, boss, [scan("receive", "SKU-1", 10, to="A-01"), scan("receive", "SKU-2", 3, to="A-02")])
    before = _order(client, desk, "SO-1", [{"item": "SKU-1", "qty": 2}])
    refused = _add(client, desk, "SO-1", item="SKU-2", qty=4)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "insufficient_stock" and refused.get_json()["error"]["available"] == 3
    after = client.get("/api/v1/orders/SO-1", headers=bearer(desk)).get_json()
    assert after["lines"] == before["lines"] and after["history"] == before["history"]
    assert stock(client, boss, "SKU-2")["reserved"] == 0
    unknown = _add(client, desk, "SO-1", item="NO-SUCH", qty=1)
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "unknown_item"
    assert _add(client, desk, "SO-404", item="SKU-1", qty=1).get_json()["error"]["code"] == "unknown_order"
    # A backordered order reserves nothing: the new line simply joins it.
    _order(client, desk, "SO-2", [{"item": "SKU-2", "qty": 5}])
    joined = _add(client, desk, "SO-2", item="SKU-1", qty=1)
    assert joined.status_code == 201 and joined.get_json()["state"] == "backordered"
    assert [l["reserved"] for l in joined.get_json()["lines"]] == [0, 0]
    verify_clean(app)


def test_an_added_line_with_the_same_idempotency_key_is_added_once(app, client, make_user):
    small_warehouse()
    desk = make_user("olga", "supervisor")
    sync(client, desk, [scan("receive", "SKU-1", 10, to="A-01")])
    _order(client, desk, "SO-1", [{"item": "SKU-1", "qty": 1}])
    first = _add(client, desk, "SO-1", key="desk-press-1", item="SKU-1", qty=3)
    again = _add(client, desk, "SO-1", key="desk-press-1", item="SKU-1", qty=3)
    assert (first.status_code, again.status_code) == (201, 201) and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    other = _add(client, desk, "SO-1", key="desk-press-1", item="SKU-1", qty=4)
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "idempotency_conflict"
    assert len(client.get("/api/v1/orders/SO-1", headers=bearer(desk)).get_json()["lines"]) == 2
    assert stock(client, desk)["reserved"] == 4


def test_a_removed_line_gives_its_stock_back_and_its_number_is_never_reused(app, client, make_user):
    small_warehouse()
    desk = make_user("olga", "supervisor")
    sync(client, desk, [scan("receive", "SKU-1", 10, to="A-01"), scan("receive", "SKU-2", 10, to="A-02")])
    _order(client, desk, "SO-1", [{"item": "SKU-1", "qty": 2}, {"item": "SKU-2", "qty": 5}])
    removed = client.delete("/api/v1/orders/SO-1/lines/2", headers=bearer(desk))
    assert removed.status_code == 204, removed.get_json()
    assert stock(client, desk, "SKU-2")["reserved"] == 0 and stock(client, desk, "SKU-2")["available"] == 10
    order = client.get("/api/v1/orders/SO-1", headers=bearer(desk)).get_json()
    assert [l["line"] for l in order["lines"]] == [1]
    assert order["history"][-1]["action"] == "line_removed"
    assert "line 2 removed: 5 × SKU-2, 5 released" in order["history"][-1]["reason"]
    assert _sql("SELECT status, release_reason, ref FROM reservation WHERE item_id = "
                "(SELECT id FROM item WHERE sku = 'SKU-2')") == [("released", "line_removed", "SO-1")]
    readded = _add(client, desk, "SO-1", item="SKU-2", qty=1)
    assert readded.get_json()["added_line"] == 3  # line 2 stays the removed one in the history
    again = client.delete("/api/v1/orders/SO-1/lines/2", headers=bearer(desk))
    assert again.status_code == 404 and again.get_json()["error"]["code"] == "unknown_line"
    assert client.delete("/api/v1/orders/SO-1/lines/3", headers=bearer(desk)).status_code == 204
    last = client.delete("/api/v1/orders/SO-1/lines/1", headers=bearer(desk))
    assert last.status_code == 409 and last.get_json()["error"]["code"] == "last_line"
    verify_clean(app)


def test_lines_of_an_order_on_the_floor_or_closed_cannot_be_added_or_removed(app, client, make_user):
    small_warehouse()
    desk = make_user("olga", "supervisor")
    sync(client, desk, [scan("receive", "SKU-1", 10, to="A-01")])
    _order(client, desk, "SO-1", [{"item": "SKU-1", "qty": 1}, {"item": "SKU-1", "qty": 1}])
    _order(client, desk, "SO-2", [{"item": "SKU-1", "qty": 1}, {"item": "SKU-1", "qty": 1}])
    released = client.post("/api/v1/orders/SO-1/transition", json={"to": "picking"}, headers=bearer(desk))
    assert released.status_code == 200, released.get_json()
    client.post("/api/v1/orders/SO-2/transition", json={"to": "cancelled"}, headers=bearer(desk))
    for number, code in (("SO-1", "order_released"), ("SO-2", "order_closed")):
        added = _add(client, desk, number, item="SKU-1", qty=1)
        removed = client.delete(f"/api/v1/orders/{number}/lines/2", headers=bearer(desk))
        assert (added.status_code, removed.status_code) == (409, 409)
        assert added.get_json()["error"]["code"] == removed.get_json()["error"]["code"] == code
    # Put on hold from the floor, it is still on a walk: its lines stay as the walk was planned.
    held = client.post("/api/v1/orders/SO-1/transition", json={"to": "on_hold"}, headers=bearer(desk))
    assert held.status_code == 200
    assert _add(client, desk, "SO-1", item="SKU-1", qty=1).get_json()["error"]["code"] == "order_released"
    assert stock(client, desk)["reserved"] == 2
    verify_clean(app)


def test_two_desks_adding_lines_for_the_last_stock_one_gets_it_whole(app, client, make_user, live):
    small_warehouse()
    desk = make_user("olga", "integration")
    boss = make_user("boss", "admin")
    sync(client, boss, [scan("receive", "SKU-1", 10, to="A-01"), scan("receive", "SKU-2", 5, to="A-02")])
    for n in range(8):
        _order(client, desk, f"SO-{n}", [{"item": "SKU-1", "qty": 1}])

    def add(session, n):
        return session.post(f"{live.url}/api/v1/orders/SO-{n % 8}/lines", json={"item": "SKU-2", "qty": 5},
                            headers=bearer(desk), timeout=60)

    answers = all_at_once(16, add)
    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(201) == 1 and statuses.count(409) == 15, [r.text for r in answers]
    assert {r.json()["error"]["code"] for r in answers if r.status_code == 409} == {"insufficient_stock"}
    # Counted from the rows themselves: one line of 5, one open reservation of 5.
    assert _sql("SELECT COUNT(*), SUM(qty) FROM order_line WHERE item_id = "
                "(SELECT id FROM item WHERE sku = 'SKU-2')") == [(1, 5)]
    assert _sql("SELECT COUNT(*), SUM(qty) FROM reservation WHERE status = 'open' AND item_id = "
                "(SELECT id FROM item WHERE sku = 'SKU-2')") == [(1, 5)]
    assert _sql("SELECT reserved, on_hand - reserved - committed FROM stock_total WHERE item_id = "
                "(SELECT id FROM item WHERE sku = 'SKU-2')") == [(5, 0)]
    verify_clean(app)
