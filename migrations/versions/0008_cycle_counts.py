"""cycle counts: counts, the locations they froze, their lines

Revision ID: 0008
Revises: 0004
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0008"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stock_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("item_ids", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("freeze_seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["warehouse_id"], ["location.id"]),
        sa.ForeignKeyConstraint(["assigned_to_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_stock_count_state", "stock_count", ["state"])
    op.create_table(
        "count_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("count_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["count_id"], ["stock_count.id"]),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("count_id", "location_id"),
    )
    op.create_index("ix_count_location_location", "count_location", ["location_id"])
    op.create_table(
        "count_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("count_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("lot", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at_freeze", sa.BigInteger(), nullable=False),
        sa.Column("expected", sa.BigInteger(), nullable=True),
        sa.Column("counted", sa.BigInteger(), nullable=True),
        sa.Column("counted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("blocks", sa.Boolean(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("adjustment_seq", sa.BigInteger(), nullable=True),
        sa.Column("recount_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["count_id"], ["stock_count.id"]),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["approved_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["recount_id"], ["stock_count.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("count_id", "line_no"),
    )
    op.create_index("ix_count_line_item", "count_line", ["item_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_count_line_item", table_name="count_line")
    op.drop_table("count_line")
    op.drop_index("ix_count_location_location", table_name="count_location")
    op.drop_table("count_location")
    op.drop_index("ix_stock_count_state", table_name="stock_count")
    op.drop_table("stock_count")
