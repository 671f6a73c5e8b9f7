"""Posting movements: lock the item's chain head, update the projection, hash, append — one transaction.

The caller owns the transaction (a unit of work); each movement may run inside a savepoint so
one bad movement is undone alone.
"""
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable

from sqlalchemy import select, text, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from webapp.db.ledger_tables import Movement, StockLevel, StockTotal
from webapp.db.models import Item, Location
from webapp.db.upsert import dialect_insert, next_movement_seq
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.ledger import EFFECTS, GENESIS_HASH, StockNumbers, choose_lot, location_deltas, movement_hash
from webapp.domain.locations import QUARANTINE_KINDS
from webapp.services.events import publish

MOVEMENT_COLUMNS = [c.name for c in Movement.__table__.columns]
HASHED_COLUMNS = [name for name in MOVEMENT_COLUMNS if name != "hash"]
_HASHED = frozenset(HASHED_COLUMNS)


@dataclass
class MovementInput:
    id: str
    kind: str
    item_id: int
    warehouse_id: int
    qty_base: int
    qty_scanned: int
    uom: str = "EA"
    from_location: Location | None = None
    to_location: Location | None = None
    ref: str = ""
    lot: str = ""
    expiry: str = ""
    reason: str = ""
    corrects_seq: int | None = None
    scanned_by_id: int | None = None
    sent_by_id: int | None = None
    device_id: str = ""
    device_seq: int | None = None
    occurred_at: datetime | None = None
    content_hash: str = ""
    flags: list[str] = field(default_factory=list)
    effect: str = ""  # the ledger effect when it is not the kind's own (a dispatch shipping a transfer order)
    lot_is_known: bool = False  # take exactly `lot` (even ''), never the first-expiring lot at `from`
    photo: str | None = None  # a damaged receipt's photo: kept on its exception (not a ledger column)


def lock_totals(session: Session, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], StockTotal]:
    """Lock (creating if absent) the item/warehouse total rows, in a fixed order so batches never deadlock."""
    ordered = sorted(set(keys))
    if not ordered:
        return {}
    if session.get_bind().dialect.name != "postgresql":  # SQLite: BEGIN IMMEDIATE already serialises writers
        _create_totals(session, ordered)
        return {(row.item_id, row.warehouse_id): row for row in session.execute(
            select(StockTotal).where(tuple_(StockTotal.item_id, StockTotal.warehouse_id).in_(ordered))
            .execution_options(populate_existing=True)).scalars()}
    keys = {"items": [i for i, _ in ordered], "warehouses": [w for _, w in ordered]}
    existing = set(session.execute(text(
        "SELECT t.item_id, t.warehouse_id FROM stock_total AS t JOIN unnest(CAST(:items AS INTEGER[]), "
        "CAST(:warehouses AS INTEGER[])) AS k(item_id, warehouse_id) USING (item_id, warehouse_id)"), keys).tuples())
    _create_totals(session, [key for key in ordered if key not in existing])
    # One statement: PostgreSQL locks the rows as the ORDER BY hands them over, so in key order (no deadlocks).
    rows = session.execute(select(StockTotal).from_statement(text(
        "SELECT t.* FROM stock_total AS t JOIN unnest(CAST(:items AS INTEGER[]), CAST(:warehouses AS INTEGER[])) "
        "AS k(item_id, warehouse_id) USING (item_id, warehouse_id) ORDER BY t.item_id, t.warehouse_id "
        "FOR UPDATE OF t")).execution_options(populate_existing=True), keys).scalars()
    return {(row.item_id, row.warehouse_id): row for row in rows}


def _create_totals(session: Session, keys: list[tuple[int, int]]) -> None:
    if keys:
        insert = dialect_insert(session, StockTotal.__table__)
        session.execute(insert.values([{"item_id": i, "warehouse_id": w} for i, w in keys]).on_conflict_do_nothing())


def _add_to_level(session: Session, item_id: int, location: Location, lot: str, expiry: str, delta: int) -> int:
    table = StockLevel.__table__
    insert = dialect_insert(session, table).values(
        item_id=item_id, location_id=location.id, lot=lot, warehouse_id=location.warehouse_id, expiry=expiry, qty=delta
    )
    insert = insert.on_conflict_do_update(
        index_elements=["item_id", "location_id", "lot"], set_={"qty": table.c.qty + delta}
    ).returning(table.c.qty)
    return session.execute(insert).scalar_one()


