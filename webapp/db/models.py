"""Tables for people, devices, the catalogue (items, barcodes, pack sizes, suppliers) and locations.

Times are aware UTC datetimes (timestamptz on PostgreSQL); the web layer renders them with a `Z`.
"""
from datetime import datetime

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from webapp.domain.clock import utcnow


class User(SQLModel, table=True):
    __tablename__ = "person"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, sa_column_kwargs={"unique": True}, nullable=False)
    password_hash: str = Field(max_length=255)
    roles: str = Field(default="", max_length=255, description="comma-separated role names")
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="person.id", index=True)
    token_sha256: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    name: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})
    created_at: datetime = Field(default_factory=utcnow)
    # written at most once a minute per token: a machine client's every request is not a write
    last_used_at: datetime | None = Field(default=None)
    revoked: bool = Field(default=False)
    revoked_at: datetime | None = Field(default=None)


class AuthSession(SQLModel, table=True):
    """A signed-in browser session, ended on the server by sign-out (the cookie alone proves nothing).

    `id` is the SHA-256 of the secret the cookie carries, so reading this table opens no session.
    `device_id` is the device named at sign-in: the session may sync for that device only.
    """

    __tablename__ = "auth_session"
    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="person.id", index=True)
    device_id: str | None = Field(default=None, foreign_key="device.id", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = Field(default=None)


class LoginThrottle(SQLModel, table=True):
    """One row per rate-limit bucket: locked while its failures are pruned, counted and added."""

    __tablename__ = "login_throttle"
    bucket: str = Field(primary_key=True, max_length=80)
    touched_at: datetime = Field(default_factory=utcnow, index=True)


class LoginFailure(SQLModel, table=True):
    """One failed (or still being checked) sign-in, one row per bucket it counts against."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_bucket_at", "bucket", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, index=True)
    remote_addr: str = Field(max_length=64, index=True)
    bucket: str = Field(default="", max_length=80, sa_column_kwargs={"server_default": ""})
    at: datetime = Field(default_factory=utcnow, index=True)


class Device(SQLModel, table=True):
    __tablename__ = "device"
    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(default="", max_length=120)
    status: str = Field(default="active", max_length=16)  # active, retired, blocked
    first_seen_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    last_device_seq: int = Field(default=0, sa_type=BigInteger)
    # What the device said at its last sync: scans still waiting in its outbox after that sync (a hint).
    queued_scans: int | None = Field(default=None)
    queued_reported_at: datetime | None = None


class DeviceSignin(SQLModel, table=True):
    """Who has signed in on which device: a device may send scans made by them."""

    __tablename__ = "device_signin"
    __table_args__ = (UniqueConstraint("device_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    device_id: str = Field(foreign_key="device.id", max_length=64)
    user_id: int = Field(foreign_key="person.id")
    last_at: datetime = Field(default_factory=utcnow)


class Supplier(SQLModel, table=True):
    __tablename__ = "supplier"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=200)
    lead_time_days: int = Field(default=7)


class Item(SQLModel, table=True):
    __tablename__ = "item"
    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=200)
    base_uom: str = Field(default="EA", max_length=16)
    unit_cost_cents: int = Field(default=0)
    reorder_point: int = Field(default=0)
    reorder_qty: int = Field(default=0)
    safety_stock: int = Field(default=0)
    abc_class: str = Field(default="C", max_length=1)
    temperature: str = Field(default="ambient", max_length=16)  # ambient, chilled, frozen
    category: str = Field(default="", max_length=64)
    lot_tracked: bool = Field(default=False)
    supplier_id: int | None = Field(default=None, foreign_key="supplier.id")
    created_at: datetime = Field(default_factory=utcnow)


class ItemUom(SQLModel, table=True):
    """A pack size of an item: `factor` base units in one `code` (EA is always 1)."""

    __tablename__ = "item_uom"
    __table_args__ = (UniqueConstraint("item_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    code: str = Field(max_length=16)
    factor: int = Field(default=1)


class ItemBarcode(SQLModel, table=True):
    """A barcode that means one `uom` of an item; GTINs are stored as 14 digits."""

    __tablename__ = "item_barcode"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    item_id: int = Field(foreign_key="item.id", index=True)
    uom: str = Field(default="EA", max_length=16)


class Location(SQLModel, table=True):
    """warehouse → zone → aisle → bin, plus docks, totes, pack stations, outbound lanes, cartons.

    A location's code is also its barcode.
    """

    __tablename__ = "location"
    __table_args__ = (Index("ix_location_warehouse_walk", "warehouse_id", "walk_key"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    kind: str = Field(max_length=16)
    name: str = Field(default="", max_length=200)
    parent_id: int | None = Field(default=None, foreign_key="location.id", index=True)
    warehouse_id: int | None = Field(default=None, foreign_key="location.id")
    timezone: str = Field(default="UTC", max_length=64)
    temperature: str = Field(default="", max_length=16)
    level: int = Field(default=0)
    walk_key: str = Field(default="", max_length=64)
    frozen: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)
