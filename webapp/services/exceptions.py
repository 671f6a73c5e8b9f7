"""Exceptions for the supervisor: one per flag an applied movement carries (the floor fact stands; a person
looks at it). Written in the same transaction as the movement."""
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import Movement
from webapp.db.order_tables import ExceptionRecord


def open_exceptions_for(session: Session, movement: Movement, photo: str | None = None) -> None:
    """`photo`: the device's photo of damaged goods, linked to the `damaged` exception."""
    location_id = movement.from_location_id or movement.to_location_id
    for flag in filter(None, movement.flags.split(",")):
        session.add(ExceptionRecord(code=flag, movement_seq=movement.seq, item_id=movement.item_id,
                                    location_id=location_id, ref=movement.ref,
                                    photo=photo if flag == "damaged" else None,
                                    detail=f"{movement.kind} of {movement.qty_base} by device {movement.device_id or '-'}"
                                           + (f", photo {photo}" if photo and flag == "damaged" else "")))
