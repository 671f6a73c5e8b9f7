"""items carry a category (for reports and putaway rules), settable at creation and by PATCH

Revision ID: 0012
Revises: 0009
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("item") as batch_op:
        batch_op.add_column(sa.Column("category", sa.String(length=64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("item") as batch_op:
        batch_op.drop_column("category")
