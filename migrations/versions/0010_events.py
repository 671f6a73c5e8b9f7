"""events: what live screens are told, one row per event, written with what it reports

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0010"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False, autoincrement=True),
        sa.Column("topic", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=True),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["warehouse_id"], ["location.id"]),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_event_at", "event", ["at"])


def downgrade() -> None:
    op.drop_index("ix_event_at", table_name="event")
    op.drop_table("event")
