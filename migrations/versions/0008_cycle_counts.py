"""cycle counts: counts, the locations they froze, their lines

Revision ID: 0008
Revises: 0004
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stock_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("item_ids", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("freeze_seq", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["warehouse_id"], ["location.id"]),
        sa.ForeignKeyConstraint(["assigned_to_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_stock_count_state", "stock_count", ["state"])
    op.create_table(
        "count_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("count_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["count_id"], ["stock_count.id"]),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("count_id", "location_id"),
    )
    op.create_index("ix_count_location_location", "count_location", ["location_id"])
    op.create_table(
        "count_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("count_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("lot", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at_freeze", sa.BigInteger(), nullable=False),
        sa.Column("expected", sa.BigInteger(), nullable=True),
        sa.Column("counted", sa.BigInteger(), nullable=True),
        sa.Column("counted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("blocks", sa.Boolean(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("adjustment_seq", sa.BigInteger(), nullable=True),
        sa.Column("recount_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["count_id"], ["stock_count.id"]),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["approved_by_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["recount_id"], ["stock_count.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("count_id", "line_no"),
    )
    op.create_index("ix_count_line_item", "count_line", ["item_id", "status"])
    _open_count_tasks_become_counts()


def _open_count_tasks_become_counts() -> None:
    """Every open count task (a short pick's bin) becomes a real count of its bin, frozen now with what the
    projection holds there; the task is marked `converted`. One count per bin, like the app makes them."""
    conn = op.get_bind()
    tasks = conn.execute(sa.text(
        "SELECT t.id, t.location_id, t.reason, l.warehouse_id FROM count_task t JOIN location l ON l.id = t.location_id "
        "WHERE t.status = 'open' AND l.warehouse_id IS NOT NULL ORDER BY t.id")).all()
    freeze_seq = conn.execute(sa.text("SELECT COALESCE(MAX(seq), 0) FROM movement")).scalar()
    done_bins = set()
    for task_id, location_id, reason, warehouse_id in tasks:
        conn.execute(sa.text("UPDATE count_task SET status = 'converted' WHERE id = :id"), {"id": task_id})
        if location_id in done_bins:
            continue
        done_bins.add(location_id)
        count_id = conn.execute(sa.text(
            "INSERT INTO stock_count (warehouse_id, state, origin, item_ids, note, freeze_seq, created_at) "
            "VALUES (:w, 'counting', 'short_pick', '', :note, :seq, CURRENT_TIMESTAMP) RETURNING id"),
            {"w": warehouse_id, "note": reason or "count task", "seq": freeze_seq}).scalar()
        conn.execute(sa.text("INSERT INTO count_location (count_id, location_id) VALUES (:c, :l)"),
                     {"c": count_id, "l": location_id})
        levels = conn.execute(sa.text("SELECT item_id, lot, qty FROM stock_level WHERE location_id = :l AND qty <> 0 "
                                      "ORDER BY item_id, lot"), {"l": location_id}).all()
        for line_no, (item_id, lot, qty) in enumerate(levels, start=1):
            conn.execute(sa.text(
                "INSERT INTO count_line (count_id, line_no, location_id, item_id, lot, at_freeze, status, blocks, "
                "reason, note) VALUES (:c, :n, :l, :i, :lot, :q, 'counting', :no, '', '')"),
                {"c": count_id, "n": line_no, "l": location_id, "i": item_id, "lot": lot, "q": qty, "no": False})
        conn.execute(sa.text("UPDATE location SET frozen = :yes WHERE id = :l"), {"yes": True, "l": location_id})


def downgrade() -> None:
    op.drop_index("ix_count_line_item", table_name="count_line")
    op.drop_table("count_line")
    op.drop_index("ix_count_location_location", table_name="count_location")
    op.drop_table("count_location")
    op.drop_index("ix_stock_count_state", table_name="stock_count")
    op.drop_table("stock_count")
