"""Cycle counts: a count (its scope and state), the locations it froze, and its lines.

What was counted is not stored here: it is the `count` movements in the ledger (ref = the count id).
A line keeps the quantity recorded at freeze and, from the close on, its expected, counted and
variance figures and what the supervisor decided.
"""
from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from webapp.domain.clock import utcnow


class StockCount(SQLModel, table=True):
    __tablename__ = "stock_count"
    __table_args__ = (Index("ix_stock_count_state", "state"),)
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = Field(foreign_key="location.id")
    state: str = Field(default="counting", max_length=16)  # counting, needs_signoff, closed
    origin: str = Field(default="supervisor", max_length=32)  # supervisor, schedule, short_pick, negative_stock, recount
    item_ids: str = Field(default="", max_length=2000)  # comma-separated: only these items ("" = everything there)
    assigned_to_id: int | None = Field(default=None, foreign_key="person.id")
    note: str = Field(default="", sa_type=Text)
    # The last movement seq the freeze saw: movements after it are "during the count".
    freeze_seq: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None  # when counting stopped (the close)
    finished_at: datetime | None = None  # when every line was resolved and the locations unfrozen


class CountLocation(SQLModel, table=True):
    __tablename__ = "count_location"
    __table_args__ = (UniqueConstraint("count_id", "location_id"), Index("ix_count_location_location", "location_id"))
    id: int | None = Field(default=None, primary_key=True)
    count_id: int = Field(foreign_key="stock_count.id")
    location_id: int = Field(foreign_key="location.id")


class CountLine(SQLModel, table=True):
    __tablename__ = "count_line"
    __table_args__ = (UniqueConstraint("count_id", "line_no"), Index("ix_count_line_item", "item_id", "status"))
    id: int | None = Field(default=None, primary_key=True)
    count_id: int = Field(foreign_key="stock_count.id")
    line_no: int
    location_id: int = Field(foreign_key="location.id")
    item_id: int = Field(foreign_key="item.id")
    lot: str = Field(default="", max_length=64)
    at_freeze: int = Field(default=0, sa_type=BigInteger)
    expected: int | None = Field(default=None, sa_type=BigInteger)
    counted: int | None = Field(default=None, sa_type=BigInteger)
    counted_at: datetime | None = None
    status: str = Field(default="counting", max_length=16)  # counting, approved, needs_signoff, recount
    blocks: bool = Field(default=False)  # over 10 %: the item takes no new reservations while unresolved
    approved_by_id: int | None = Field(default=None, foreign_key="person.id")
    approved_at: datetime | None = None
    reason: str = Field(default="", max_length=32)
    note: str = Field(default="", sa_type=Text)
    adjustment_seq: int | None = Field(default=None, sa_type=BigInteger)
    recount_id: int | None = Field(default=None, foreign_key="stock_count.id")
