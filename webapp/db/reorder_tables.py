"""Reorder drafts: purchase orders a supervisor has not approved yet. They live apart from `purchase_order`, so a
draft is never counted in transit, never listed as a purchase order and never received against."""
from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from webapp.domain.clock import utcnow


class ReorderDraft(SQLModel, table=True):
    """One supplier's suggested order for one warehouse (supplier NULL: the items that have no supplier)."""

    __tablename__ = "reorder_draft"
    __table_args__ = (Index("ix_reorder_draft_status", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    warehouse_id: int = Field(foreign_key="location.id")
    supplier_id: int | None = Field(default=None, foreign_key="supplier.id")
    status: str = Field(default="draft", max_length=16)  # draft, approved, discarded
    method: str = Field(default="static", max_length=16)  # static, dynamic
    velocity_days: int = Field(default=0)
    created_by_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow)
    decided_by_id: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = None
    purchase_order_id: int | None = Field(default=None, foreign_key="purchase_order.id")


class ReorderDraftLine(SQLModel, table=True):
    """An item on a draft: the quantity to order (edited by people) beside what the rule saw and suggested."""

    __tablename__ = "reorder_draft_line"
    __table_args__ = (UniqueConstraint("draft_id", "item_id"),)
    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="reorder_draft.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    qty: int
    suggested_qty: int
    reorder_point: int
    position: int  # available + in transit when the draft was made
