"""Replay: a device's batch of floor movements, each applied exactly once, in device order.

One transaction per batch. Locks, in the one lock order of services/locks.py: the device row (so one
device's batches apply one at a time, in order), the item/warehouse totals of the batch and of every
order it names, sorted by key, then those order rows sorted, then the batch's movement ids. Each movement
runs in a savepoint: a bad one is undone alone.

An id already in the ledger is answered from the stored row alone, before anything else is looked at:
a retry never meets today's roles, barcodes, locations or cartons. Two requests racing with the same
new id wait for each other on that id's lock, and the unique constraint on movement.id decides.
"""
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from webapp.db.floor_tables import Carton
from webapp.db.ledger_tables import Movement
from webapp.db.models import Device, DeviceSignin
from webapp.db.order_tables import ExceptionRecord, RejectedMovement, SalesOrder
from webapp.db.upsert import allocate_movement_seqs
from webapp.domain.clock import utcnow
from webapp.domain.errors import DomainError, Forbidden
from webapp.domain.floor_movement import FloorMovement, Rejected, parse_floor_movement, usable_id
from webapp.domain.gs1 import Gs1Error, parse_gs1
from webapp.domain.ledger import content_digest
from webapp.domain.locations import DISPATCH_DOORS, STOCK_HOLDING_KINDS, wrong_zone
from webapp.domain.roles import may_record
from webapp.domain.units import PackSize, to_base
from webapp.services.batch_posting import BatchWriter, driver_rows, on_postgresql
from webapp.services.batch_lookups import BatchLookups
from webapp.services.catalogue import find_location, uom_factor
from webapp.services.count_floor import flag_count_scan, note_exception_count, raise_exception_counts
from webapp.services.floor_effects import ORDER_COUNTER, apply_floor_effects
from webapp.services.exceptions import open_exceptions_for
from webapp.services.ledger import MovementInput, add_flag, append_movement, stage_movement
from webapp.services.locks import lock_in_order
from webapp.services.packing import carton_first_seen, carton_stock
from webapp.services.picking import record_short
from webapp.services.returns import returned_movements
from webapp.services.users import SignedInUser, ensure_device

# Kinds whose ref names a sales order they change (a short pick re-plans the order's pick steps).
ORDER_REF_KINDS = {*ORDER_COUNTER, "short"}


@dataclass
class Prepared:
    index: int
    raw: object
    movement_id: str | None
    floor: FloorMovement | None = None
    movements: list[MovementInput] | None = None  # one, or one per item and lot of a dispatched carton
    result: dict | None = None


def sync_batch(session: Session, device_id: str, raw_movements: list, sender: SignedInUser,
               sent_at: datetime | None, skew_limit_s: int, *, resubmitted_for: int | None = None) -> list[dict]:
    """Apply a device's batch. `resubmitted_for`: a supervisor re-sends a corrected reject of `device_id`,
    recorded as scanned by that person (the reject's scanner) on that device and sent by the supervisor, whose
    roles vouch for its kind; it is not the device speaking, so the device's sequence and status are left alone."""
    if resubmitted_for is None and sender.device_id is not None and sender.device_id != device_id:
        # A session speaks for the device it signed in on, and for no other.
        raise Forbidden("device_mismatch", f"this session signed in on device {sender.device_id}, not {device_id}")
    device = _lock_device(session, device_id)
    if device.status == "blocked" and resubmitted_for is None:
        raise Forbidden("device_blocked", f"device {device_id} is blocked; ask a supervisor")
    if device.status == "retired" and resubmitted_for is None:
        # Its scans stay in its outbox (the PWA keeps them on any 403): a supervisor may bring it back.
        raise Forbidden("device_retired", f"device {device_id} is retired; ask an admin")
    now = utcnow()
    batch_skewed = sent_at is not None and abs((now - sent_at).total_seconds()) > skew_limit_s
    lookups = BatchLookups(session)
    prepared = _prepare(session, device_id, raw_movements, sender, now, batch_skewed, skew_limit_s, lookups,
                        resubmitted_for)
    to_apply = sorted((p for p in prepared if p.movements), key=lambda p: (p.floor.device_seq, p.index))
    movements = [m for p in to_apply for m in p.movements]
    totals = lock_in_order(session, totals=[(m.item_id, m.warehouse_id) for m in movements],
                           order_numbers={m.ref for m in movements if m.ref and m.kind in ORDER_REF_KINDS},
                           po_numbers={m.ref for m in movements if m.ref and m.kind == "receive"},
                           transfer_numbers={m.ref for m in movements if m.ref and m.kind in ("dispatch", "receive")},
                           movement_ids=[m.id for m in movements]).totals
    # Written once at the end: no device UPDATE per movement.
    session.info.pop("exception_counts", None)
    last_seq = _apply_all(session, to_apply, totals, device.last_device_seq if resubmitted_for is None else -1,
                          lookups.skus())
    raise_exception_counts(session)  # short picks and negative stock: their bins get counts, in location order
    if resubmitted_for is None:
        device.last_device_seq, device.last_seen_at = last_seq, now
    for p in prepared:
        if p.result["status"] == "rejected":
            session.add(RejectedMovement(device_id=device_id, movement_id=p.movement_id, sent_by_id=sender.id,
                                         payload=json.dumps(p.raw, default=str)[:20000], code=p.result["error"]["code"],
                                         message=p.result["error"]["message"]))
    return finish_results([p.result for p in prepared])


