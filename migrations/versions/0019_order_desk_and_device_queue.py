"""order desk and device hints: removed order lines' numbers are never reused; a device's queued-scan hint

`sales_order.highest_line_no` is the highest line number an order ever had (a new line gets the next one, so
a removed line's number stays its own in the history). `device.queued_scans` is how many scans still waited
in the device's outbox after its last sync, as the device reported it, at `queued_reported_at`.

Revision ID: 0019
Revises: 0010
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sales_order") as batch_op:
        batch_op.add_column(sa.Column("highest_line_no", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("device") as batch_op:
        batch_op.add_column(sa.Column("queued_scans", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("queued_reported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("device") as batch_op:
        batch_op.drop_column("queued_reported_at")
        batch_op.drop_column("queued_scans")
    with op.batch_alter_table("sales_order") as batch_op:
        batch_op.drop_column("highest_line_no")
