"""Settings an admin changes at run time (stored as JSON text per key) and the history of every change."""
from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from webapp.domain.clock import utcnow


class Setting(SQLModel, table=True):
    """The current value of one setting; a key without a row falls back to the app's config."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_type=Text)  # JSON
    updated_by_id: int | None = Field(default=None, foreign_key="person.id")
    updated_at: datetime = Field(default_factory=utcnow)


class SettingChange(SQLModel, table=True):
    """One change of one setting: who, when, the old value (None: it was the default) and the new."""

    __tablename__ = "setting_change"
    __table_args__ = (Index("ix_setting_change_key", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64)
    old_value: str | None = Field(default=None, sa_type=Text)
    new_value: str = Field(sa_type=Text)
    changed_by_id: int | None = Field(default=None, foreign_key="person.id")
    changed_at: datetime = Field(default_factory=utcnow)
