"""reorder drafts: suggested purchase orders per warehouse and supplier, waiting for a supervisor's approval

Kept apart from purchase_order so that nothing is ordered or counted in transit before approval.

Revision ID: 0018
Revises: 0010
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reorder_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("velocity_days", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("purchase_order_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["warehouse_id"], ["location.id"], name="fk_reorder_draft_warehouse_id_location"),
        sa.ForeignKeyConstraint(["supplier_id"], ["supplier.id"], name="fk_reorder_draft_supplier_id_supplier"),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"], name="fk_reorder_draft_created_by_id_person"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["person.id"], name="fk_reorder_draft_decided_by_id_person"),
        sa.ForeignKeyConstraint(["purchase_order_id"], ["purchase_order.id"],
                                name="fk_reorder_draft_purchase_order_id_purchase_order"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reorder_draft") as batch_op:
        batch_op.create_index("ix_reorder_draft_status", ["status"], unique=False)
    op.create_table(
        "reorder_draft_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("suggested_qty", sa.Integer(), nullable=False),
        sa.Column("reorder_point", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["reorder_draft.id"], name="fk_reorder_draft_line_draft_id_reorder_draft"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name="fk_reorder_draft_line_item_id_item"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("draft_id", "item_id", name="uq_reorder_draft_line_draft_id_item_id"),
    )
    with op.batch_alter_table("reorder_draft_line") as batch_op:
        batch_op.create_index("ix_reorder_draft_line_draft_id", ["draft_id"], unique=False)


def downgrade() -> None:
    op.drop_table("reorder_draft_line")
    op.drop_table("reorder_draft")
