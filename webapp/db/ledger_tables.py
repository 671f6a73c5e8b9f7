"""The ledger (append-only movements) and its projection (stock levels and the five numbers).

`movement` rows are never updated or deleted; `stock_level` and `stock_total` are a cache
of the ledger written in the same transaction as each movement, rebuildable at any time.
"""
from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, PrimaryKeyConstraint
from sqlmodel import Field, SQLModel

from webapp.domain.clock import utcnow

# What grows with the ledger is 64-bit; on SQLite an INTEGER primary key is the (already 64-bit) rowid.
SEQ_TYPE = BigInteger().with_variant(Integer, "sqlite")


class Movement(SQLModel, table=True):
    __tablename__ = "movement"
    __table_args__ = (
        Index("ix_movement_item_wh_seq", "item_id", "warehouse_id", "seq"),
        Index("ix_movement_ref", "ref"),
    )
    seq: int | None = Field(default=None, sa_column=Column(SEQ_TYPE, primary_key=True, autoincrement=True))
    id: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    kind: str = Field(max_length=16)  # the floor kind: receive, pick, dispatch, adjust, ...
    effect: str = Field(max_length=16)  # the ledger kind: receipt, issue, transfer, adjustment_in, ...
    item_id: int = Field(foreign_key="item.id")
    warehouse_id: int = Field(foreign_key="location.id")
    from_location_id: int | None = Field(default=None, foreign_key="location.id")
    to_location_id: int | None = Field(default=None, foreign_key="location.id")
    lot: str = Field(default="", max_length=64)
    expiry: str = Field(default="", max_length=10)
    qty_base: int
    uom: str = Field(default="EA", max_length=16)
    qty_scanned: int
    ref: str = Field(default="", max_length=64)
    reason: str = Field(default="", max_length=200)
    corrects_seq: int | None = Field(default=None, sa_type=BigInteger)
    scanned_by_id: int | None = Field(default=None, foreign_key="person.id")
    sent_by_id: int | None = Field(default=None, foreign_key="person.id")
    device_id: str = Field(default="", max_length=64)
    device_seq: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    occurred_at: datetime
    recorded_at: datetime
    from_balance_after: int | None = Field(default=None, sa_type=BigInteger)
    to_balance_after: int | None = Field(default=None, sa_type=BigInteger)
    flags: str = Field(default="", max_length=255)
    content_hash: str = Field(max_length=64)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class StockLevel(SQLModel, table=True):
    """What is at one location, per item and lot (lot '' when untracked)."""

    __tablename__ = "stock_level"
    __table_args__ = (
        PrimaryKeyConstraint("item_id", "location_id", "lot"),
        Index("ix_stock_level_location", "location_id"),
    )
    item_id: int = Field(sa_column=Column(Integer, ForeignKey("item.id"), nullable=False))
    location_id: int = Field(sa_column=Column(Integer, ForeignKey("location.id"), nullable=False))
    lot: str = Field(default="", max_length=64)
    warehouse_id: int = Field(foreign_key="location.id")
    expiry: str = Field(default="", max_length=10)
    qty: int = Field(default=0, sa_type=BigInteger)


class StockTotal(SQLModel, table=True):
    """The five numbers for an item in a warehouse, and the head of its hash chain.

    Every write to an item's stock locks this row first (`SELECT … FOR UPDATE`), so the
    chain never forks and reservations never oversell.
    """

    __tablename__ = "stock_total"
    __table_args__ = (PrimaryKeyConstraint("item_id", "warehouse_id"),)
    item_id: int = Field(sa_column=Column(Integer, ForeignKey("item.id"), nullable=False))
    warehouse_id: int = Field(sa_column=Column(Integer, ForeignKey("location.id"), nullable=False))
    on_hand: int = Field(default=0, sa_type=BigInteger)
    reserved: int = Field(default=0, sa_type=BigInteger)
    committed: int = Field(default=0, sa_type=BigInteger)
    in_transit: int = Field(default=0, sa_type=BigInteger)
    quarantined: int = Field(default=0, sa_type=BigInteger)  # on hand in quarantine locations: never available
    blocked: bool = Field(default=False)
    chain_head: str = Field(default="", max_length=64)
    chain_length: int = Field(default=0, sa_type=BigInteger)


class Reservation(SQLModel, table=True):
    __tablename__ = "reservation"
    __table_args__ = (Index("ix_reservation_item_wh_status", "item_id", "warehouse_id", "status"),
                      Index("ix_reservation_status_expires_at", "status", "expires_at"))
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id")
    warehouse_id: int = Field(foreign_key="location.id")
    qty: int  # still reserved (base units)
    qty_requested: int
    ref: str = Field(default="", max_length=64)
    order_line_id: int | None = Field(default=None, foreign_key="order_line.id", index=True)
    status: str = Field(default="open", max_length=16)  # open, released, consumed
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    expires_at: datetime | None = None  # standalone reservations only: released by the server after this
    release_reason: str = Field(default="", max_length=32, sa_column_kwargs={"server_default": ""})  # "expired"
