"""device sequence numbers and stock quantities as 64-bit integers

A device's sequence may be up to 2**62 (the contract), and a location's balance may pass
2**31 - 1. SQLite's INTEGER is already 64-bit (and a batch alter would rebuild the movement
table without its append-only triggers), so only PostgreSQL is altered.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = [
    ("device", "last_device_seq"),
    ("stock_level", "qty"),
    ("stock_total", "on_hand"),
    ("stock_total", "reserved"),
    ("stock_total", "committed"),
    ("stock_total", "in_transit"),
    ("movement", "from_balance_after"),
    ("movement", "to_balance_after"),
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger())