def _apply_all(session: Session, to_apply: list[Prepared], totals: dict, last_seq: int, skus: dict) -> int:
    """Apply in device order. Fast path: the whole batch under one savepoint, its writes set-based
    (services/batch_posting.py). If any movement fails, that is undone and the batch is applied again
    with a savepoint per movement, so the bad one is undone alone and the rest still apply."""
    movements = [m for p in to_apply for m in p.movements]
    # What posting writes into each movement (flags, the lot chosen), as it was before the fast path.
    before = [(m.flags[:], m.lot, m.expiry) for m in movements]
    try:
        with session.begin_nested(), BatchWriter(session, skus) as writer:
            writer.load(movements)
            applied_up_to = _apply_in_order(session, to_apply, totals, last_seq, writer)
            writer.flush()  # may still fail: the careful path below starts again from `last_seq`
            return applied_up_to
    except (IntegrityError, DataError, DomainError):
        session.info.pop("exception_counts", None)  # noted by work that was just undone
        for total in totals.values():
            session.refresh(total)  # the in-memory numbers moved with the undone work
        for m, (flags, lot, expiry) in zip(movements, before):
            m.flags[:], m.lot, m.expiry = flags, lot, expiry
        return _apply_in_order(session, to_apply, totals, last_seq, None)


def _apply_in_order(session, to_apply, totals, last_seq, writer: BatchWriter | None) -> int:
    """`writer`: the fast path's batch writer; None on the careful path (a savepoint per movement)."""
    seqs = iter(allocate_movement_seqs(session, sum(len(p.movements) for p in to_apply)))
    for p in to_apply:
        if p.floor.device_seq < last_seq:
            for m in p.movements:
                add_flag(m, "out_of_order")
        p.result = _apply_one(session, p, totals, seqs, writer)
        if p.result["status"] == "applied":
            last_seq = max(last_seq, p.floor.device_seq)
    return last_seq


def _lock_device(session: Session, device_id: str) -> Device:
    ensure_device(session, device_id)
    return session.execute(select(Device).where(Device.id == device_id).with_for_update()
                           .execution_options(populate_existing=True)).scalar_one()


def _rejected(movement_id: str | None, err: DomainError) -> dict:
    return {"id": movement_id, "status": "rejected", "error": {"code": err.code, "message": err.message, **err.extra}}


