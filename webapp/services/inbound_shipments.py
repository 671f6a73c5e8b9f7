"""Advance ship notices (inbound shipments): created once by number, read with what each line still expects.

`create_shipment(session, payload)` takes a plain dict (the API body, or a row group of a CSV import), so every
way in applies the same checks. A line linked to a purchase-order line adds nothing to in transit; an unlinked
one adds its quantity until it is received (services/floor_effects.py lowers it, `ledger rebuild` agrees).
"""
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.db.inbound_tables import InboundLine, InboundPallet, InboundShipment
from webapp.db.ledger_tables import StockTotal
from webapp.db.models import Item, Location, Supplier
from webapp.db.order_tables import ExceptionRecord, PurchaseOrder, PurchaseOrderLine
from webapp.domain.clock import format_instant, parse_date_or_instant
from webapp.domain.errors import Conflict, DomainError, NotFound
from webapp.domain.inbound import check_expiry, check_sscc, open_on_notice
from webapp.domain.ledger import content_digest
from webapp.services.catalogue import find_item, resolve_warehouse
from webapp.services.ledger import lock_totals
from webapp.services.locks import lock_in_order
from webapp.services.purchasing import purchase_order_json
from webapp.services.ref_numbers import document_by_number, refuse_number_in_use


def normalised(payload: dict) -> dict:
    """The payload with every optional field present, so equal notices digest equally however they arrived."""
    return {
        "number": str(payload["number"]).strip(),
        "supplier": payload.get("supplier") or None,
        "warehouse": payload.get("warehouse") or None,
        "expected_at": payload.get("expected_at") or None,
        "pallets": [{"sscc": str(pallet["sscc"]).strip(),
                     "lines": [{"item": str(line["item"]).strip(), "qty": int(line["qty"]),
                                "lot": line.get("lot") or "", "expiry": line.get("expiry") or "",
                                "purchase_order": line.get("purchase_order") or None,
                                "po_line": line.get("po_line") or None}
                               for line in pallet["lines"]]}
                    for pallet in payload["pallets"]],
    }


def create_shipment(session: Session, payload: dict) -> tuple[InboundShipment, bool]:
    """Create a notice; the same number with the same content → (the original, False); other content → 409."""
    intake = normalised(payload)
    digest = content_digest(intake)
    existing = session.scalar(select(InboundShipment).where(InboundShipment.number == intake["number"]))
    if existing is not None:
        return _same_or_conflict(existing, digest), False
    refuse_number_in_use(session, intake["number"], "inbound shipment")
    warehouse = resolve_warehouse(session, intake["warehouse"])
    supplier_id = _supplier_id(session, intake["supplier"])
    expected_at = _expected_at(intake["expected_at"])
    pallets, seen = [], set()
    n = 0
    for p, pallet in enumerate(intake["pallets"], start=1):
        sscc = check_sscc(pallet["sscc"], p)
        if sscc in seen:
            raise DomainError("invalid_field", f"pallet {p}: SSCC {sscc} is listed twice", field="pallets.sscc")
        seen.add(sscc)
        lines = []
        for line in pallet["lines"]:
            n += 1
            scanned = find_item(session, line["item"])
            if scanned is None:
                raise NotFound("unknown_item", f"line {n}: no item {line['item']}", line=n)
            po_line = _po_line(session, line, scanned.item, warehouse, n)
            lines.append(InboundLine(line_no=n, item_id=scanned.item.id, qty=scanned.to_base(line["qty"]),
                                     lot=line["lot"][:64], expiry=check_expiry(line["expiry"], n),
                                     po_line_id=po_line.id if po_line else None, shipment_id=0, pallet_id=0))
        pallets.append((sscc, lines))
    if not n:
        raise DomainError("missing_field", "a notice lists at least one line", field="pallets")
    all_lines = [line for _, lines in pallets for line in lines]
    lock_totals(session, [(line.item_id, warehouse.id) for line in all_lines])
    shipment = InboundShipment(number=intake["number"], supplier_id=supplier_id, warehouse_id=warehouse.id,
                               expected_at=expected_at, intake_sha256=digest)
    try:
        with session.begin_nested():
            session.add(shipment)
            session.flush()
            for sscc, lines in pallets:
                pallet = InboundPallet(shipment_id=shipment.id, sscc=sscc)
                session.add(pallet)
                session.flush()
                for line in lines:
                    line.shipment_id, line.pallet_id = shipment.id, pallet.id
                    session.add(line)
            session.flush()
    except IntegrityError:
        existing = session.scalar(select(InboundShipment).where(InboundShipment.number == intake["number"]))
        if existing is not None:  # the same number created by a racing request
            return _same_or_conflict(existing, digest), False
        raise Conflict("pallet_exists", "a pallet of this notice (its SSCC) is already on another notice") from None
    for line in all_lines:
        adds = open_on_notice(line.qty, 0, shipment.status, linked=line.po_line_id is not None)
        if adds:
            session.execute(update(StockTotal).where(StockTotal.item_id == line.item_id,
                                                     StockTotal.warehouse_id == warehouse.id)
                            .values(in_transit=StockTotal.in_transit + adds))
    session.flush()
    return shipment, True


