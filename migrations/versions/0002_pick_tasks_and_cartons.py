"""pick tasks and cartons

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pick_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['warehouse_id'], ['location.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('carton',
    sa.Column('sscc', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], ),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], ),
    sa.PrimaryKeyConstraint('sscc')
    )
    with op.batch_alter_table('carton', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carton_order_id'), ['order_id'], unique=False)

    op.create_table('pick_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('tote_location_id', sa.Integer(), nullable=True),
    sa.Column('lot', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('expiry', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('walk_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('qty_picked', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], ),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_line.id'], ),
    sa.ForeignKeyConstraint(['task_id'], ['pick_task.id'], ),
    sa.ForeignKeyConstraint(['tote_location_id'], ['location.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pick_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pick_step_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index('ix_pick_step_task_walk', ['task_id', 'walk_key'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pick_step', schema=None) as batch_op:
        batch_op.drop_index('ix_pick_step_task_walk')
        batch_op.drop_index(batch_op.f('ix_pick_step_order_line_id'))

    op.drop_table('pick_step')
    with op.batch_alter_table('carton', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carton_order_id'))

    op.drop_table('carton')
    op.drop_table('pick_task')