def _prepare(session, device_id, raw_movements, sender, now, batch_skewed, skew_limit_s, lookups: BatchLookups,
             resubmitted_for: int | None = None) -> list[Prepared]:
    prepared, first_by_id = [], {}
    lookups.prime(raw_movements)
    movement_ids = [usable_id(raw) for raw in raw_movements]
    # After the device lock: this device's earlier batches have committed, so their ids are all here.
    recorded = _recorded(session, {i for i in movement_ids if i is not None})
    for index, raw in enumerate(raw_movements):
        p = Prepared(index=index, raw=raw, movement_id=movement_ids[index])
        prepared.append(p)
        if p.movement_id is None:
            p.result = _rejected(None, Rejected("invalid_movement", "a movement needs an id: a string of 1 to 64 characters"))
            continue
        if p.movement_id in first_by_id:
            p.result = {"status": "duplicate_in_batch", "first": first_by_id[p.movement_id]}
            continue
        first_by_id[p.movement_id] = p
        if p.movement_id in recorded:
            p.result = _duplicate_or_conflict(p.movement_id, recorded[p.movement_id], content_digest(raw))
            continue
        try:
            p.floor = parse_floor_movement(raw, movement_id=p.movement_id)
            p.movements = _resolve(session, device_id, p.floor, raw, sender, lookups, resubmitted_for)
        except DomainError as err:
            p.result = _rejected(p.movement_id, err)
            p.movements = None
            continue
        if batch_skewed or (p.floor.occurred_at - now).total_seconds() > skew_limit_s:
            for m in p.movements:
                m.flags.append("clock_skew")
    return prepared


def _resolve(session, device_id, floor: FloorMovement, raw: dict, sender: SignedInUser, lookups,
             resubmitted_for: int | None = None) -> list[MovementInput]:
    scanner_id = sender.id
    scanner_roles = sender.role_set
    if resubmitted_for is not None:
        scanner_id = resubmitted_for  # who scanned it on the floor; the supervisor re-sending it vouches for the kind
    elif floor.scanned_by and floor.scanned_by != sender.username:
        if sender.device_id is None:  # a Bearer token or a session opened without a device
            raise Rejected("forbidden_scanner", f"only a session signed in on device {device_id} may send "
                                                f"scans made by someone else ({floor.scanned_by})")
        scanner = lookups.person(floor.scanned_by)
        signed_in_here = scanner is not None and session.scalar(select(DeviceSignin.id).where(
            DeviceSignin.device_id == device_id, DeviceSignin.user_id == scanner.id))
        if not signed_in_here:
            raise Rejected("forbidden_scanner", f"{floor.scanned_by} has not signed in on device {device_id}")
        scanner_id, scanner_roles = scanner.id, scanner.role_set
    if not may_record(scanner_roles, floor.kind):
        raise Rejected("forbidden_kind", f"{floor.kind} is not a kind this person's roles may record")
    if floor.item is None:
        return _carton_dispatch(session, device_id, floor, raw, scanner_id, sender)
    lot, expiry, scanned = floor.lot, floor.expiry, lookups.item(floor.item)
    if scanned is None:
        gs1 = _gs1(floor.item)
        if gs1 and gs1.get("gtin"):
            scanned = lookups.item(gs1["gtin"])
            lot = lot or gs1.get("lot", "")
            expiry = expiry or gs1.get("expiry", "")
    if scanned is None:
        raise Rejected("unknown_item", f"no item with SKU or barcode {floor.item}")
    uom, factor = scanned.uom, scanned.factor
    if floor.uom and floor.uom != scanned.uom:
        if scanned.uom != "EA":
            raise Rejected("invalid_uom", f"{floor.item} is a {scanned.uom} barcode but uom says {floor.uom}")
        factor = uom_factor(session, scanned.item.id, floor.uom)
        if factor is None:
            raise Rejected("invalid_uom", f"item {scanned.item.sku} has no pack size {floor.uom}")
        uom = floor.uom
    qty_base = to_base(floor.qty, PackSize(uom, factor)) if floor.qty else 0
    locations = {}
    for side, code in (("from", floor.from_code), ("to", floor.to_code)):
        if code is None:
            continue
        location = lookups.location(code)
        if location is None and side == "to" and floor.kind == "pack":
            # A carton this device opened offline, from its own block of SSCCs: it exists from this scan on.
            location = carton_first_seen(session, device_id, code, floor.ref)
            lookups.remember_location(code, location)
        if location is None:
            raise Rejected("unknown_location", f"no location {code}", field=side)
        if side == "to" and floor.kind == "dispatch" and location.kind not in DISPATCH_DOORS:
            raise Rejected("invalid_location", f"{code} is a {location.kind}: a dispatch leaves by a dock, an outbound "
                                               "lane or a pack station", field=side)
        if location.kind not in STOCK_HOLDING_KINDS:
            raise Rejected("invalid_location", f"{code} is a {location.kind}: stock sits in bins, docks, totes, "
                                               "pack stations, outbound lanes and cartons", field=side)
        locations[side] = location
    warehouses = {loc.warehouse_id for loc in locations.values()}
    if len(warehouses) > 1:
        raise Rejected("cross_warehouse", "a transfer stays inside one warehouse")
    movement = MovementInput(
        id=floor.id, kind=floor.kind, item_id=scanned.item.id, warehouse_id=warehouses.pop(), qty_base=qty_base,
        qty_scanned=floor.qty, uom=uom, from_location=locations.get("from"), to_location=locations.get("to"),
        ref=floor.ref, lot=lot[:64], expiry=expiry, reason=floor.reason, scanned_by_id=scanner_id, sent_by_id=sender.id,
        device_id=device_id, device_seq=floor.device_seq, occurred_at=floor.occurred_at,
        content_hash=content_digest(raw),
    )
    if floor.condition == "damaged":
        add_flag(movement, "damaged")  # applied: the goods are here; the supervisor decides what becomes of them
        movement.photo = floor.photo
    target = locations.get("to")
    if target is not None and floor.kind != "count" and wrong_zone(scanned.item.temperature, target.temperature):
        add_flag(movement, "wrong_zone")  # applied: the goods are there; a supervisor moves them
    if floor.decision is not None:
        return returned_movements(movement, floor.decision)
    return [movement]