def _same_or_conflict(existing: InboundShipment, digest: str) -> InboundShipment:
    if existing.intake_sha256 != digest:
        raise Conflict("idempotency_conflict", f"inbound shipment {existing.number} exists with different content")
    return existing


def _supplier_id(session: Session, code: str | None) -> int | None:
    if not code:
        return None
    supplier_id = session.scalar(select(Supplier.id).where(Supplier.code == code))
    if supplier_id is None:
        raise NotFound("unknown_supplier", f"no supplier {code}", field="supplier")
    return supplier_id


def _expected_at(text: str | None):
    if not text:
        return None
    try:
        return parse_date_or_instant(text)
    except ValueError as err:
        raise DomainError("invalid_field", f"expected_at: {err}", field="expected_at") from None


def _po_line(session: Session, line: dict, item: Item, warehouse: Location, n: int) -> PurchaseOrderLine | None:
    """The purchase-order line a notice line delivers against: `po_line` (its number on the purchase order) or,
    without it, the purchase order's first line of that item. Same warehouse and same item, or 400."""
    number = line["purchase_order"]
    if number is None:
        if line["po_line"] is not None:
            raise DomainError("missing_field", f"line {n}: po_line needs purchase_order", field="pallets.lines.purchase_order")
        return None
    po = session.scalar(select(PurchaseOrder).where(PurchaseOrder.number == number))
    if po is None:
        raise NotFound("unknown_purchase_order", f"line {n}: no purchase order {number}", line=n)
    if po.warehouse_id != warehouse.id:
        raise DomainError("cross_warehouse", f"line {n}: purchase order {number} is for another warehouse", line=n)
    po_lines = list(session.scalars(select(PurchaseOrderLine).where(PurchaseOrderLine.purchase_order_id == po.id)
                                    .order_by(PurchaseOrderLine.id)))
    if line["po_line"] is not None:
        wanted = int(line["po_line"])
        chosen = po_lines[wanted - 1] if 1 <= wanted <= len(po_lines) else None
    else:
        chosen = next((l for l in po_lines if l.item_id == item.id), None)
    if chosen is None or chosen.item_id != item.id:
        raise DomainError("po_line_mismatch", f"line {n}: purchase order {number} has no line "
                                              f"{line['po_line'] or ''} of item {item.sku}".replace("  ", " "), line=n)
    return chosen


def get_shipment(session: Session, number: str) -> InboundShipment:
    return document_by_number(session, "inbound shipment", number)


