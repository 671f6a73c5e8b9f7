"""The order desk's list (issue 18, point 4): newest first, by state, item, warehouse, customer and how long
an order has sat in its state, paginated."""
from datetime import timedelta

from sqlalchemy import text

from tests.conftest import bearer
from tests.integration.floor import ean, scan, second_warehouse, small_warehouse, sync
from webapp.domain.clock import utcnow
from webapp.extensions import db


def _order(client, token, number, item="SKU-1", qty=1, customer=None, warehouse="WH1"):
    body = {"number": number, "lines": [{"item": item, "qty": qty}], "warehouse": warehouse}
    if customer:
        body["ship_to"] = {"name": customer, "lines": ["1 Quay Street"]}
    answer = client.post("/api/v1/orders", json=body, headers=bearer(token))
    assert answer.status_code == 201, answer.get_json()


def _numbers(client, token, **query) -> list[str]:
    answer = client.get("/api/v1/orders", query_string=query, headers=bearer(token))
    assert answer.status_code == 200, answer.get_json()
    return [row["number"] for row in answer.get_json()["items"]]


def test_the_order_desk_finds_orders_by_state_item_warehouse_and_customer_newest_first(client, make_user):
    small_warehouse()
    second_warehouse()
    desk = make_user("olga", "supervisor")
    sync(client, desk, [scan("receive", "SKU-1", 10, to="A-01")])
    _order(client, desk, "SO-1", customer="Müller GmbH")
    _order(client, desk, "SO-2", item="SKU-2", customer="Harbour Café")
    _order(client, desk, "SO-3", customer="harbour foods", warehouse="WH2")
    assert _numbers(client, desk) == ["SO-3", "SO-2", "SO-1"]
    assert _numbers(client, desk, state="validated") == ["SO-1"]
    assert _numbers(client, desk, state="backordered") == ["SO-3", "SO-2"]
    assert _numbers(client, desk, item="SKU-2") == ["SO-2"]
    assert _numbers(client, desk, item=ean(1)) == ["SO-3", "SO-1"]  # a barcode finds the item too
    assert _numbers(client, desk, warehouse="WH2") == ["SO-3"]
    assert _numbers(client, desk, customer="HARBOUR") == ["SO-3", "SO-2"]
    assert _numbers(client, desk, customer="müller") == ["SO-1"]
    assert _numbers(client, desk, customer="harbour", warehouse="WH1") == ["SO-2"]
    assert _numbers(client, desk, item="NO-SUCH-ITEM") == [] and _numbers(client, desk, warehouse="NOWHERE") == []
    [row] = client.get("/api/v1/orders", query_string={"item": "SKU-2"}, headers=bearer(desk)).get_json()["items"]
    assert row["customer"] == "Harbour Café" and row["warehouse"] == "WH1" and row["lines"] == 1 and row["units"] == 1


def test_orders_stuck_in_their_state_longer_than_asked_are_found(client, make_user):
    small_warehouse()
    desk = make_user("olga", "integration")
    for number in ("SO-OLD", "SO-NEW"):
        _order(client, desk, number)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE sales_order SET state_changed_at = :t WHERE number = 'SO-OLD'"),
                     {"t": utcnow() - timedelta(minutes=45)})
    assert _numbers(client, desk, older_than_minutes=30) == ["SO-OLD"]
    assert _numbers(client, desk, older_than_minutes=60) == []
    assert _numbers(client, desk, older_than_minutes=0) == ["SO-NEW", "SO-OLD"]


def test_the_order_list_pages_through_every_order_once_even_while_searching_by_customer(client, make_user):
    small_warehouse()
    desk = make_user("olga", "admin")
    for n in range(7):
        _order(client, desk, f"SO-{n}", customer="Acme" if n % 2 else "Other")
    for query, expected in (({}, [f"SO-{n}" for n in range(6, -1, -1)]), ({"customer": "acme"}, ["SO-5", "SO-3", "SO-1"])):
        seen, cursor = [], None
        while True:
            page = client.get("/api/v1/orders", query_string={**query, "limit": 2, **({"cursor": cursor} if cursor else {})},
                              headers=bearer(desk)).get_json()
            seen += [row["number"] for row in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == expected


def test_a_bad_search_is_a_400_naming_the_field_and_a_picker_may_not_list_orders(client, make_user):
    desk = make_user("olga", "supervisor")
    for query, field in (({"state": "lost"}, "state"), ({"older_than_minutes": "soon"}, "older_than_minutes"),
                         ({"older_than_minutes": "-5"}, "older_than_minutes")):
        answer = client.get("/api/v1/orders", query_string=query, headers=bearer(desk))
        assert answer.status_code == 400 and answer.get_json()["error"]["field"] == field
    assert client.get("/api/v1/orders", headers=bearer(make_user("pete", "picker"))).status_code == 403
