"""Floor work in progress: pick tasks and their steps (bin by bin), and cartons with their SSCCs."""
from datetime import datetime

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, SQLModel

from webapp.domain.clock import utcnow


class PickTask(SQLModel, table=True):
    """One walk: one order (single picking) or several (batch picking), each order into its own tote."""

    __tablename__ = "pick_task"
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = Field(foreign_key="location.id")
    status: str = Field(default="open", max_length=16)  # open, done
    picker_id: int | None = Field(default=None, foreign_key="person.id")  # who claimed the walk (first pick scan)
    created_at: datetime = Field(default_factory=utcnow)


class PickStep(SQLModel, table=True):
    __tablename__ = "pick_step"
    __table_args__ = (Index("ix_pick_step_task_walk", "task_id", "walk_key"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="pick_task.id")
    order_line_id: int = Field(foreign_key="order_line.id", index=True)
    location_id: int = Field(foreign_key="location.id")
    tote_location_id: int | None = Field(default=None, foreign_key="location.id")
    lot: str = Field(default="", max_length=64)
    expiry: str = Field(default="", max_length=10)
    walk_key: str = Field(default="", max_length=64)
    qty: int
    qty_picked: int = Field(default=0)
    status: str = Field(default="open", max_length=16)  # open, picked, short


class Carton(SQLModel, table=True):
    """A shipping carton: its code is its SSCC, and it is also a location (kind carton) goods are packed into."""

    __tablename__ = "carton"
    sscc: str = Field(primary_key=True, max_length=18)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    location_id: int = Field(foreign_key="location.id")
    status: str = Field(default="open", max_length=16)  # open, closed, dispatched
    weight_g: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class SsccBlock(SQLModel, table=True):
    """A block of SSCC serials issued to one device, so its packer can open cartons offline. Serials are
    block id × size onwards, under extension digit 1 (the server's own cartons use 0): never reused, never
    shared between devices."""

    __tablename__ = "sscc_block"
    id: int | None = Field(default=None, primary_key=True)
    device_id: str = Field(max_length=64, index=True)
    company_prefix: str = Field(max_length=12)
    first_serial: int = Field(sa_type=BigInteger)
    count: int
    issued_to_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
