"""Advance ship notices (inbound shipments): pallets by SSCC and their expected lines; photos from the floor."""
from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from webapp.domain.clock import utcnow


class InboundShipment(SQLModel, table=True):
    """A supplier's notice of what is on its way. Its number shares one namespace with purchase orders: a
    receipt's `ref` names one or the other, never both."""

    __tablename__ = "inbound_shipment"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    supplier_id: int | None = Field(default=None, foreign_key="supplier.id")
    warehouse_id: int = Field(foreign_key="location.id")
    status: str = Field(default="open", max_length=16)  # open, closed
    expected_at: datetime | None = None
    intake_sha256: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class InboundPallet(SQLModel, table=True):
    __tablename__ = "inbound_pallet"
    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="inbound_shipment.id", index=True)
    sscc: str = Field(max_length=18, sa_column_kwargs={"unique": True})


class InboundLine(SQLModel, table=True):
    """An expected line. One linked to a purchase-order line adds nothing to in transit (the purchase order's
    open quantity already counts it); an unlinked one counts until received."""

    __tablename__ = "inbound_line"
    __table_args__ = (UniqueConstraint("shipment_id", "line_no"),)
    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="inbound_shipment.id", index=True)
    pallet_id: int = Field(foreign_key="inbound_pallet.id", index=True)
    line_no: int
    item_id: int = Field(foreign_key="item.id")
    qty: int
    qty_received: int = Field(default=0)
    lot: str = Field(default="", max_length=64)
    expiry: str = Field(default="", max_length=10)
    po_line_id: int | None = Field(default=None, foreign_key="purchase_order_line.id")


class Photo(SQLModel, table=True):
    """A photo taken on a device (damaged goods), uploaded once under the id the device gave it."""

    __tablename__ = "photo"
    id: str = Field(primary_key=True, max_length=36)
    content_type: str = Field(max_length=32)
    sha256: str = Field(max_length=64)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)


__all__ = ["InboundShipment", "InboundPallet", "InboundLine", "Photo"]
