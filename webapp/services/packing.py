"""Packing: cartons (each a location whose code is its SSCC), their contents, labels and packing slips."""
import json
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.db.floor_tables import Carton, SsccBlock
from webapp.db.ledger_tables import Movement, StockLevel
from webapp.db.models import Item, Location
from webapp.db.order_tables import OrderLine, SalesOrder
from webapp.documents.packing_slip import PackingSlip, SlipAddress, SlipCarton, SlipLine
from webapp.domain.clock import utcnow
from webapp.domain.errors import Conflict, DomainError, NotFound
from webapp.domain.orders import AT_PACKING
from webapp.domain.sscc import is_valid_sscc, make_sscc
from webapp.services import orders
from webapp.services.catalogue import find_location


def open_carton(session: Session, order_number: str, station_code: str, company_prefix: str) -> Carton:
    order = session.scalar(select(SalesOrder).where(SalesOrder.number == order_number))
    if order is None:
        raise NotFound("unknown_order", f"no order {order_number}")
    if order.state not in AT_PACKING:
        raise Conflict("order_not_open", f"order {order_number} is {order.state}: pack it while it is picking")
    station = find_location(session, station_code)
    if station is None or station.kind != "pack":
        raise NotFound("unknown_location", f"no pack station {station_code}")
    # The carton location's id is its SSCC serial reference: unique without a counter of our own.
    location = Location(code=f"pending-{uuid.uuid4()}", kind="carton", parent_id=station.id,
                        warehouse_id=station.warehouse_id, name=f"carton for {order_number}")
    session.add(location)
    session.flush()
    location.code = make_sscc(company_prefix, location.id)
    carton = Carton(sscc=location.code, order_id=order.id, location_id=location.id)
    session.add(carton)
    session.flush()
    return carton


def close_carton(session: Session, sscc: str, weight_g: int | None) -> Carton:
    carton = session.execute(select(Carton).where(Carton.sscc == sscc).with_for_update()).scalar_one_or_none()
    if carton is None:
        raise NotFound("unknown_carton", f"no carton {sscc}")
    if carton.status != "open":
        raise Conflict("carton_closed", f"carton {sscc} is {carton.status}")
    if not carton_contents(session, carton):
        raise DomainError("carton_empty", "pack something into the carton before closing it")
    carton.status, carton.weight_g, carton.closed_at = "closed", weight_g, utcnow()
    return carton


def carton_contents(session: Session, carton: Carton) -> list[tuple[str, str, str, int]]:
    """(sku, name, lot, qty) packed into the carton: from its pack movements, so it survives dispatch."""
    return [tuple(r) for r in session.execute(
        select(Item.sku, Item.name, Movement.lot, func.sum(Movement.qty_base)).join(Item, Item.id == Movement.item_id)
        .where(Movement.to_location_id == carton.location_id, Movement.kind == "pack")
        .group_by(Item.sku, Item.name, Movement.lot).order_by(Item.sku, Movement.lot))]


def carton_label(session: Session, sscc: str) -> tuple[SlipCarton, str, SlipAddress]:
    """What a carton's label shows: its SSCC, weight and contents, the order and where it goes."""
    carton = session.get(Carton, sscc)
    if carton is None:
        raise NotFound("unknown_carton", f"no carton {sscc}")
    slip = packing_slip(session, session.get(SalesOrder, carton.order_id).number)
    contents = [SlipLine(sku, name, qty, lot or None) for sku, name, lot, qty in carton_contents(session, carton)]
    label = SlipCarton(carton.sscc, carton.weight_g / 1000 if carton.weight_g else None, contents)
    return label, slip.order_number, slip.ship_to


def orders_in_tote(session: Session, code: str) -> list[str]:
    """The open orders a tote was picked for (what a pack station unpacks it into)."""
    from webapp.db.floor_tables import PickStep

    tote = session.scalar(select(Location).where(Location.code == code, Location.kind == "tote"))
    if tote is None:
        raise NotFound("unknown_location", f"no tote {code}")
    return list(session.scalars(
        select(SalesOrder.number).distinct()
        .join(OrderLine, OrderLine.order_id == SalesOrder.id)
        .join(PickStep, PickStep.order_line_id == OrderLine.id)
        .where(PickStep.tote_location_id == tote.id, SalesOrder.state.in_(AT_PACKING))
        .order_by(SalesOrder.number)))


def carton_stock(session: Session, carton_code: str) -> list[tuple[int, str, str, int]]:
    """(item_id, lot, expiry, qty) in a carton location, for a whole-carton dispatch."""
    location = find_location(session, carton_code)
    if location is None:
        return []
    return [tuple(r) for r in session.execute(
        select(StockLevel.item_id, StockLevel.lot, StockLevel.expiry, StockLevel.qty)
        .where(StockLevel.location_id == location.id, StockLevel.qty > 0).order_by(StockLevel.item_id, StockLevel.lot))]


def _address(value: dict | str | None, fallback: str) -> SlipAddress:
    if not isinstance(value, dict):
        return SlipAddress(name=str(value or fallback))
    lines = value.get("lines") or [value.get(k) for k in ("street", "line1", "line2", "city", "postcode", "country")]
    return SlipAddress(name=str(value.get("name") or fallback), lines=[str(l) for l in lines if l][:8])


