"""Replay set-based (services/batch_posting.py): a batch's writes go out together, and nothing in the batch
notices — later scans and order rules see the earlier scans of the same batch, flags still reach the supervisor."""
from sqlalchemy import event, text

from tests.integration.floor import scan, small_warehouse, stock, sync, verify_clean
from webapp.extensions import db


def _sql(query: str, **params):
    with db.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def test_a_backlog_of_five_hundred_scans_writes_the_ledger_in_a_handful_of_statements_not_per_scan(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    bins = ["A-01", "A-02", "A-03", "A-04"]
    backlog = [scan("receive", f"SKU-{1 + n % 3}", 1 + n % 5, to=bins[n % 4]) for n in range(250)]
    backlog += [scan("transfer", f"SKU-{1 + n % 3}", 1, from_=bins[n % 4], to=bins[(n + 1) % 4]) for n in range(250)]
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        results = sync(client, boss, backlog).get_json()["results"]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert [r["status"] for r in results] == ["applied"] * 500
    # Posting one scan at a time took seven or more statements per scan (3,500 here).
    ledger_writes = [s for s in statements if s.lstrip().startswith(("INSERT", "UPDATE"))
                     and any(table in s for table in ("movement", "stock_level", "stock_total"))]
    # Posting one scan at a time wrote the ledger and its projection in three or four statements per scan.
    assert len(ledger_writes) <= 6, ledger_writes
    assert len(statements) < 600
    assert _sql("SELECT COUNT(*) FROM movement") == [(500,)]
    seqs = [r["seq"] for r in results]
    assert seqs == sorted(seqs)  # device order is chain order
    received = sum(1 + n % 5 for n in range(250) if n % 3 == 0)
    assert stock(client, boss, "SKU-1")["on_hand"] == received
    verify_clean(app)


def test_a_pick_for_an_order_sees_the_stock_received_earlier_in_the_same_batch(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    auth = {"Authorization": f"Bearer {boss}"}
    sync(client, boss, [scan("receive", qty=3, to="A-02")])  # so the order is reserved, not backordered
    assert client.post("/api/v1/orders", json={"number": "SO-7", "lines": [{"item": "SKU-1", "qty": 3}]},
                       headers=auth).status_code == 201
    batch = [scan("receive", qty=10, to="A-01", lot="L1", expiry="2027-03-01"),
             scan("pick", qty=3, from_="A-01", to="TOTE-1", ref="SO-7"),  # no lot scanned: takes L1, the lot there
             scan("transfer", qty=2, from_="A-01", to="A-03"),
             scan("transfer", qty=9, from_="A-04", to="TOTE-2")]  # from an empty bin: negative, applied, flagged
    results = sync(client, boss, batch).get_json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 4, results
    assert results[3]["flags"] == ["negative_stock"]
    numbers = stock(client, boss)
    assert {k: numbers[k] for k in ("on_hand", "reserved", "committed")} == {"on_hand": 13, "reserved": 0, "committed": 3}
    assert sorted((loc["location"], loc["qty"]) for loc in numbers["locations"]) == \
        [("A-01", 5), ("A-02", 3), ("A-03", 2), ("A-04", -9), ("TOTE-1", 3), ("TOTE-2", 9)]
    assert _sql("SELECT lot, from_balance_after, to_balance_after FROM movement WHERE seq = :s",
                s=results[1]["seq"]) == [("L1", 7, 3)]
    assert _sql("SELECT code, movement_seq FROM exception_record WHERE code = 'negative_stock'") == \
        [("negative_stock", results[3]["seq"])]
    verify_clean(app)
