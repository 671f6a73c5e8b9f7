"""Suppliers: who purchase orders are placed with, and how long they take to deliver."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.db.models import Supplier
from webapp.domain.errors import Conflict, NotFound


@dataclass
class SupplierChanges:
    name: str | None = None
    lead_time_days: int | None = None


def supplier_json(supplier: Supplier) -> dict:
    return {"code": supplier.code, "name": supplier.name, "lead_time_days": supplier.lead_time_days}


def get_supplier(session: Session, code: str) -> Supplier:
    supplier = session.scalar(select(Supplier).where(Supplier.code == code))
    if supplier is None:
        raise NotFound("unknown_supplier", f"no supplier {code}")
    return supplier


def create_supplier(session: Session, code: str, name: str, lead_time_days: int) -> Supplier:
    supplier = Supplier(code=code, name=name, lead_time_days=lead_time_days)
    try:
        with session.begin_nested():
            session.add(supplier)
            session.flush()
    except IntegrityError:
        raise Conflict("supplier_exists", f"a supplier with code {code} exists") from None
    return supplier


def change_supplier(session: Session, code: str, changes: SupplierChanges) -> Supplier:
    supplier = get_supplier(session, code)
    if changes.name is not None:
        supplier.name = changes.name
    if changes.lead_time_days is not None:
        supplier.lead_time_days = changes.lead_time_days
    session.flush()
    return supplier


def supplier_page(session: Session, after: int, limit: int) -> dict:
    rows = session.scalars(select(Supplier).where(Supplier.id > after).order_by(Supplier.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [supplier_json(s) for s in rows], "next_cursor": str(rows[-1].id) if more else None}
