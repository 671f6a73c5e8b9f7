"""`ledger verify` reads PostgreSQL's rows already printed (times as text, integers as JSON) and hashes plain rows
in one step (issue 17): what it reads must be what the hash was computed over, and the general rule still
decides every other row."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from tests.integration.floor import scan, small_warehouse, sync, verify_clean
from webapp.domain.ledger import canonical_encoding
from webapp.extensions import db
from webapp.services import chain_scan, projection


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_times_postgresql_prints_for_verify_are_the_times_the_hashes_were_computed_over(app):
    moments = [datetime(2026, 11, 25, 10, 0, 0, tzinfo=timezone.utc),
               datetime(2026, 11, 25, 10, 0, 0, 1, tzinfo=timezone.utc),
               datetime(2026, 3, 29, 1, 30, 59, 999999, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
               datetime(1999, 12, 31, 23, 59, 59, 120000, tzinfo=timezone(timedelta(hours=14))),
               datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc),
               datetime(1000, 1, 1, tzinfo=timezone.utc), datetime(999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
               datetime(5, 6, 7, 8, 9, 10, 11, tzinfo=timezone.utc), datetime(1, 1, 1, tzinfo=timezone.utc)]
    with db.engine.connect() as conn:
        conn.execute(text("SET TIME ZONE 'Asia/Kathmandu'"))  # the session's zone must not matter
        for moment in moments:
            printed = conn.execute(text(f"SELECT {chain_scan.time_text_sql('t')} FROM (SELECT CAST(:t AS timestamptz) "
                                        "AS t) AS one"), {"t": moment}).scalar_one()
            assert canonical_encoding({"t": printed}) == canonical_encoding({"t": moment}), (moment, printed)
        before_year_one = conn.execute(text(f"SELECT {chain_scan.time_text_sql('t')} FROM (SELECT TIMESTAMPTZ "
                                            "'0001-01-01 00:00:00+00 BC' AS t) AS one")).scalar_one()
        assert before_year_one.endswith(" BC")  # never the text of a time Python could have hashed


def test_movements_with_text_beyond_plain_ascii_verify_clean_and_an_edit_to_one_is_named(app, client, make_user,
                                                                                         monkeypatch):
    monkeypatch.setattr(chain_scan, "_ROWS_PER_FETCH", 2)  # several batches, each fetched while one is hashed
    small_warehouse()
    boss = make_user("maria", "supervisor")
    results = sync(client, boss, [scan("receive", qty=10, to="A-01", lot="LÖT-1"),
                                  scan("receive", qty=4, to="A-02", lot='L"2\\x'),
                                  scan("receive", qty=3, to="A-03", lot="L3", ref="PO-é"),
                                  scan("transfer", qty=2, from_="A-01", to="A-04", lot="LÖT-1"),
                                  scan("receive", qty=1, to="A-03", lot="L5")]).get_json()["results"]
    assert all(r["status"] == "applied" for r in results), results
    assert "(5 movements;" in verify_clean(app)
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.execute(text("DROP TRIGGER movement_no_update"))
        else:
            conn.execute(text("ALTER TABLE movement DISABLE TRIGGER movement_append_only"))
    # The same text typed the other way (NFD) is the same text to the hash (the chains stay whole; the
    # projection, keyed by the stored text, is another matter); a changed letter is an edit.
    for seq, column, value in ((results[0]["seq"], "lot", "LO\u0308T-1"), (results[0]["seq"], "lot", "LOT-1"),
                               (results[1]["seq"], "lot", 'L"2\\y'), (results[4]["seq"], "lot", "L6"),
                               (results[4]["seq"], "corrects_seq", 1)):
        with db.engine.begin() as conn:
            original = conn.execute(text(f"SELECT {column} FROM movement WHERE seq = :seq"), {"seq": seq}).scalar_one()
            conn.execute(text(f"UPDATE movement SET {column} = :v WHERE seq = :seq"), {"v": value, "seq": seq})
        with db.read_snapshot() as session:
            problems = projection.verify_chains(session)
        if value == "LO\u0308T-1":
            assert problems == []
        else:
            assert problems and problems[0].startswith(f"movement seq={seq} "), (column, value, problems)
        with db.engine.begin() as conn:
            conn.execute(text(f"UPDATE movement SET {column} = :v WHERE seq = :seq"), {"v": original, "seq": seq})
        verify_clean(app)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_projection_read_beside_the_chain_scan_sees_the_same_moment(app, client, make_user):
    from webapp.db.snapshots import same_snapshot

    small_warehouse()
    boss = make_user("maria", "supervisor")
    count = "SELECT COUNT(*) FROM movement"
    sync(client, boss, [scan("receive", qty=10, to="A-01")])
    with db.read_snapshot() as session:
        before = session.execute(text(count)).scalar()
        assert sync(client, boss, [scan("receive", qty=1, to="A-02")]).get_json()["results"][0]["status"] == "applied"
        with same_snapshot(session) as beside:  # opened after the write committed, yet sees the moment before it
            assert beside.execute(text(count)).scalar() == before == 1
            assert beside.execute(text("SELECT SUM(qty) FROM stock_level")).scalar() == 10
    with db.engine.connect() as conn:
        assert conn.execute(text(count)).scalar() == 2


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_scan_that_stops_halfway_leaves_no_reader_behind_and_its_transaction_usable(app, client, make_user,
                                                                                     monkeypatch):
    import threading

    small_warehouse()
    boss = make_user("maria", "supervisor")
    sync(client, boss, [scan("receive", qty=1, to="A-01") for _ in range(6)])
    monkeypatch.setattr(chain_scan, "_ROWS_PER_FETCH", 1)
    hashed = []

    def fails_on_the_third(values):
        hashed.append(values)
        if len(hashed) == 3:
            raise RuntimeError("the scan's caller stops here")
        return chain_scan.canonical_row_template(chain_scan.HASHED_COLUMNS, set(chain_scan.COLUMNS) -
                                                 set(chain_scan._INTEGERS))[1](values)

    monkeypatch.setattr(chain_scan, "encode_printed", fails_on_the_third)
    with db.read_snapshot() as session:
        with pytest.raises(RuntimeError):
            chain_scan.scan_chains(session)
        assert not any(t.name == "chain-scan-fetch" for t in threading.enumerate())
        assert session.execute(text("SELECT COUNT(*) FROM movement")).scalar() == 6  # cursor closed, transaction fine
    monkeypatch.undo()
    assert "(6 movements;" in verify_clean(app)
