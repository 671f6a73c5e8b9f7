"""Migrations on both databases, the CLI, and the demo warehouse seed."""
from sqlalchemy import func, inspect, select

from webapp.domain.checkdigit import has_valid_check_digit


def test_migrations_create_every_table_and_downgrade_cleanly(database_url):
    from sqlalchemy import create_engine

    from webapp.db.migrate import downgrade, upgrade
    from webapp.db.tables import metadata

    engine = create_engine(database_url)
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    downgrade(database_url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(database_url)
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_demo_seed_builds_a_realistic_warehouse_and_is_idempotent(app):
    from webapp.db.models import Item, ItemBarcode, Location, User
    from webapp.extensions import db

    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    with db.unit_of_work() as s:
        counts = {kind: s.scalar(select(func.count()).select_from(Location).where(Location.kind == kind))
                  for kind in ("warehouse", "zone", "bin", "dock", "tote", "pack", "outbound")}
        items = s.scalar(select(func.count()).select_from(Item))
        barcodes = list(s.scalars(select(ItemBarcode.code)))
        people = set(s.scalars(select(User.roles)))
        frozen_bins = s.scalar(select(func.count()).select_from(Location).where(
            Location.kind == "bin", Location.temperature == "frozen"))
    assert counts["warehouse"] == 1 and counts["zone"] == 3
    assert 250 <= counts["bin"] <= 400 and frozen_bins > 0
    assert min(counts["dock"], counts["tote"], counts["pack"], counts["outbound"]) >= 1
    assert 280 <= items <= 320
    assert all(has_valid_check_digit(code) for code in barcodes)
    assert {"picker", "receiver", "counter", "supervisor", "admin", "integration"} <= people
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0
    assert "added 0 people, 0 locations, 0 items, 0 opening receipts" in second.output
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0
    with db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == items


def test_cli_creates_people_and_tokens_that_work(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "maria", "--role", "supervisor", "--role", "counter", "--password", "s3cret-pass"])
    assert result.exit_code == 0, result.output
    token = runner.invoke(args=["users", "token", "maria"]).output.strip()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["user"] == {"username": "maria", "roles": ["counter", "supervisor"]}
    bad = runner.invoke(args=["users", "create", "x", "--role", "wizard", "--password", "long-enough"])
    assert bad.exit_code != 0


def test_movement_rows_refuse_update_and_delete_at_the_database(app):
    import pytest
    from sqlalchemy import text

    from webapp.extensions import db

    # The triggers are there even before any movement exists: an UPDATE on an empty table is harmless,
    # so insert through SQL the minimum needed and try to change it.
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "seed"])
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO movement (id, kind, effect, item_id, warehouse_id, lot, expiry, qty_base, uom, qty_scanned, ref, "
            "reason, device_id, occurred_at, recorded_at, flags, content_hash, prev_hash, hash) VALUES "
            "('m1', 'receive', 'receipt', 1, 1, '', '', 5, 'EA', 5, '', '', '', :t, :t, '', 'x', '', 'y')"
        ), {"t": "2026-11-25 00:00:00"})
    for statement in ("UPDATE movement SET qty_base = 500", "DELETE FROM movement"):
        with pytest.raises(Exception, match="never updated or deleted"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))
