"""Set-based posting for a sync batch: the same rules as services/ledger.py, written per batch, not per movement.

A batch's movements are staged and hashed one by one, in device order, against stock levels held in memory
(loaded in one query for every item and location the batch touches, under the item/warehouse locks the batch
already holds), and their writes wait: one multi-row upsert of the stock levels, one multi-row insert of the
movements, one UPDATE per item/warehouse total, one insert of the movements' live events, then the supervisor's
exceptions (they point at the movements).

Anything else the batch asks of the database (an order's lines, a purchase order, a count, a carton) first
writes what waits: while the writer is open, every statement the session runs sees the batch so far. So the
per-kind rules in floor_effects.py need not know the writer exists, and a batch of plain scans makes a handful
of round trips however long it is. Errors surface at the latest when the writes go out, inside the caller's
savepoint; the caller then replays the batch movement by movement (services/sync.py).
"""
from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import DateTime, Integer, TypeDecorator, bindparam, event, select, tuple_
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import Movement, StockLevel, StockTotal
from webapp.db.models import Item, Location
from webapp.db.upsert import dialect_insert
from webapp.domain.clock import format_instant, utcnow
from webapp.services.exceptions import open_exceptions_for
from webapp.services.events import publish_many
from webapp.services.ledger import MovementInput, StagedMovement, advance_head, movement_event, movement_row

_LEVELS = StockLevel.__table__
_TOTALS = StockTotal.__table__
_MOVEMENTS = Movement.__table__


class BatchWriter:
    """Stock levels, movement rows, total changes and exceptions of one batch, written together by `flush`."""

    def __init__(self, session: Session, skus: dict[int, str] | None = None) -> None:
        self.session = session
        self.now = utcnow()
        self._lots: dict = {}  # (item_id, location_id) → {lot: [qty, expiry]}: what the database will hold
        self._level_deltas: dict = {}  # (item_id, location_id, lot) → [delta, warehouse_id, expiry]
        self._rows: list[dict] = []
        self._totals: dict = {}  # (item_id, warehouse_id) → [on_hand, quarantined, movements, chain_head]
        self._events: list[tuple[str, int, dict]] = []  # the live screens' movement events, written after the rows
        self._instant = lru_cache(maxsize=1024)(format_instant)  # a batch shares its recorded_at, often occurred_at
        self._flagged: list[tuple[SimpleNamespace, str | None]] = []  # written movements (and photos) whose flags become exceptions
        self._writing = False
        self._skus: dict = dict(skus or {})  # item_id → sku, for the live events (the batch's lookups know most)

    # --- the levels, as StagedMovement's level store -------------------------------------------------------

    def load(self, movements: list[MovementInput]) -> None:
        """Every lot of every (item, location) these movements touch, in one query."""
        pairs = {(m.item_id, location.id) for m in movements
                 for location in (m.from_location, m.to_location) if location is not None}
        self._load(pairs - set(self._lots))
        missing = sorted({m.item_id for m in movements} - set(self._skus))
        if missing:  # a carton's contents: items no scan named
            self._skus.update(self.session.execute(select(Item.id, Item.sku).where(Item.id.in_(missing))).tuples().all())

    def _load(self, pairs: set) -> None:
        if not pairs:
            return
        for pair in pairs:
            self._lots[pair] = {}
        if on_postgresql(self.session):
            ordered = sorted(pairs)
            rows = driver_rows(self.session, "SELECT l.item_id, l.location_id, l.lot, l.qty, l.expiry FROM stock_level AS l "
                               "JOIN unnest(CAST(%(items)b AS INTEGER[]), CAST(%(locations)b AS INTEGER[])) "
                               "AS k(item_id, location_id) USING (item_id, location_id)",
                               {"items": [i for i, _ in ordered], "locations": [loc for _, loc in ordered]})
        else:
            rows = self.session.execute(
                _LEVELS.select().with_only_columns(_LEVELS.c.item_id, _LEVELS.c.location_id, _LEVELS.c.lot,
                                                   _LEVELS.c.qty, _LEVELS.c.expiry)
                .where(tuple_(_LEVELS.c.item_id, _LEVELS.c.location_id).in_(sorted(pairs))))
        for item_id, location_id, lot, qty, expiry in rows:
            self._lots[(item_id, location_id)][lot] = [qty, expiry]

    def lots_at(self, item_id: int, location: Location) -> list[tuple[str, str, int]]:
        self._load({(item_id, location.id)} - set(self._lots))
        return [(lot, expiry, qty) for lot, (qty, expiry) in self._lots[(item_id, location.id)].items()]

    def add(self, item_id: int, location: Location, lot: str, expiry: str, delta: int) -> int:
        self._load({(item_id, location.id)} - set(self._lots))
        level = self._lots[(item_id, location.id)].setdefault(lot, [0, expiry])
        level[0] += delta
        pending = self._level_deltas.setdefault((item_id, location.id, lot), [0, location.warehouse_id, expiry])
        pending[0] += delta
        return level[0]

    # --- movements -----------------------------------------------------------------------------------------

    def append(self, staged: StagedMovement, seq: int) -> SimpleNamespace:
        """What ledger.append_movement does, with its writes held for `flush`."""
        fields = movement_row(staged, seq, self.now)
        self._rows.append(fields)
        m = staged.m
        change = self._totals.setdefault((m.item_id, m.warehouse_id), [0, 0, 0, ""])
        change[0] += staged.on_hand_delta
        change[1] += staged.quarantined_delta
        change[2] += 1
        change[3] = fields["hash"]
        advance_head(staged, fields)
        self._events.append(("movements", m.warehouse_id,
                             movement_event(fields, m, self._skus.get(m.item_id), self._instant)))
        movement = SimpleNamespace(**fields)  # read like a Movement; no ORM object per row
        if fields["flags"]:
            self._flagged.append((movement, m.photo))
        return movement

    def flush(self) -> None:
        """Write what waits: levels, movements, totals, then exceptions (which point at the movements)."""
        if self._writing or not (self._level_deltas or self._rows or self._totals or self._events or self._flagged):
            return
        self._writing = True
        try:
            self._write()
        finally:
            self._writing = False

    def _write(self) -> None:
        session = self.session
        postgresql = on_postgresql(session)
        if self._level_deltas:
            levels = [{"item_id": item_id, "location_id": location_id, "lot": lot, "warehouse_id": warehouse_id,
                       "expiry": expiry, "qty": delta}
                      for (item_id, location_id, lot), (delta, warehouse_id, expiry) in sorted(self._level_deltas.items())]
            if postgresql:
                columns, arrays, params = _unnest(_LEVELS, levels)
                _execute(session, f"INSERT INTO stock_level ({columns}) SELECT * FROM {arrays} "
                         "ON CONFLICT (item_id, location_id, lot) DO UPDATE SET qty = stock_level.qty + excluded.qty",
                         params)
            else:
                insert = dialect_insert(session, _LEVELS)
                session.execute(insert.values(levels).on_conflict_do_update(
                    index_elements=["item_id", "location_id", "lot"], set_={"qty": _LEVELS.c.qty + insert.excluded.qty}))
            self._level_deltas = {}
        if self._rows:
            if postgresql:
                columns, arrays, params = _unnest(_MOVEMENTS, self._rows)
                _execute(session, f"INSERT INTO movement ({columns}) SELECT * FROM {arrays}", params)
            else:
                session.execute(_MOVEMENTS.insert(), self._rows)
            self._rows = []
        if self._totals:
            totals = [{"item_id": item_id, "warehouse_id": warehouse_id, "on_hand": on_hand, "quarantined": quarantined,
                       "chain_length": length, "chain_head": head}
                      for (item_id, warehouse_id), (on_hand, quarantined, length, head) in sorted(self._totals.items())]
            if postgresql:
                columns, arrays, params = _unnest(_TOTALS, totals)
                _execute(session,
                         f"UPDATE stock_total AS t SET on_hand = t.on_hand + u.on_hand, quarantined = t.quarantined + "
                         f"u.quarantined, chain_length = t.chain_length + u.chain_length, chain_head = u.chain_head "
                         f"FROM {arrays} AS u({columns}) WHERE t.item_id = u.item_id AND t.warehouse_id = u.warehouse_id",
                         params)
            else:
                session.execute(
                    _TOTALS.update()
                    .where(_TOTALS.c.item_id == bindparam("k_item"), _TOTALS.c.warehouse_id == bindparam("k_warehouse"))
                    .values(on_hand=_TOTALS.c.on_hand + bindparam("d_on_hand"),
                            quarantined=_TOTALS.c.quarantined + bindparam("d_quarantined"),
                            chain_length=_TOTALS.c.chain_length + bindparam("d_length"), chain_head=bindparam("head")),
                    [{"k_item": t["item_id"], "k_warehouse": t["warehouse_id"], "d_on_hand": t["on_hand"],
                      "d_quarantined": t["quarantined"], "d_length": t["chain_length"], "head": t["chain_head"]}
                     for t in totals])
            self._totals = {}
        events, self._events = self._events, []
        publish_many(session, events)  # one statement on PostgreSQL, each seq pg_notify'd at commit
        flagged, self._flagged = self._flagged, []
        for movement, photo in flagged:
            open_exceptions_for(session, movement, photo)

    # --- the session sees the batch so far -----------------------------------------------------------------

    def __enter__(self) -> "BatchWriter":
        event.listen(self.session, "do_orm_execute", self._before_statement)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.session, "do_orm_execute", self._before_statement)

    def _before_statement(self, _state) -> None:
        self.flush()


