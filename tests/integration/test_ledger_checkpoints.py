"""Tamper evidence against the database's owner (CONTRACT.md, `ledger checkpoint` and `ledger verify`).

The owner can disable the append-only triggers, delete a chain's newest movement or rewrite a chain with
recomputed hashes, and patch the projection: the hash chains and the projection then agree with each
other. A checkpoint signed with a key the database never holds still names what changed at or before it.
"""
import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.integration.floor import scan, small_warehouse, sync, verify_clean
from webapp.extensions import db


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["ledger", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def as_database_owner(statement: str, **params) -> None:
    """The triggers that keep movements append-only are the owner's to switch off."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.execute(text("DROP TRIGGER IF EXISTS movement_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS movement_no_delete"))
        else:
            conn.execute(text("ALTER TABLE movement DISABLE TRIGGER movement_append_only"))
        conn.execute(text(statement), params)
        if not db.is_sqlite:
            conn.execute(text("ALTER TABLE movement ENABLE TRIGGER movement_append_only"))


@pytest.fixture
def ledger(app, client, make_user):
    """Three receipts of SKU-1 (one chain) and one of SKU-2."""
    small_warehouse()
    boss = make_user("maria", "supervisor")
    results = sync(client, boss, [scan("receive", "SKU-1", 10, to="A-01"), scan("receive", "SKU-1", 5, to="A-02"),
                                  scan("receive", "SKU-2", 4, to="A-03"), scan("receive", "SKU-1", 2, to="A-01")]
                   ).get_json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 4
    return {"boss": boss, "results": results}


def checkpoint_files(app) -> list[Path]:
    return sorted(Path(app.config["CHECKPOINT_DIR"]).glob("checkpoint-*.json"))


def test_deleting_the_newest_movement_of_a_chain_and_patching_the_projection_is_caught_by_a_checkpoint(app, ledger):
    written = run(app, "checkpoint")
    assert written.exit_code == 0, written.output
    assert "1 signed checkpoints agree" in verify_clean(app)
    newest = ledger["results"][3]  # the newest movement of SKU-1's chain
    as_database_owner("DELETE FROM movement WHERE seq = :seq", seq=newest["seq"])
    assert run(app, "rebuild").exit_code == 0  # the projection patched to match the shortened ledger
    # The hash chain alone cannot tell: what is left is a perfectly linked, shorter chain.
    signed_dir = app.config["CHECKPOINT_DIR"]
    app.config["CHECKPOINT_DIR"] = signed_dir + "-none"
    assert run(app, "verify").exit_code == 0
    app.config["CHECKPOINT_DIR"] = signed_dir
    result = run(app, "verify")
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert f"seq={newest['seq']} id={newest['id']} is missing" in first, result.output
    assert checkpoint_files(app)[0].name in first


def test_a_chain_rewritten_with_recomputed_hashes_is_caught_at_or_before_a_checkpoint(app, ledger):
    from webapp.db.ledger_tables import Movement
    from webapp.domain.ledger import GENESIS_HASH, movement_hash
    from webapp.services.ledger import HASHED_COLUMNS

    assert run(app, "checkpoint").exit_code == 0
    oldest = ledger["results"][0]
    as_database_owner("UPDATE movement SET qty_base = 100, qty_scanned = 100 WHERE seq = :seq", seq=oldest["seq"])
    # The owner knows the (keyless) hash: rewrite SKU-1's chain so that every link checks out again.
    with db.unit_of_work() as s:
        chain = list(s.scalars(select(Movement).where(Movement.item_id == s.scalar(
            select(Movement.item_id).where(Movement.seq == oldest["seq"]))).order_by(Movement.seq)))
        rewritten, previous = [], GENESIS_HASH
        for m in chain:
            fields = {name: getattr(m, name) for name in HASHED_COLUMNS}
            fields["prev_hash"] = previous
            previous = movement_hash(fields)
            rewritten.append((m.seq, fields["prev_hash"], previous))
    for seq, prev_hash, new_hash in rewritten:
        as_database_owner("UPDATE movement SET prev_hash = :p, hash = :h WHERE seq = :s", p=prev_hash, h=new_hash, s=seq)
    assert run(app, "rebuild").exit_code == 0
    app.config["CHECKPOINT_DIR"] += "-none"
    assert run(app, "verify").exit_code == 0, "without a checkpoint the rewrite is invisible"
    app.config["CHECKPOINT_DIR"] = app.config["CHECKPOINT_DIR"][: -len("-none")]
    result = run(app, "verify")
    assert result.exit_code == 1
    newest = ledger["results"][3]
    assert f"seq={newest['seq']} id={newest['id']} differs from checkpoint" in result.output.splitlines()[0]


def test_an_altered_checkpoint_or_one_signed_with_another_key_is_named(app, ledger):
    assert run(app, "checkpoint").exit_code == 0
    [path] = checkpoint_files(app)
    signed = json.loads(path.read_text())
    path.write_text(json.dumps({**signed, "movements": signed["movements"] - 1}))
    result = run(app, "verify")
    assert result.exit_code == 1
    assert f"checkpoint {path.name} has a bad signature: it was altered" in result.output
    path.write_text(json.dumps(signed))
    assert run(app, "verify").exit_code == 0
    app.config["LEDGER_KEY"] = "someone-else's-key"
    assert run(app, "checkpoint").exit_code == 0
    app.config["LEDGER_KEY"] = None
    result = run(app, "verify")
    assert result.exit_code == 1 and "has a bad signature: it was signed with another key" in result.output


def test_the_key_is_generated_once_outside_the_database(app, ledger, database_url):
    key_file = Path(app.config["LEDGER_KEY_FILE"])
    assert not key_file.exists()
    assert run(app, "checkpoint").exit_code == 0
    key = key_file.read_text()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert run(app, "checkpoint").exit_code == 0
    assert key_file.read_text() == key and len(checkpoint_files(app)) == 2
    assert "2 signed checkpoints agree" in verify_clean(app)
    if database_url.startswith("sqlite"):
        db_path = Path(database_url.removeprefix("sqlite:///"))
        stored = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))
        assert key.strip().encode() not in stored
    # Without the key, checkpoints cannot be trusted: verify says so rather than passing.
    key_file.unlink()
    result = run(app, "verify")
    assert result.exit_code == 1 and "no ledger key" in result.output


def test_the_environment_names_the_key_and_the_checkpoint_directory(monkeypatch, tmp_path):
    from webapp.config import load_config

    monkeypatch.setenv("DOCKHAND_LEDGER_KEY", "k" * 40)
    monkeypatch.setenv("DOCKHAND_CHECKPOINT_DIR", str(tmp_path / "cps"))
    config = load_config()
    assert (config["LEDGER_KEY"], config["CHECKPOINT_DIR"]) == ("k" * 40, str(tmp_path / "cps"))


def test_a_checkpoint_signed_by_the_environment_key_writes_no_key_file(app, ledger):
    app.config["LEDGER_KEY"] = "from-the-environment-" + "x" * 30
    assert run(app, "checkpoint").exit_code == 0
    assert not Path(app.config["LEDGER_KEY_FILE"]).exists()
    assert "1 signed checkpoints agree" in verify_clean(app)


def test_a_ledger_whose_chains_are_broken_is_never_signed(app, ledger):
    as_database_owner("UPDATE movement SET qty_base = 99 WHERE seq = :seq", seq=ledger["results"][1]["seq"])
    result = run(app, "checkpoint")
    assert result.exit_code == 1 and "ledger_broken" in result.output
    assert checkpoint_files(app) == []


def test_verify_reads_one_snapshot_while_a_server_keeps_writing(app, client, ledger, monkeypatch):
    """A movement committed between verify's reads of the ledger and of the projection is seen by neither."""
    from webapp.services import projection

    original = projection.stored_projection
    written = []

    def write_in_between(session):
        response = sync(client, ledger["boss"], [scan("receive", "SKU-1", 7, to="A-04")], device_id="other-1")
        written.append(response.get_json()["results"][0]["status"])
        return original(session)

    monkeypatch.setattr(projection, "stored_projection", write_in_between)
    assert run(app, "checkpoint").exit_code == 0
    result = run(app, "verify")
    assert written == ["applied"]
    assert result.exit_code == 0, result.output
    assert "(4 movements;" in result.output  # the count too is of the snapshot, not of the later write
    monkeypatch.undo()
    assert "(5 movements;" in verify_clean(app)


def test_a_snapshot_keeps_seeing_one_moment_and_writes_nothing(app, client, ledger):
    from sqlalchemy.exc import DBAPIError

    count = "SELECT COUNT(*) FROM movement"
    with db.read_snapshot() as s:
        before = s.execute(text(count)).scalar()
        # Another connection commits meanwhile (on SQLite this proves the snapshot holds no write lock).
        assert sync(client, ledger["boss"], [scan("receive", "SKU-3", 1, to="A-04")]).status_code == 200
        assert s.execute(text(count)).scalar() == before
        if not db.is_sqlite:
            assert s.execute(text("SHOW transaction_isolation")).scalar() == "repeatable read"
            with pytest.raises(DBAPIError, match="read-only transaction"):
                s.execute(text("DELETE FROM idempotency_key"))
    with db.engine.connect() as conn:
        assert conn.execute(text(count)).scalar() == before + 1
        if not db.is_sqlite:  # the pooled connection is handed back as it was
            assert conn.execute(text("SHOW transaction_isolation")).scalar() == "read committed"
            assert conn.execute(text("SHOW transaction_read_only")).scalar() == "off"
