"""quarantine locations: stock there is on hand but never available (stock_total.quarantined)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stock_total") as batch_op:
        batch_op.add_column(sa.Column("quarantined", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("stock_total") as batch_op:
        batch_op.drop_column("quarantined")
