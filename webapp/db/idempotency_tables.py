"""What a creating POST answered under an Idempotency-Key, so that a retry gets the same answer (24 hours)."""
from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from webapp.domain.clock import utcnow


class IdempotencyKey(SQLModel, table=True):
    __tablename__ = "idempotency_key"
    __table_args__ = (
        UniqueConstraint("person_id", "key", name="uq_idempotency_key_person_key"),
        Index("ix_idempotency_key_person_created", "person_id", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    key: str = Field(max_length=64)
    request_hash: str = Field(max_length=64)  # method, path and body: the same key with another body is a conflict
    status_code: int
    response_body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
