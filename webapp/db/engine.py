"""The database engine and the unit of work: one transaction per use case.

SQLite (the embedded default) gets WAL, a busy timeout and `BEGIN IMMEDIATE`,
so concurrent writers wait for each other instead of failing with
"database is locked". PostgreSQL gets psycopg 3 and row locks in the services.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):
            # Take transaction control away from pysqlite so that "begin" below is ours.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            # FULL: with WAL, NORMAL may lose the last acknowledged commits at power loss, after the
            # device has deleted its copy of the scans (LEDGER-AND-SYNC.md: a confirmed scan is never lost).
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # A snapshot reader (read_snapshot) takes no write lock: in WAL it sees the database as of its
            # first read while writers go on.
            conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("dockhand_snapshot") else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


# The transaction a request owns (see Database.request_transaction); None outside one.
_request_session: ContextVar[Session | None] = ContextVar("dockhand_request_session", default=None)


class Database:
    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._sessions: sessionmaker | None = None

    def init_app(self, app) -> None:
        self.configure(app.config["DATABASE_URL"])
        app.extensions["dockhand_db"] = self

    def configure(self, url: str) -> None:
        if self.engine is not None and str(self.engine.url) == url:
            return
        if self.engine is not None:
            self.engine.dispose()
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One use case, one transaction: commit on success, roll back on any error.

        Inside `request_transaction` it is a savepoint of the request's transaction instead: undone
        alone on error, committed only with the rest of the request."""
        owner = _request_session.get()
        if owner is not None:
            with owner.begin_nested():
                yield owner
            return
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def request_transaction(self) -> Iterator[Session]:
        """One transaction for a whole request: the use cases it calls join it, so that what they create
        and what the request records beside it (an Idempotency-Key and its answer) commit together."""
        with self.unit_of_work() as session:
            token = _request_session.set(session)
            try:
                yield session
            finally:
                _request_session.reset(token)

    @contextmanager
    def read_snapshot(self) -> Iterator[Session]:
        """A read-only session that sees one consistent moment of the database while a live server keeps
        writing: REPEATABLE READ READ ONLY on PostgreSQL, one (deferred) read transaction on SQLite."""
        with self.engine.connect() as conn:
            if self.is_sqlite:
                conn.execution_options(dockhand_snapshot=True)
            else:
                conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            session = Session(bind=conn)
            try:
                yield session
            finally:
                session.rollback()
                session.close()
