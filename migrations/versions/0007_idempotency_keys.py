"""Idempotency-Key: what a person's creating POST answered, kept 24 hours so that a retry gets it again

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("request_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_idempotency_key_person_id_person"),
        sa.PrimaryKeyConstraint("id"),
        # The database decides which of two racing requests with the same key creates: the other fails here.
        sa.UniqueConstraint("person_id", "key", name="uq_idempotency_key_person_key"),
    )
    with op.batch_alter_table("idempotency_key") as batch_op:
        batch_op.create_index("ix_idempotency_key_person_created", ["person_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("idempotency_key") as batch_op:
        batch_op.drop_index("ix_idempotency_key_person_created")
    op.drop_table("idempotency_key")
