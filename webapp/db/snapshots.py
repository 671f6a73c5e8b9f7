"""A second connection that sees exactly what a session sees, so two reads of one moment can run at once."""
import re
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import text
from sqlalchemy.orm import Session


@contextmanager
def same_snapshot(session: Session) -> Iterator[Session | None]:
    """A read-only session on its own connection, in `session`'s snapshot (PostgreSQL's pg_export_snapshot /
    SET TRANSACTION SNAPSHOT): what both read is one moment of the database. None on SQLite, where one
    connection does all the reading. `session`'s transaction stays open while this one is used."""
    if session.get_bind().dialect.name != "postgresql":
        yield None
        return
    snapshot = session.execute(text("SELECT pg_export_snapshot()")).scalar_one()
    if not re.fullmatch(r"[0-9A-Fa-f-]+", snapshot):  # written into the statement: only what PostgreSQL names
        raise ValueError(f"unexpected snapshot name {snapshot!r}")
    with session.get_bind().engine.connect() as conn:
        conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        conn.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")  # the transaction's first statement
        beside = Session(bind=conn)
        try:
            yield beside
        finally:
            beside.rollback()
            beside.close()
