"""The numbers a floor scan's `ref` names. A receipt's ref may be a purchase order, an inbound shipment or a
transfer order, and a dispatch's a sales order or a transfer order, so each of those numbers must name one
document only: whoever creates one asks here first."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.db.inbound_tables import InboundShipment
from webapp.db.order_tables import PurchaseOrder, SalesOrder
from webapp.db.transfer_tables import TransferOrder
from webapp.domain.errors import Conflict, NotFound

DOCUMENTS = {"sales order": SalesOrder, "purchase order": PurchaseOrder, "inbound shipment": InboundShipment,
             "transfer order": TransferOrder}
# What each kind of document must not share its number with (the refs a scan could confuse it with).
CLASHES = {"purchase order": ("inbound shipment", "transfer order"),
           "inbound shipment": ("purchase order", "transfer order"),
           "transfer order": ("sales order", "purchase order", "inbound shipment")}


def refuse_number_in_use(session: Session, number: str, creating: str) -> None:
    """409 number_in_use when `number` already names a document a scan's ref could mistake for a new `creating`."""
    for what in CLASHES[creating]:
        model = DOCUMENTS[what]
        if session.scalar(select(model.id).where(model.number == number)):
            raise Conflict("number_in_use", f"{number} is already a {what}'s number")


def document_by_number(session: Session, what: str, number: str):
    """The `what` ("purchase order", ...) numbered `number`, or 404 unknown_<what>."""
    model = DOCUMENTS[what]
    document = session.scalar(select(model).where(model.number == number))
    if document is None:
        raise NotFound(f"unknown_{what.replace(' ', '_')}", f"no {what} {number}")
    return document
