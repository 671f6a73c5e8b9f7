"""Fixtures: every database test runs on SQLite and on a real PostgreSQL started once per session.

With CI=true a missing PostgreSQL fails the run; locally the PostgreSQL half is skipped with the reason.
"""
import itertools
import os
import shutil
import subprocess

import pytest

from tests.needs import missing
from tests.pg_server import PgServer, find_pg_bin

_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    bin_dir = find_pg_bin()
    if bin_dir is None:
        missing("PostgreSQL server binaries (initdb, pg_ctl) not found; install the postgresql package")
    server = PgServer(bin_dir)
    try:
        server.start()
    except (subprocess.CalledProcessError, OSError) as err:
        detail = getattr(err, "stderr", b"") or b""
        missing(f"could not start PostgreSQL: {err} {detail.decode(errors='replace')[:500]}")
    from webapp.db.migrate import upgrade

    server.admin("CREATE DATABASE dockhand_template")
    upgrade(server.url("dockhand_template"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    from webapp.db.migrate import upgrade

    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A freshly migrated, empty database of each kind."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.sqlite3"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("pg_server")
    name = f"test_{os.getpid()}_{next(_counter)}"
    server.admin(f"CREATE DATABASE {name} TEMPLATE dockhand_template")
    yield server.url(name)
    from webapp.extensions import db

    if db.engine is not None:
        db.engine.dispose()
    server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def app(database_url, tmp_path):
    from webapp import create_app

    # Checkpoints and their key live beside the test's database, never in the project's instance/.
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                      "CHECKPOINT_DIR": str(tmp_path / "checkpoints"), "LEDGER_KEY": None,
                      "LEDGER_KEY_FILE": str(tmp_path / "ledger_key")})
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db_session(app):
    from webapp.extensions import db

    with db.unit_of_work() as session:
        yield session


@pytest.fixture
def make_user(app):
    """make_user("asha", "picker") → an API token for a new person with those roles."""
    from webapp.extensions import db
    from webapp.services.users import create_user, issue_token

    def _make(username: str, *roles: str, password: str = "correct-horse") -> str:
        with db.unit_of_work() as s:
            create_user(s, username, password, list(roles))
            return issue_token(s, username)

    return _make


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
