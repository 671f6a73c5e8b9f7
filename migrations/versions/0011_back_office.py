"""back office: named API tokens with last use and revocation time; settings with an audit history

Reservations may carry `expires_at`; an expired one is released with `release_reason` "expired".
Tokens get a `name`, `last_used_at` and `revoked_at` (the old `revoked` flag stays the one checked).
`setting` holds an admin's value per key (absent: the app's config default); `setting_change` records
every change with who, when, the old and the new value.

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0011"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.add_column(sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("last_used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    with op.batch_alter_table("reservation") as batch_op:
        batch_op.add_column(sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("release_reason", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False,
                                      server_default=""))
        batch_op.create_index("ix_reservation_status_expires_at", ["status", "expires_at"], unique=False)

    op.create_table(
        "setting",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["person.id"], name="fk_setting_updated_by_id_person"),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "setting_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["changed_by_id"], ["person.id"], name="fk_setting_change_changed_by_id_person"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("setting_change") as batch_op:
        batch_op.create_index("ix_setting_change_key", ["key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("setting_change") as batch_op:
        batch_op.drop_index("ix_setting_change_key")
    op.drop_table("setting_change")
    op.drop_table("setting")
    with op.batch_alter_table("reservation") as batch_op:
        batch_op.drop_index("ix_reservation_status_expires_at")
        batch_op.drop_column("release_reason")
        batch_op.drop_column("expires_at")
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("name")