def _carton_dispatch(session, device_id, floor: FloorMovement, raw: dict, scanner_id: int, sender) -> list[MovementInput]:
    """A dispatch scan of a carton's SSCC issues everything in it: one ledger row per item and lot.

    The first row carries the device's id (so a retry is a duplicate); the others derive theirs from it.
    """
    code = floor.from_code
    if code.startswith("00") and len(code) == 20:  # a scanned GS1-128 SSCC label: (00) + 18 digits
        code = code[2:]
    carton = session.get(Carton, code)
    if carton is None:
        raise Rejected("unknown_location", f"no carton {floor.from_code}", field="from")
    location = find_location(session, carton.sscc)
    contents = carton_stock(session, carton.sscc)
    if not contents:
        raise Rejected("invalid_movement", f"carton {carton.sscc} is empty: nothing to dispatch")
    ref = floor.ref or session.get(SalesOrder, carton.order_id).number
    door = None
    if floor.to_code:
        door = find_location(session, floor.to_code)
        if door is None or door.kind not in DISPATCH_DOORS or door.warehouse_id != location.warehouse_id:
            raise Rejected("invalid_location", f"{floor.to_code} is not a dock door of this warehouse", field="to")
    digest = content_digest(raw)
    return [MovementInput(
        id=floor.id if n == 0 else f"{floor.id[:56]}#{n + 1}", kind="dispatch", item_id=item_id,
        warehouse_id=location.warehouse_id, qty_base=qty, qty_scanned=qty, uom="EA", from_location=location,
        to_location=door, ref=ref,
        lot=lot, expiry=expiry, reason=f"carton {carton.sscc}", scanned_by_id=scanner_id, sent_by_id=sender.id,
        device_id=device_id, device_seq=floor.device_seq, occurred_at=floor.occurred_at, content_hash=digest,
    ) for n, (item_id, lot, expiry, qty) in enumerate(contents)]


def _gs1(code: str) -> dict | None:
    try:
        return parse_gs1(code)
    except Gs1Error:
        return None


def _post(session: Session, p: Prepared, totals: dict, seqs, writer: BatchWriter | None = None) -> list[Movement]:
    first = p.movements[0]
    if first.kind == "count":
        flag_count_scan(session, first)
    posted = []
    for m in p.movements:  # what a scan does, in order:
        total = totals[(m.item_id, m.warehouse_id)]
        staged = stage_movement(session, m, total, writer)  # 1. stock levels; negative_stock, location_frozen
        apply_floor_effects(session, m, total)  # 2. its order or purchase order; reserved/committed/in transit
        if writer is not None:  # 3. the hashed row, on hand; 4. each flag for the supervisor (when written)
            movement = writer.append(staged, next(seqs))
        else:
            movement = append_movement(session, staged, seq=next(seqs, None))
            open_exceptions_for(session, movement, m.photo)
        posted.append(movement)
    if first.kind == "short":
        _short_pick(session, first)
    for m in p.movements:
        if "negative_stock" in m.flags and m.from_location is not None:
            note_exception_count(session, m.from_location, "negative_stock", f"negative stock after {m.kind} {m.id}")
    if p.floor.item is None:
        _mark_carton_dispatched(session, first.from_location.code)
    return posted