@dataclass
class StagedMovement:
    """A movement whose stock levels are applied and whose row is not yet appended."""

    m: MovementInput
    total: StockTotal
    balances: dict[str, int]
    on_hand_delta: int
    quarantined_delta: int = 0


class DatabaseLevels:
    """Stock levels read and written one statement at a time (services/batch_posting.py keeps a batch's in memory)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lots_at(self, item_id: int, location: Location) -> list[tuple[str, str, int]]:
        return self.session.execute(select(StockLevel.lot, StockLevel.expiry, StockLevel.qty).where(
            StockLevel.item_id == item_id, StockLevel.location_id == location.id)).tuples().all()

    def add(self, item_id: int, location: Location, lot: str, expiry: str, delta: int) -> int:
        return _add_to_level(self.session, item_id, location, lot, expiry, delta)


def _known_expiry(session: Session, levels, m: MovementInput) -> str:
    """A scan that names a lot but not its expiry (a putaway, a transfer's receipt) keeps the lot's expiry: a lot
    is one batch of one item, so its expiry is the one it has where it comes from, or anywhere else."""
    if m.from_location is not None:
        here = [expiry for lot, expiry, _ in levels.lots_at(m.item_id, m.from_location) if lot == m.lot and expiry]
        if here:
            return here[0]
    return session.scalar(select(StockLevel.expiry).where(StockLevel.item_id == m.item_id, StockLevel.lot == m.lot,
                                                           StockLevel.expiry != "").limit(1)) or ""


def stage_movement(session: Session, m: MovementInput, total: StockTotal | None = None, levels=None) -> StagedMovement:
    """Apply a movement to the stock levels (lot chosen first-expiry-first-out when none was scanned) and flag
    what the levels say (negative stock, a frozen location). `total` must be locked already (or is locked here).
    `levels`: where the levels are read and written (DatabaseLevels unless a batch keeps them)."""
    assert m.qty_base >= 0, "quantities are validated before they reach the ledger"
    if total is None:
        total = lock_totals(session, [(m.item_id, m.warehouse_id)])[(m.item_id, m.warehouse_id)]
    levels = levels or DatabaseLevels(session)
    if not m.lot and not m.lot_is_known and m.from_location is not None and EFFECTS[m.kind] != "record":
        lot, lot_expiry = choose_lot(levels.lots_at(m.item_id, m.from_location), m.qty_base)
        m.lot, m.expiry = lot, (lot_expiry if lot else m.expiry)
    elif m.lot and not m.expiry:
        m.expiry = _known_expiry(session, levels, m)
    balances: dict[str, int] = {}
    changes = location_deltas(m.kind, m.qty_base)
    for change in changes:
        location = m.from_location if change.side == "from" else m.to_location
        balances[change.side] = levels.add(m.item_id, location, m.lot, m.expiry, change.delta)
        if change.delta < 0 and balances[change.side] < 0:
            add_flag(m, "negative_stock")
    for location in (m.from_location, m.to_location):
        if location is not None and location.frozen and m.kind != "count":
            add_flag(m, "location_frozen")
    on_hand_delta = sum(c.delta for c in changes)
    quarantined_delta = sum(c.delta for c in changes
                            if (m.from_location if c.side == "from" else m.to_location).kind in QUARANTINE_KINDS)
    return StagedMovement(m, total, balances, on_hand_delta, quarantined_delta)


def movement_row(staged: StagedMovement, seq: int, now) -> dict:
    """A staged movement's stored fields, hashed onto its chain (flags included): what append writes."""
    m, total, balances = staged.m, staged.total, staged.balances
    fields = {
        "seq": seq,
        "id": m.id,
        "kind": m.kind,
        "effect": m.effect or EFFECTS[m.kind],
        "item_id": m.item_id,
        "warehouse_id": m.warehouse_id,
        "from_location_id": m.from_location.id if m.from_location else None,
        "to_location_id": m.to_location.id if m.to_location else None,
        "lot": m.lot,
        "expiry": m.expiry,
        "qty_base": m.qty_base,
        "uom": m.uom,
        "qty_scanned": m.qty_scanned,
        "ref": m.ref,
        "reason": m.reason,
        "corrects_seq": m.corrects_seq,
        "scanned_by_id": m.scanned_by_id,
        "sent_by_id": m.sent_by_id,
        "device_id": m.device_id,
        "device_seq": m.device_seq,
        "occurred_at": m.occurred_at or now,
        "recorded_at": now,
        "from_balance_after": balances.get("from"),
        "to_balance_after": balances.get("to"),
        "flags": ",".join(m.flags),
        "content_hash": m.content_hash,
        "prev_hash": total.chain_head or GENESIS_HASH,
    }
    assert set(fields) == _HASHED, "every stored column is hashed"
    fields["hash"] = movement_hash(fields)
    return fields


def advance_head(staged: StagedMovement, fields: dict) -> None:
    """Keep the locked total's in-memory copy in step without marking it dirty (an UPDATE is the write)."""
    total = staged.total
    if staged.on_hand_delta:  # (each set costs a few microseconds: a batch makes thousands)
        set_committed_value(total, "on_hand", total.on_hand + staged.on_hand_delta)
    set_committed_value(total, "chain_head", fields["hash"])
    set_committed_value(total, "chain_length", total.chain_length + 1)
    if staged.quarantined_delta:
        set_committed_value(total, "quarantined", total.quarantined + staged.quarantined_delta)


def append_movement(session: Session, staged: StagedMovement, seq: int | None = None) -> Movement:
    """The one place a movement row is written one at a time: hashed onto its chain (flags included), with on
    hand and the chain head of its item/warehouse total moved in the same transaction."""
    m = staged.m
    fields = movement_row(staged, seq if seq is not None else next_movement_seq(session), utcnow())
    session.execute(Movement.__table__.insert().values(**fields))
    table = StockTotal.__table__
    session.execute(
        table.update()
        .where(table.c.item_id == m.item_id, table.c.warehouse_id == m.warehouse_id)
        .values(on_hand=table.c.on_hand + staged.on_hand_delta, chain_head=fields["hash"],
                chain_length=table.c.chain_length + 1, quarantined=table.c.quarantined + staged.quarantined_delta)
    )
    advance_head(staged, fields)
    publish_movement(session, fields, m)
    return Movement(**fields)


def publish_movement(session: Session, fields: dict, m: MovementInput) -> None:
    item = session.get(Item, m.item_id)
    publish(session, "movements", m.warehouse_id, movement_event(fields, m, item.sku if item else None))


def movement_event(fields: dict, m: MovementInput, sku: str | None, instant=format_instant) -> dict:
    """What a live screen is told of a written movement. `instant`: format_instant, or a batch's cached copy."""
    return {
        "seq": fields["seq"], "id": m.id, "kind": m.kind, "item": sku,
        "qty_base": m.qty_base, "uom": m.uom, "qty_scanned": m.qty_scanned,
        "from": m.from_location.code if m.from_location else None, "to": m.to_location.code if m.to_location else None,
        "ref": m.ref or None, "lot": m.lot or None, "device_id": m.device_id or None,
        "scanned_by_id": m.scanned_by_id, "flags": list(m.flags),
        "from_balance_after": fields["from_balance_after"], "to_balance_after": fields["to_balance_after"],
        "occurred_at": instant(fields["occurred_at"]), "recorded_at": instant(fields["recorded_at"])}


def post_movement(session: Session, m: MovementInput, total: StockTotal | None = None,
                  seq: int | None = None) -> Movement:
    """A movement that touches nothing but stock (an adjustment, a count's correction, opening stock):
    staged and appended. Floor scans go through services/sync.py, which adds what they do to orders."""
    return append_movement(session, stage_movement(session, m, total), seq)


def add_flag(m: MovementInput, flag: str) -> None:
    if flag not in m.flags:
        m.flags.append(flag)


def stock_numbers(total: StockTotal | None) -> StockNumbers:
    if total is None:
        return StockNumbers(0, 0, 0, 0)
    return StockNumbers(total.on_hand, total.reserved, total.committed, total.in_transit, total.quarantined)
