"""inbound shipments (advance ship notices): pallets by SSCC, expected lines; photos; an exception's photo

A line linked to a purchase-order line (`po_line_id`) never counts in transit itself. `photo` holds the
bytes a device uploaded under its own id; `exception_record.photo` names the photo of a damaged receipt.

Revision ID: 0014
Revises: 0010
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0014"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_shipment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("expected_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("intake_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["supplier_id"], ["supplier.id"]),
        sa.ForeignKeyConstraint(["warehouse_id"], ["location.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    op.create_table(
        "inbound_pallet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("sscc", sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False),
        sa.ForeignKeyConstraint(["shipment_id"], ["inbound_shipment.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sscc"),
    )
    op.create_index("ix_inbound_pallet_shipment_id", "inbound_pallet", ["shipment_id"])
    op.create_table(
        "inbound_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("pallet_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("qty_received", sa.Integer(), nullable=False),
        sa.Column("lot", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expiry", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("po_line_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["shipment_id"], ["inbound_shipment.id"]),
        sa.ForeignKeyConstraint(["pallet_id"], ["inbound_pallet.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.ForeignKeyConstraint(["po_line_id"], ["purchase_order_line.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shipment_id", "line_no"),
    )
    op.create_index("ix_inbound_line_shipment_id", "inbound_line", ["shipment_id"])
    op.create_index("ix_inbound_line_pallet_id", "inbound_line", ["pallet_id"])
    op.create_table(
        "photo",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("exception_record") as batch_op:
        batch_op.add_column(sa.Column("photo", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exception_record") as batch_op:
        batch_op.drop_column("photo")
    op.drop_table("photo")
    op.drop_index("ix_inbound_line_pallet_id", table_name="inbound_line")
    op.drop_index("ix_inbound_line_shipment_id", table_name="inbound_line")
    op.drop_table("inbound_line")
    op.drop_index("ix_inbound_pallet_shipment_id", table_name="inbound_pallet")
    op.drop_table("inbound_pallet")
    op.drop_table("inbound_shipment")
