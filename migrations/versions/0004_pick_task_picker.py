"""a walk belongs to the picker who claims it (the first pick scan)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pick_task") as batch_op:
        batch_op.add_column(sa.Column("picker_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_pick_task_picker_id_person", "person", ["picker_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("pick_task") as batch_op:
        batch_op.drop_constraint("fk_pick_task_picker_id_person", type_="foreignkey")
        batch_op.drop_column("picker_id")
