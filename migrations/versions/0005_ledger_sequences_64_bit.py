"""movement seq and everything that grows with the ledger as 64-bit integers

`movement.seq` (and its PostgreSQL sequence, created `AS integer` by SERIAL), the columns pointing at a seq
(`movement.corrects_seq`, `exception_record.movement_seq`), the ids of the supervisor's queues that grow with
every flagged or rejected movement, and a chain's length would stop at 2**31 - 1: a busy ledger gets there.
SQLite's INTEGER is already 64-bit (and a batch alter would rebuild the movement table without its
append-only triggers), so only PostgreSQL is altered.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = [
    ("movement", "seq"),
    ("movement", "corrects_seq"),
    ("exception_record", "movement_seq"),
    ("exception_record", "id"),
    ("rejected_movement", "id"),
    ("stock_total", "chain_length"),
]
SERIALS = [("movement", "seq"), ("exception_record", "id"), ("rejected_movement", "id")]


def _sequences_as(type_name: str) -> None:
    for table, column in SERIALS:
        op.execute(f"DO $$ BEGIN EXECUTE format('ALTER SEQUENCE %s AS {type_name}', "
                   f"pg_get_serial_sequence('{table}', '{column}')); END $$")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())
    _sequences_as("bigint")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _sequences_as("integer")
    for table, column in reversed(COLUMNS):
        op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger())
