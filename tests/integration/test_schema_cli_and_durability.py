"""`flask db upgrade` says what it did; SQLite commits are durable at power loss (synchronous=FULL)."""
import pytest


def test_db_upgrade_on_an_empty_database_says_it_migrated_from_nothing_to_head(app, database_url):
    from webapp.db.migrate import current_revision, downgrade, head_revision

    downgrade(database_url, "base")
    assert current_revision(database_url) is None
    runner = app.test_cli_runner()
    first = runner.invoke(args=["db", "upgrade"])
    assert first.exit_code == 0, first.output
    head = head_revision()
    assert f"migrated an empty database to {head}" in first.output
    assert current_revision(database_url) == head
    second = runner.invoke(args=["db", "upgrade"])
    assert second.exit_code == 0, second.output
    assert f"already at {head}" in second.output and "nothing to do" in second.output


def test_db_upgrade_from_an_older_schema_names_both_revisions(app, database_url):
    from webapp.db.migrate import downgrade, head_revision

    downgrade(database_url, "0003")
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"migrated from 0003 to {head_revision()}" in result.output


@pytest.fixture
def sqlite_app(sqlite_template, tmp_path):
    import shutil

    from webapp import create_app

    path = tmp_path / "durable.sqlite3"
    shutil.copy(sqlite_template, path)
    return create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test-secret", "TESTING": True})


def test_every_sqlite_connection_syncs_each_commit_to_disk(sqlite_app):
    from webapp.extensions import db

    # Two connections held at once: both come from the pool's connect hook, not one lucky connection.
    first, second = db.engine.raw_connection(), db.engine.raw_connection()
    try:
        modes = [conn.cursor().execute("PRAGMA synchronous").fetchone()[0] for conn in (first, second)]
        journal = first.cursor().execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        first.close()
        second.close()
    assert modes == [2, 2], "2 is FULL; NORMAL (1) can lose acknowledged commits at power loss in WAL mode"
    assert journal == "wal"
