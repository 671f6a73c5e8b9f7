"""Replay set-based (services/batch_posting.py): a batch's writes go out together, and nothing in the batch
notices — later scans and order rules see the earlier scans of the same batch, flags still reach the supervisor."""
import json

import psycopg
from sqlalchemy import event, text

from tests.integration.floor import scan, small_warehouse, stock, sync, verify_clean
from webapp.extensions import db
from webapp.services import events


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


class _Heard:
    """Who hears the events after commit: a LISTEN on PostgreSQL (each seq, as pg_notify sent it), this process's
    fan-out on SQLite."""

    def __init__(self, database_url: str) -> None:
        self.messages: list[dict] = []
        self._listener = None
        if database_url.startswith("postgresql"):
            self._listener = psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://"),
                                             autocommit=True)
            self._listener.execute(f"LISTEN {events.CHANNEL}")
            self._stop = self._listener.close
        else:
            self._stop = events.on_commit_in_process(self.messages.extend)

    def seqs(self, expected: int) -> list[int]:
        if self._listener is not None:
            return [int(n.payload) for n in self._listener.notifies(timeout=5, stop_after=expected)]
        return [m["seq"] for m in self.messages]

    def stop(self) -> None:
        self._stop()


def _statements_during(work):
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        return work(), statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _movement_events() -> list[tuple[int, int]]:
    """(event seq, movement seq) of every stored movement event, in event order."""
    return [(seq, json.loads(data)["seq"]) for seq, data in _sql("SELECT seq, data FROM event WHERE topic = 'movements' "
                                                                 "ORDER BY seq")]


def test_a_backlog_of_five_hundred_scans_tells_the_live_screens_of_every_movement_written_in_one_statement(
        app, client, make_user, database_url):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    backlog = [scan("receive", f"SKU-{1 + n % 3}", 1 + n % 5, to=f"A-0{1 + n % 4}") for n in range(500)]
    heard = _Heard(database_url)
    try:
        response, statements = _statements_during(lambda: sync(client, boss, backlog))
        results = response.get_json()["results"]
        assert [r["status"] for r in results] == ["applied"] * 500
        written = _movement_events()
        assert sorted(movement for _, movement in written) == sorted(r["seq"] for r in results)
        # Every event heard once, after commit, in the order written.
        assert heard.seqs(expected=500) == [seq for seq, _ in written]
    finally:
        heard.stop()
    if database_url.startswith("postgresql"):  # SQLite's events are still ORM rows: its fan-out needs them
        # The rows and their notifications in one statement (the ORM wrote them, then a second statement notified),
        # and its text does not grow with the batch (a VALUES list would).
        event_writes = [s for s in statements if "INTO event" in s]
        assert len(event_writes) == 1 and "pg_notify" in event_writes[0], event_writes
        assert not [s for s in statements if "pg_notify" in s and "INTO event" not in s]
        assert len(event_writes[0]) < 1000
    verify_clean(app)


def test_a_batch_that_falls_back_to_one_movement_at_a_time_tells_each_movement_once(
        app, client, make_user, database_url, monkeypatch):
    from webapp.domain.errors import DomainError
    from webapp.services import batch_posting

    small_warehouse()
    boss = make_user("maria", "supervisor")
    real_write, failures = batch_posting.BatchWriter._write, []

    def write_then_fail(self):
        real_write(self)  # the rows and the events are written (and notified) inside the fast path's savepoint
        if not failures:
            failures.append("after the batch's writes")
            raise DomainError("power_cut", "the fast path fails after writing: its savepoint is rolled back")

    monkeypatch.setattr(batch_posting.BatchWriter, "_write", write_then_fail)
    heard = _Heard(database_url)
    try:
        results = sync(client, boss, [scan("receive", "SKU-1", 2, to="A-01") for _ in range(5)]).get_json()["results"]
        assert failures and [r["status"] for r in results] == ["applied"] * 5
        assert [r["flags"] for r in results] == [[]] * 5  # in device order: none of them is late
        written = _movement_events()
        assert [movement for _, movement in written] == [r["seq"] for r in results]
        all_events = [seq for (seq,) in _sql("SELECT seq FROM event ORDER BY seq")]
        assert heard.seqs(expected=len(all_events)) == all_events  # each once, and none from the undone fast path
        if database_url.startswith("postgresql"):  # nothing more comes
            assert heard.seqs(expected=1) == []
    finally:
        heard.stop()
    assert _sql("SELECT COUNT(*) FROM movement") == [(5,)]
    verify_clean(app)


def test_a_scan_refused_on_the_careful_path_leaves_no_negative_stock_flag_on_the_next_scan_from_that_bin(
        app, client, make_user, monkeypatch):
    from webapp.domain.errors import DomainError
    from webapp.domain.floor_movement import Rejected
    from webapp.services import batch_posting, sync as sync_service

    small_warehouse()
    boss = make_user("maria", "supervisor")
    sync(client, boss, [scan("receive", qty=5, to="A-01")])
    first, second = scan("transfer", qty=4, from_="A-01", to="A-02"), scan("transfer", qty=3, from_="A-01", to="A-03")
    real_write, real_post = batch_posting.BatchWriter._write, sync_service._post

    def fail(self):  # the fast path (both applied: the second finds 1 left, goes negative, is flagged) is undone
        raise DomainError("power_cut", "the fast path fails at its writes")

    def refuse_first(session, p, totals, seqs, writer=None):
        if writer is None and p.movement_id == first["id"]:
            raise Rejected("invalid_location", "refused on the careful path")
        return real_post(session, p, totals, seqs, writer)

    monkeypatch.setattr(batch_posting.BatchWriter, "_write", fail)
    monkeypatch.setattr(sync_service, "_post", refuse_first)
    results = sync(client, boss, [first, second]).get_json()["results"]
    monkeypatch.undo()
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert results[1]["flags"] == []  # 5 there, 3 taken: not negative
    assert _sql("SELECT flags, from_balance_after FROM movement WHERE seq = :s", s=results[1]["seq"]) == [("", 2)]
    verify_clean(app)