def _array_type(column) -> str:
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, Integer):
        return "BIGINT"  # the column's own type checks the range as the row goes in
    if isinstance(kind, DateTime):
        return "TIMESTAMPTZ"
    return "TEXT"


def _unnest(table, rows: list[dict]) -> tuple[str, str, dict]:
    """PostgreSQL: rows as one array per column, unnested into rows again: a statement of constant text (parsed
    and planned once, whatever the batch size) and one round trip. The arrays go in binary (`%(name)b`): psycopg
    writes text arrays by escaping every element with a regular expression, the slowest part of a batch."""
    names = list(rows[0])
    casts = ", ".join(f"CAST(%(a{i})b AS {_array_type(table.c[name])}[])" for i, name in enumerate(names))
    return ", ".join(names), f"unnest({casts})", {f"a{i}": [row[name] for row in rows] for i, name in enumerate(names)}


def _execute(session: Session, statement: str, params: dict) -> None:
    """A statement in psycopg's own placeholders (binary arrays), in the session's transaction."""
    session.connection().exec_driver_sql(statement, params)


def driver_rows(session: Session, statement: str, params: dict) -> list:
    """PostgreSQL: the rows of a query in psycopg's own placeholders: `= ANY(%(keys)b)` or a join on unnested
    binary arrays is one short statement, where an IN list is a statement as long as the batch (SQLAlchemy expands
    it and psycopg re-parses it each time)."""
    return session.connection().exec_driver_sql(statement, params).all()


def on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
