"""alerts: one row per episode of a cause (stuck order, discrepancy, negative stock, blocked device), its
acknowledgement, and its webhook delivery state (the outbox a background sender works from)

Revision ID: 0017
Revises: 0010
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cause", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("cause_key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("raised_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("cleared_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("acknowledged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("webhook_state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("webhook_attempts", sa.Integer(), nullable=False),
        sa.Column("webhook_next_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("webhook_error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["warehouse_id"], ["location.id"], name="fk_alert_warehouse_id_location"),
        sa.ForeignKeyConstraint(["acknowledged_by_id"], ["person.id"], name="fk_alert_acknowledged_by_id_person"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cause"),
    )
    op.create_index("ix_alert_cause_key", "alert", ["cause_key"])
    op.create_index("ix_alert_webhook_due", "alert", ["webhook_state", "webhook_next_at"])
    op.create_index("ux_alert_open_cause", "alert", ["cause_key"], unique=True,
                    postgresql_where=sa.text("cleared_at IS NULL"), sqlite_where=sa.text("cleared_at IS NULL"))


def downgrade() -> None:
    op.drop_index("ux_alert_open_cause", table_name="alert")
    op.drop_index("ix_alert_webhook_due", table_name="alert")
    op.drop_index("ix_alert_cause_key", table_name="alert")
    op.drop_table("alert")