def _applied(p: Prepared, posted: list[Movement]) -> dict:
    flags = []
    for movement in posted:
        flags += [f for f in movement.flags.split(",") if f and f not in flags]
    return {"id": p.movement_id, "status": "applied", "seq": posted[0].seq, "flags": flags}


def _apply_one(session: Session, p: Prepared, totals: dict, seqs, writer: BatchWriter | None) -> dict:
    first = p.movements[0]
    if writer is not None:
        return _applied(p, _post(session, p, totals, seqs, writer))  # errors undo the whole fast path
    touched = [totals[(m.item_id, m.warehouse_id)] for m in p.movements]
    try:
        with session.begin_nested():
            posted = _post(session, p, totals, seqs)
    except IntegrityError:
        # Another request inserted this id after we looked: the unique constraint decided.
        for total in touched:
            session.refresh(total)
        existing = _recorded(session, {p.movement_id}).get(p.movement_id)
        if existing is None:
            raise
        return _duplicate_or_conflict(p.movement_id, existing, first.content_hash)
    except DomainError as err:
        for total in touched:
            session.refresh(total)
        return _rejected(p.movement_id, err)
    except DataError:
        # A number past what the database column holds (a balance beyond 2**63): refuse this movement only.
        for total in touched:
            session.refresh(total)
        return _rejected(p.movement_id, Rejected("invalid_quantity", "the resulting stock is beyond what can be stored"))
    return _applied(p, posted)


def _mark_carton_dispatched(session: Session, sscc: str) -> None:
    carton = session.get(Carton, sscc)
    if carton is not None:
        carton.status = "dispatched"


def _recorded(session: Session, movement_ids: set[str]) -> dict:
    """The stored seq, content hash and flags of those ids already in the ledger: one query."""
    if not movement_ids:
        return {}
    if on_postgresql(session):  # one short statement, however many ids
        return {row.id: row for row in driver_rows(session, "SELECT id, seq, content_hash, flags FROM movement "
                                                   "WHERE id = ANY(%(ids)b)", {"ids": sorted(movement_ids)})}
    return {row.id: row for row in session.execute(select(Movement.id, Movement.seq, Movement.content_hash, Movement.flags)
                                                   .where(Movement.id.in_(sorted(movement_ids))))}


def _duplicate_or_conflict(movement_id: str, stored, content_hash: str) -> dict:
    """The answer to an id the ledger holds, from the stored row alone."""
    if stored.content_hash != content_hash:
        return _rejected(movement_id, Rejected("idempotency_conflict",
                                               f"movement {movement_id} was already applied with different content",
                                               seq=stored.seq))
    return {"id": movement_id, "status": "duplicate", "seq": stored.seq,
            "flags": [f for f in stored.flags.split(",") if f]}


def _short_pick(session: Session, m: MovementInput) -> None:
    """A picker found less than expected: re-allocate or backorder, an exception, and a count of that bin."""
    outcome = record_short(session, m.ref, m.item_id, m.from_location, m.qty_base) if m.ref else "no order"
    session.add(ExceptionRecord(code="short_pick", item_id=m.item_id, location_id=m.from_location.id, ref=m.ref,
                                detail=f"{m.qty_base} missing at {m.from_location.code}: {outcome}"))
    note_exception_count(session, m.from_location, "short_pick", f"short pick for {m.ref or '-'}")


def finish_results(results: list[dict]) -> list[dict]:
    """Answer a repeated id inside one batch as a duplicate of its first occurrence."""
    finished = []
    for result in results:
        if result.get("status") == "duplicate_in_batch":
            first = result["first"].result
            if first["status"] in ("applied", "duplicate"):
                finished.append({"id": first["id"], "status": "duplicate", "seq": first["seq"], "flags": first["flags"]})
            else:
                finished.append(dict(first))
        else:
            finished.append(result)
    return finished
