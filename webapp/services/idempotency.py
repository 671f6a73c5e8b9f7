"""Claiming an Idempotency-Key inside the transaction of the request that uses it.

The claim is the first write of the transaction, before the use case runs: a racing request with the
same key waits on the unique index (PostgreSQL) or on the write lock (SQLite) and then finds the key
taken, so it never does the work a second time. The answer is written into the claimed row just before
the same transaction commits, so a stored key always carries the answer of what was created.
"""
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from webapp.db.idempotency_tables import IdempotencyKey
from webapp.domain.clock import utcnow
from webapp.domain.idempotency import WINDOW


@dataclass(frozen=True)
class EarlierAnswer:
    fingerprint: str
    status_code: int
    body: str


def find(session: Session, person_id: int, key: str) -> EarlierAnswer | None:
    """The answer stored under this key in the last 24 hours, if any."""
    row = session.scalar(select(IdempotencyKey).where(IdempotencyKey.person_id == person_id,
                                                      IdempotencyKey.key == key))
    if row is None or row.created_at < utcnow() - WINDOW:
        return None
    return EarlierAnswer(row.request_hash, row.status_code, row.response_body)


def claim(session: Session, person_id: int, key: str, fingerprint: str) -> EarlierAnswer | None:
    """The earlier answer under this key; or None, and the key is now this transaction's (flushed, so
    that a racing claim meets the unique constraint). Raises IntegrityError when a racer claimed first."""
    earlier = find(session, person_id, key)
    if earlier is not None:
        return earlier
    # This person's keys past 24 hours (this one included) are forgotten: the table stays small.
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.person_id == person_id,
                                                 IdempotencyKey.created_at < utcnow() - WINDOW))
    session.add(IdempotencyKey(person_id=person_id, key=key, request_hash=fingerprint, status_code=0,
                               response_body=""))
    session.flush()
    return None


def record_answer(session: Session, person_id: int, key: str, status_code: int, body: str) -> None:
    # One UPDATE, no read first: it runs while the use case's row locks (a hot item's total) are still held.
    session.execute(update(IdempotencyKey.__table__).where(
        IdempotencyKey.person_id == person_id, IdempotencyKey.key == key).values(status_code=status_code,
                                                                                 response_body=body))


def give_back(session: Session, person_id: int, key: str) -> None:
    """The request created nothing (it answered an error): a retry with this key may try again."""
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.person_id == person_id, IdempotencyKey.key == key))
