"""Alerts for the supervisor (stuck orders, discrepancies past tolerance, negative stock, blocked devices), one row
per episode of a cause, with its acknowledgement and the state of its webhook delivery (an outbox)."""
from datetime import datetime

from sqlalchemy import Index, Text, text
from sqlmodel import Field, SQLModel

from webapp.domain.clock import utcnow


class Alert(SQLModel, table=True):
    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_cause_key", "cause_key"),
                      Index("ix_alert_webhook_due", "webhook_state", "webhook_next_at"),
                      # At most one open alert per cause: two checks that both saw none open (each before the
                      # other committed) cannot both raise it, whatever episode number each computed.
                      Index("ux_alert_open_cause", "cause_key", unique=True,
                            postgresql_where=text("cleared_at IS NULL"), sqlite_where=text("cleared_at IS NULL")))
    id: int | None = Field(default=None, primary_key=True)
    # cause_key + "#" + episode number; unique, so racing checks raise an episode's alert once.
    cause: str = Field(max_length=320, sa_column_kwargs={"unique": True})
    cause_key: str = Field(max_length=300)
    kind: str = Field(max_length=32)  # stuck_order, discrepancy, negative_stock, device_blocked
    warehouse_id: int | None = Field(default=None, foreign_key="location.id")
    message: str = Field(sa_type=Text)
    data: str = Field(default="{}", sa_type=Text)  # JSON
    raised_at: datetime = Field(default_factory=utcnow)
    cleared_at: datetime | None = None  # the cause went away (a later return is a new episode)
    acknowledged_at: datetime | None = None
    acknowledged_by_id: int | None = Field(default=None, foreign_key="person.id")
    # The webhook outbox: "" (no webhook set when raised), pending, sent, failed (gave up after the last try).
    webhook_state: str = Field(default="", max_length=16)
    webhook_attempts: int = Field(default=0)
    webhook_next_at: datetime | None = None
    webhook_error: str = Field(default="", sa_type=Text)
