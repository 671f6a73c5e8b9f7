"""Transfer orders: stock sent from one warehouse of ours to another, shipped there and received here."""
from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from webapp.domain.clock import utcnow


class TransferOrder(SQLModel, table=True):
    __tablename__ = "transfer_order"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    from_warehouse_id: int = Field(foreign_key="location.id")
    to_warehouse_id: int = Field(foreign_key="location.id")
    status: str = Field(default="open", max_length=16)  # open, closed
    intake_sha256: str = Field(max_length=64)  # the creating body, for idempotency by number
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None


class TransferOrderLine(SQLModel, table=True):
    """`qty_shipped` and `qty_received` are a cache of the dispatch and receive movements that counted against
    this transfer order (the rebuild recomputes in transit from those movements, not from these columns)."""

    __tablename__ = "transfer_order_line"
    __table_args__ = (UniqueConstraint("transfer_order_id", "line_no"),)
    id: int | None = Field(default=None, primary_key=True)
    transfer_order_id: int = Field(foreign_key="transfer_order.id", index=True)
    line_no: int
    item_id: int = Field(foreign_key="item.id")
    qty: int
    qty_shipped: int = Field(default=0, sa_type=BigInteger)  # many shipments may pass 2**31 in all
    qty_received: int = Field(default=0, sa_type=BigInteger)
