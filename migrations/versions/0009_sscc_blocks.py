"""SSCC serial blocks issued to devices, for packing offline

Revision ID: 0009
Revises: 0004
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sscc_block",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("company_prefix", sa.String(length=12), nullable=False),
        sa.Column("first_serial", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("issued_to_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    )
    op.create_index("ix_sscc_block_device_id", "sscc_block", ["device_id"])


def downgrade() -> None:
    op.drop_index("ix_sscc_block_device_id", table_name="sscc_block")
    op.drop_table("sscc_block")
