"""transfer orders between warehouses: the order and its lines (shipped and received as the floor scans them)

Revision ID: 0015
Revises: 0010
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transfer_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("from_warehouse_id", sa.Integer(), nullable=False),
        sa.Column("to_warehouse_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("intake_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["from_warehouse_id"], ["location.id"]),
        sa.ForeignKeyConstraint(["to_warehouse_id"], ["location.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    op.create_table(
        "transfer_order_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transfer_order_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("qty_shipped", sa.BigInteger(), nullable=False),
        sa.Column("qty_received", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["transfer_order_id"], ["transfer_order.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("transfer_order_id", "line_no"),
    )
    op.create_index("ix_transfer_order_line_transfer_order_id", "transfer_order_line", ["transfer_order_id"])


def downgrade() -> None:
    op.drop_index("ix_transfer_order_line_transfer_order_id", table_name="transfer_order_line")
    op.drop_table("transfer_order_line")
    op.drop_table("transfer_order")
