"""server-side sessions (bound to a device at sign-in) and sign-in throttle buckets

A session lives in `auth_session` so that signing out, or deactivating a person, ends it on the
server. Failed sign-ins are counted per bucket (name and address, name and device, address); a
`login_throttle` row per bucket is the lock that makes prune, count and insert one atomic step.

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_session",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["person.id"], name="fk_auth_session_user_id_person"),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name="fk_auth_session_device_id_device"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("auth_session") as batch_op:
        batch_op.create_index("ix_auth_session_user_id", ["user_id"], unique=False)

    op.create_table(
        "login_throttle",
        sa.Column("bucket", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("touched_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("bucket"),
    )
    with op.batch_alter_table("login_throttle") as batch_op:
        batch_op.create_index("ix_login_throttle_touched_at", ["touched_at"], unique=False)

    with op.batch_alter_table("login_failure") as batch_op:
        batch_op.add_column(sa.Column("bucket", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False,
                                      server_default=""))
        batch_op.create_index("ix_login_failure_bucket_at", ["bucket", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_failure") as batch_op:
        batch_op.drop_index("ix_login_failure_bucket_at")
        batch_op.drop_column("bucket")
    with op.batch_alter_table("login_throttle") as batch_op:
        batch_op.drop_index("ix_login_throttle_touched_at")
    op.drop_table("login_throttle")
    with op.batch_alter_table("auth_session") as batch_op:
        batch_op.drop_index("ix_auth_session_user_id")
    op.drop_table("auth_session")
