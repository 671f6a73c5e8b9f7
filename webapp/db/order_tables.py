"""Customer orders, purchase orders, and what the supervisor must look at (exceptions, rejects)."""
from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from webapp.db.ledger_tables import SEQ_TYPE
from webapp.domain.clock import utcnow


class SalesOrder(SQLModel, table=True):
    __tablename__ = "sales_order"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    state: str = Field(max_length=16, index=True)
    warehouse_id: int = Field(foreign_key="location.id")
    ship_to: str = Field(default="{}", sa_type=Text)  # JSON
    notes: str = Field(default="", sa_type=Text)
    intake_sha256: str = Field(max_length=64)
    # The highest line number the order ever had: a removed line's number is never reused (history names lines).
    highest_line_no: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)
    state_changed_at: datetime = Field(default_factory=utcnow)


class OrderLine(SQLModel, table=True):
    __tablename__ = "order_line"
    __table_args__ = (UniqueConstraint("order_id", "line_no"),)
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    line_no: int
    item_id: int = Field(foreign_key="item.id")
    qty: int
    unit_price: str = Field(default="", max_length=32)
    qty_picked: int = Field(default=0)
    qty_packed: int = Field(default=0)
    qty_dispatched: int = Field(default=0)


class OrderEvent(SQLModel, table=True):
    """One transition or edit of an order: who, when, why."""

    __tablename__ = "order_event"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    from_state: str = Field(default="", max_length=16)
    to_state: str = Field(default="", max_length=16)
    action: str = Field(default="transition", max_length=32)
    user_id: int | None = Field(default=None, foreign_key="person.id")
    reason: str = Field(default="", sa_type=Text)
    at: datetime = Field(default_factory=utcnow)


class PurchaseOrder(SQLModel, table=True):
    __tablename__ = "purchase_order"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    supplier_id: int = Field(foreign_key="supplier.id")
    warehouse_id: int = Field(foreign_key="location.id")
    status: str = Field(default="open", max_length=16)  # open, closed
    expected_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class PurchaseOrderLine(SQLModel, table=True):
    __tablename__ = "purchase_order_line"
    id: int | None = Field(default=None, primary_key=True)
    purchase_order_id: int = Field(foreign_key="purchase_order.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    qty: int
    qty_received: int = Field(default=0)


class ExceptionRecord(SQLModel, table=True):
    """A fact from the floor that a supervisor must look at (a flag on an applied movement)."""

    __tablename__ = "exception_record"
    __table_args__ = (Index("ix_exception_open", "resolved_at"),)
    id: int | None = Field(default=None, sa_column=Column(SEQ_TYPE, primary_key=True, autoincrement=True))
    code: str = Field(max_length=32)
    movement_seq: int | None = Field(default=None, sa_column=Column(BigInteger, ForeignKey("movement.seq"), nullable=True))
    item_id: int | None = Field(default=None, foreign_key="item.id")
    location_id: int | None = Field(default=None, foreign_key="location.id")
    ref: str = Field(default="", max_length=64)
    detail: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    resolved_at: datetime | None = None
    resolved_by_id: int | None = Field(default=None, foreign_key="person.id")
    note: str = Field(default="", sa_type=Text)
    photo: str | None = Field(default=None, max_length=36)  # a damaged receipt's photo (table photo)


class RejectedMovement(SQLModel, table=True):
    """A movement the server refused, kept whole with its reason for the supervisor."""

    __tablename__ = "rejected_movement"
    __table_args__ = (Index("ix_rejected_open", "resolved_at"),)
    id: int | None = Field(default=None, sa_column=Column(SEQ_TYPE, primary_key=True, autoincrement=True))
    device_id: str = Field(default="", max_length=64)
    movement_id: str | None = Field(default=None, max_length=64)
    payload: str = Field(sa_type=Text)
    code: str = Field(max_length=32)
    message: str = Field(default="", sa_type=Text)
    sent_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    resolved_at: datetime | None = None
    resolved_by_id: int | None = Field(default=None, foreign_key="person.id")
    note: str = Field(default="", sa_type=Text)
    resubmitted_movement_id: str | None = Field(default=None, max_length=64)


class CountTask(SQLModel, table=True):
    """A request to count a location (after a short pick, or scheduled)."""

    __tablename__ = "count_task"
    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="item.id")
    reason: str = Field(default="", max_length=200)
    status: str = Field(default="open", max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
