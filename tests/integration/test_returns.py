"""Returns with a disposition: restocked, quarantined (on hand, never available) or scrapped (returned, then
written off: on hand unchanged, both halves in the ledger); exactly once under replay; the ledger verifies."""
from sqlalchemy import text

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, stock, sync, verify_clean
from webapp.extensions import db


def _sql(query: str, **params):
    with db.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def _with_quarantine(client, make_user):
    small_warehouse()
    admin, ravi = make_user("admin", "admin"), make_user("ravi", "receiver")
    assert client.post("/api/v1/locations", json={"code": "Q-1", "kind": "quarantine", "parent": "WH1"},
                       headers=bearer(admin)).status_code == 201
    return admin, ravi


def _returned(qty: int, to: str, disposition: str, reason: str, ref: str = "SO-RET-1") -> dict:
    return scan("return", "SKU-1", qty, to=to, ref=ref, disposition=disposition, reason=reason)


def test_restocked_quarantined_and_scrapped_returns_count_as_the_warehouse_expects(app, client, make_user):
    admin, ravi = _with_quarantine(client, make_user)
    sync(client, ravi, [scan("receive", "SKU-1", 5, to="A-01")])
    batch = [_returned(2, "A-02", "restock", "unwanted"), _returned(3, "Q-1", "quarantine", "damaged"),
             _returned(1, "DOCK-1", "scrap", "defective")]
    results = sync(client, ravi, batch).get_json()["results"]
    assert [(r["status"], r["flags"]) for r in results] == [("applied", [])] * 3

    numbers = stock(client, admin)
    # 5 received + 2 restocked + 3 in quarantine; the scrapped unit came back and left again.
    assert (numbers["on_hand"], numbers["quarantined"], numbers["available"]) == (10, 3, 7)
    assert {row["location"]: row["qty"] for row in numbers["locations"]}.get("DOCK-1", 0) == 0
    refused = client.post("/api/v1/reservations", json={"item": "SKU-1", "qty": 8, "ref": "R-1"}, headers=bearer(admin))
    assert refused.status_code == 409 and refused.get_json()["error"]["available"] == 7

    story = _sql("SELECT kind, qty_base, reason, ref FROM movement WHERE ref = 'SO-RET-1' ORDER BY seq")
    assert story == [("return", 2, "restock:unwanted", "SO-RET-1"), ("return", 3, "quarantine:damaged", "SO-RET-1"),
                     ("return", 1, "scrap:defective", "SO-RET-1"), ("scrap", 1, "scrap:defective", "SO-RET-1")]
    verify_clean(app)

    movements = _sql("SELECT COUNT(*) FROM movement")
    retry = sync(client, ravi, batch).get_json()["results"]  # the answer was lost: the device sends it all again
    assert [r["status"] for r in retry] == ["duplicate"] * 3
    assert [r["seq"] for r in retry] == [r["seq"] for r in results]
    assert _sql("SELECT COUNT(*) FROM movement") == movements
    assert stock(client, admin)["on_hand"] == 10
    rebuilt = app.test_cli_runner().invoke(args=["ledger", "rebuild"]).output
    assert rebuilt.startswith("ledger rebuild: done (0 "), rebuilt


def test_a_return_put_where_its_disposition_does_not_belong_is_applied_and_flagged_for_the_supervisor(
        app, client, make_user):
    admin, ravi = _with_quarantine(client, make_user)
    results = sync(client, ravi, [_returned(2, "A-01", "quarantine", "defective"),
                                  _returned(1, "Q-1", "restock", "unwanted")]).get_json()["results"]
    assert [(r["status"], r["flags"]) for r in results] == [("applied", ["not_quarantine"]), ("applied", ["not_sellable"])]
    numbers = stock(client, admin)
    # Where the goods are decides what may be sold: the "quarantined" pair sits in a sellable bin.
    assert (numbers["on_hand"], numbers["quarantined"], numbers["available"]) == (3, 1, 2)
    exceptions = client.get("/api/v1/exceptions", headers=bearer(admin)).get_json()["items"]
    assert sorted(e["code"] for e in exceptions) == ["not_quarantine", "not_sellable"]
    verify_clean(app)


def test_a_return_with_a_disposition_or_reason_the_app_does_not_know_is_refused_and_changes_nothing(
        app, client, make_user):
    admin, ravi = _with_quarantine(client, make_user)
    results = sync(client, ravi, [_returned(1, "A-01", "resell", "unwanted"), _returned(1, "A-01", "restock", "bored"),
                                  scan("receive", "SKU-1", 1, to="A-01", disposition="restock", reason="unwanted")]
                   ).get_json()["results"]
    assert [r["error"]["code"] for r in results] == ["invalid_disposition", "invalid_reason", "invalid_movement"]
    assert stock(client, admin)["on_hand"] == 0
    assert _sql("SELECT COUNT(*) FROM movement") == [(0,)]
    assert len(client.get("/api/v1/rejects", headers=bearer(admin)).get_json()["items"]) == 3
