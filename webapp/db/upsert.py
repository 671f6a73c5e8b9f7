"""INSERT … ON CONFLICT for whichever database we are on (both PostgreSQL and SQLite have it)."""
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def dialect_insert(session: Session, table):
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def next_movement_seq(session: Session) -> int:
    """The seq a new movement will have; it is hashed, so it must be known before the insert."""
    from sqlalchemy import text

    if session.get_bind().dialect.name == "postgresql":
        return session.execute(text("SELECT nextval(pg_get_serial_sequence('movement', 'seq'))")).scalar_one()
    # SQLite writers are serialised by BEGIN IMMEDIATE, so max + 1 cannot race.
    return session.execute(text("SELECT COALESCE(MAX(seq), 0) + 1 FROM movement")).scalar_one()


def allocate_movement_seqs(session: Session, count: int) -> list[int]:
    """`count` seqs for the movements of one batch, in one round trip (gaps are fine; order is what counts)."""
    from sqlalchemy import text

    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(session.execute(text(
            "SELECT nextval(pg_get_serial_sequence('movement', 'seq')) FROM generate_series(1, :n)"), {"n": count}).scalars())
    start = session.execute(text("SELECT COALESCE(MAX(seq), 0) + 1 FROM movement")).scalar_one()
    return list(range(start, start + count))