def shipment_json(session: Session, shipment: InboundShipment) -> dict:
    rows = session.execute(
        select(InboundLine, Item.sku, Item.name, InboundPallet.sscc, PurchaseOrder.number, PurchaseOrderLine.id)
        .join(Item, Item.id == InboundLine.item_id)
        .join(InboundPallet, InboundPallet.id == InboundLine.pallet_id)
        .outerjoin(PurchaseOrderLine, PurchaseOrderLine.id == InboundLine.po_line_id)
        .outerjoin(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(InboundLine.shipment_id == shipment.id).order_by(InboundLine.line_no)).all()
    po_line_numbers = _po_line_numbers(session, {po_line_id for *_, po_line_id in rows if po_line_id})
    pallets: dict[str, list] = {}
    for sscc in session.scalars(select(InboundPallet.sscc).where(InboundPallet.shipment_id == shipment.id)
                                .order_by(InboundPallet.id)):
        pallets[sscc] = []
    for line, sku, name, sscc, po_number, po_line_id in rows:
        pallets[sscc].append({
            "line": line.line_no, "item": sku, "name": name, "expected": line.qty, "received": line.qty_received,
            "open": open_on_notice(line.qty, line.qty_received, shipment.status, linked=False),
            "lot": line.lot or None, "expiry": line.expiry or None, "purchase_order": po_number,
            "po_line": po_line_numbers.get(po_line_id)})
    supplier = session.get(Supplier, shipment.supplier_id) if shipment.supplier_id else None
    warehouse = session.get(Location, shipment.warehouse_id)
    return {"number": shipment.number, "supplier": supplier.code if supplier else None,
            "warehouse": warehouse.code if warehouse else None, "state": shipment.status,
            "expected_at": format_instant(shipment.expected_at),
            "pallets": [{"sscc": sscc, "lines": lines} for sscc, lines in pallets.items()]}


def _po_line_numbers(session: Session, po_line_ids: set[int]) -> dict[int, int]:
    """A purchase-order line's number on its order (1, 2, …), as GET /purchase-orders/{number} shows it."""
    if not po_line_ids:
        return {}
    po_ids = set(session.scalars(select(PurchaseOrderLine.purchase_order_id).where(PurchaseOrderLine.id.in_(po_line_ids))))
    numbers = {}
    for po_id in po_ids:
        ids = session.scalars(select(PurchaseOrderLine.id).where(PurchaseOrderLine.purchase_order_id == po_id)
                              .order_by(PurchaseOrderLine.id))
        numbers.update({line_id: n for n, line_id in enumerate(ids, start=1)})
    return numbers


def shipment_page(session: Session, state: str | None, after: int, limit: int,
                  warehouse_id: int | None = None) -> dict:
    query = select(InboundShipment).where(InboundShipment.id > after)
    if state:
        query = query.where(InboundShipment.status == state)
    if warehouse_id is not None:
        query = query.where(InboundShipment.warehouse_id == warehouse_id)
    rows = session.scalars(query.order_by(InboundShipment.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [shipment_json(session, shipment) for shipment in rows],
            "next_cursor": str(rows[-1].id) if more else None}


def receive_tasks(session: Session, limit: int) -> list[dict]:
    """A receiver's work, to be done offline: open inbound shipments (lines by pallet SSCC) and open purchase
    orders, each with what every line still expects and the barcodes that identify its items."""
    tasks = []
    for shipment in session.scalars(select(InboundShipment).where(InboundShipment.status == "open")
                                    .order_by(InboundShipment.id).limit(limit)):
        notice = shipment_json(session, shipment)
        lines = [{**line, "sscc": pallet["sscc"]} for pallet in notice["pallets"] for line in pallet["lines"]]
        tasks.append({"kind": "receive", "source": "inbound_shipment", "ref": notice["number"],
                      "warehouse": notice["warehouse"], "supplier": notice["supplier"],
                      "expected_at": notice["expected_at"], "pallets": notice["pallets"], "lines": lines})
    for po in session.scalars(select(PurchaseOrder).where(PurchaseOrder.status == "open")
                              .order_by(PurchaseOrder.id).limit(limit)):
        order = purchase_order_json(session, po)
        names = dict(session.execute(select(Item.sku, Item.name).where(
            Item.sku.in_({l["item"] for l in order["lines"]} or {""}))).tuples().all())
        tasks.append({"kind": "receive", "source": "purchase_order", "ref": order["number"],
                      "warehouse": order["warehouse"], "supplier": order["supplier"],
                      "expected_at": order["expected_at"], "pallets": [],
                      "lines": [{"line": l["line"], "item": l["item"], "name": names.get(l["item"]),
                                 "expected": l["ordered"], "received": l["received"], "open": l["open"],
                                 "sscc": None, "lot": None, "expiry": None} for l in order["lines"]]})
    return [task for task in tasks if any(line["open"] for line in task["lines"])]


def close_shipment(session: Session, number: str, reason: str) -> InboundShipment:
    """Nothing more is coming on this notice: what its unlinked lines still expect leaves in transit (a linked
    line's rest stays on its purchase order, which is closed on its own), and each line received short is an
    `under_receipt` exception for the supervisor."""
    shipment = get_shipment(session, number)
    item_ids = set(session.scalars(select(InboundLine.item_id).where(InboundLine.shipment_id == shipment.id)))
    # The global lock order (services/locks.py): the items' totals, then the notice's row.
    shipment = lock_in_order(session, totals=[(item_id, shipment.warehouse_id) for item_id in item_ids],
                             po_numbers={number}).shipments[number]
    if shipment.status != "open":
        raise Conflict("inbound_shipment_closed", f"inbound shipment {number} is already {shipment.status}")
    lines = session.scalars(select(InboundLine).where(InboundLine.shipment_id == shipment.id)
                            .order_by(InboundLine.line_no)).all()
    for line in lines:
        still_open = open_on_notice(line.qty, line.qty_received, shipment.status, linked=line.po_line_id is not None)
        if still_open:
            session.execute(update(StockTotal).where(StockTotal.item_id == line.item_id,
                                                     StockTotal.warehouse_id == shipment.warehouse_id)
                            .values(in_transit=StockTotal.in_transit - still_open))
        if line.qty_received < line.qty:
            session.add(ExceptionRecord(code="under_receipt", item_id=line.item_id, location_id=shipment.warehouse_id,
                                        ref=shipment.number, detail=f"line {line.line_no}: received {line.qty_received} "
                                                                    f"of {line.qty}" + (f": {reason}" if reason else "")))
    shipment.status = "closed"
    session.flush()
    return shipment
