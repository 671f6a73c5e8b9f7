"""What happened, for live screens: one row per event, written in the transaction of what it reports."""
from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from webapp.db.ledger_tables import SEQ_TYPE
from webapp.domain.clock import utcnow


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (Index("ix_event_at", "at"),)
    seq: int | None = Field(default=None, sa_column=Column(SEQ_TYPE, primary_key=True, autoincrement=True))
    topic: str = Field(max_length=16)  # movements, exceptions, orders, counts, stock, alerts
    warehouse_id: int | None = Field(default=None, foreign_key="location.id")
    at: datetime = Field(default_factory=utcnow)
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON
