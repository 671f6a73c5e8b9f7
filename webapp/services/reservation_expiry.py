"""Reservations that expire: the server has no process of its own for this, so what is due is released on
the next reservation request, or by `flask reservations expire` (for cron) — exactly once, however many
processes try at the same moment.

Only standalone reservations expire (an order's reservations live and die with its lines). Locks follow
DELETE /reservations/{id}: the reservation row, then its item/warehouse total.
"""
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import Reservation
from webapp.domain.clock import utcnow
from webapp.services.reservations import locked_reservation, release

EXPIRED = "expired"


def expires_at_for(requested: datetime | None, default_minutes: int, now: datetime) -> datetime | None:
    """The caller's expiry, else the setting's (0: never)."""
    if requested is not None:
        return requested
    return now + timedelta(minutes=default_minutes) if default_minutes else None


def expire_due(session: Session, now: datetime | None = None) -> list[int]:
    """Release every open standalone reservation past its expiry; → the ids this call released."""
    now = now or utcnow()
    due = session.scalars(select(Reservation.id).where(
        Reservation.status == "open", Reservation.order_line_id.is_(None),
        Reservation.expires_at.is_not(None), Reservation.expires_at <= now).order_by(Reservation.id)).all()
    released = []
    for reservation_id in due:  # ascending ids: racing callers lock in the same order
        reservation = locked_reservation(session, reservation_id)
        if reservation.status != "open":
            continue  # another process released it while we waited for the lock
        release(session, reservation)
        reservation.release_reason = EXPIRED
        released.append(reservation_id)
    session.flush()
    return released