def packing_slip(session: Session, order_number: str, warehouse_address: dict | None = None) -> PackingSlip:
    order = session.scalar(select(SalesOrder).where(SalesOrder.number == order_number))
    if order is None:
        raise NotFound("unknown_order", f"no order {order_number}")
    warehouse = session.get(Location, order.warehouse_id)
    packed = session.execute(
        select(Item.sku, Item.name, Movement.lot, func.sum(Movement.qty_base))
        .join(Item, Item.id == Movement.item_id)
        .where(Movement.ref == order.number, Movement.kind == "pack")
        .group_by(Item.sku, Item.name, Movement.lot).order_by(Item.sku, Movement.lot)).all()
    if packed:
        lines = [SlipLine(sku, name, int(qty), lot or None) for sku, name, lot, qty in packed]
    else:  # nothing packed yet: the slip lists what was ordered
        lines = [SlipLine(sku, name, qty) for sku, name, qty in session.execute(
            select(Item.sku, Item.name, OrderLine.qty).join(Item, Item.id == OrderLine.item_id)
            .where(OrderLine.order_id == order.id).order_by(OrderLine.line_no))]
    cartons = [SlipCarton(c.sscc, c.weight_g / 1000 if c.weight_g else None,
                          [SlipLine(sku, name, qty, lot or None) for sku, name, lot, qty in carton_contents(session, c)])
               for c in session.scalars(select(Carton).where(Carton.order_id == order.id).order_by(Carton.created_at))]
    order_lines = list(session.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_no)))
    follow = orders.lines_to_follow(session, order_lines)
    names = dict(session.execute(select(Item.id, Item.sku).where(Item.id.in_([l.item_id for l in order_lines] or [0]))).tuples().all())
    descriptions = dict(session.execute(select(Item.id, Item.name).where(Item.id.in_(list(names) or [0]))).tuples().all())
    to_follow = [SlipLine(names[l.item_id], descriptions[l.item_id], follow[l.id]) for l in order_lines if follow[l.id]]
    return PackingSlip(order_number=order.number, to_follow=to_follow,
                       warehouse=_address(warehouse_address, warehouse.name or warehouse.code),
                       ship_to=_address(json.loads(order.ship_to or "{}"), "(no ship-to given)"),
                       lines=lines, cartons=cartons, packed_at=utcnow())


# ---- SSCC blocks: cartons opened offline --------------------------------------------------------------

SSCC_BLOCK_SIZE = 50
BLOCK_EXTENSION_DIGIT = 1  # the server's own cartons (open_carton) use 0: the two never meet


def issue_sscc_block(session: Session, device_id: str, company_prefix: str, user_id: int | None) -> tuple[SsccBlock, list[str]]:
    """A fresh block of SSCCs for one device. Its serials start at block id × size: unique by the primary key,
    so two devices asking at once never get the same serial, and a block is never issued twice."""
    block = SsccBlock(device_id=device_id, company_prefix=company_prefix, first_serial=0, count=SSCC_BLOCK_SIZE,
                      issued_to_id=user_id)
    session.add(block)
    session.flush()
    block.first_serial = block.id * SSCC_BLOCK_SIZE
    serial_digits = 16 - len(company_prefix)
    if block.first_serial + block.count > 10**serial_digits:
        raise Conflict("sscc_exhausted", "no SSCC serials left under this company prefix")
    return block, block_ssccs(block)


def block_ssccs(block: SsccBlock) -> list[str]:
    return [make_sscc(block.company_prefix, block.first_serial + n, BLOCK_EXTENSION_DIGIT) for n in range(block.count)]


def _block_of(session: Session, device_id: str, sscc: str) -> SsccBlock | None:
    """The block of this device that `sscc` comes from, if any."""
    if not is_valid_sscc(sscc) or int(sscc[0]) != BLOCK_EXTENSION_DIGIT:
        return None
    for block in session.scalars(select(SsccBlock).where(SsccBlock.device_id == device_id)):
        prefix = block.company_prefix
        if sscc[1:1 + len(prefix)] != prefix:
            continue
        serial = int(sscc[1 + len(prefix):17])
        if block.first_serial <= serial < block.first_serial + block.count:
            return block
    return None


def carton_first_seen(session: Session, device_id: str, sscc: str, order_number: str | None) -> Location | None:
    """A pack into an SSCC the server has not seen: the carton a packer opened offline from this device's block.
    Creates it for the order (the movement's ref) and returns its location; None when the SSCC is not from a
    block of this device or the order cannot take a carton."""
    block = _block_of(session, device_id, sscc)
    if block is None or not order_number:
        return None
    order = session.scalar(select(SalesOrder).where(SalesOrder.number == order_number))
    if order is None or order.state not in ("picking", "packed"):
        return None
    location = Location(code=sscc, kind="carton", warehouse_id=order.warehouse_id, name=f"carton for {order_number}")
    session.add(location)
    session.flush()
    session.add(Carton(sscc=sscc, order_id=order.id, location_id=location.id))
    session.flush()
    return location
