"""One streamed pass over the ledger in chain order: every hash recomputed, every link checked, each chain's
length and head, and the positions signed checkpoints ask about.

`ledger verify` and `ledger checkpoint` read the whole ledger, so this is the one place that does it, once:
rows come from a server-side cursor (memory stays flat at a million movements), their columns selected in
the canonical (sorted) order so each row is encoded as it arrives, without a dict per row, and hashed with
the very encoding posting uses (webapp/domain/ledger.py).

On PostgreSQL the database prints what it can print the canonical way (times in UTC as text, integers and
nulls as JSON) so a plain row becomes its canonical bytes in one `%` (canonical_row_template); any other row
takes the general encoder. The next batch is fetched while this one is hashed (the server and Python work
at once).
"""
import hashlib
import queue
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import BigInteger, Integer, text
from sqlalchemy.orm import Session

from webapp.db.ledger_tables import Movement
from webapp.domain.ledger import GENESIS_HASH, canonical_row_encoder, canonical_row_template
from webapp.services.ledger import HASHED_COLUMNS

_TIME_COLUMNS = ("occurred_at", "recorded_at")
COLUMNS, encode_row = canonical_row_encoder(HASHED_COLUMNS, times=_TIME_COLUMNS)
_SEQ, _ID, _ITEM, _WAREHOUSE, _PREV = (COLUMNS.index(name) for name in ("seq", "id", "item_id", "warehouse_id",
                                                                         "prev_hash"))
_TIMES = [COLUMNS.index(name) for name in _TIME_COLUMNS]
_ROWS_PER_FETCH = 10_000

_table = Movement.__table__.c
_INTEGERS = [name for name in COLUMNS if isinstance(_table[name].type, (Integer, BigInteger))]
# Integers that may be null arrive as the database's text of them ("12", "null"); the rest as ints.
_PRINTED = [name for name in _INTEGERS if _table[name].nullable and name not in ("seq", "item_id", "warehouse_id")]
_PRINTED_SLOTS = [COLUMNS.index(name) for name in _PRINTED]
_, encode_printed = canonical_row_template(HASHED_COLUMNS, quoted=set(COLUMNS) - set(_INTEGERS))


@dataclass
class ChainScan:
    problems: list[str] = field(default_factory=list)  # in seq order: the first is the first bad movement
    heads: dict = field(default_factory=dict)  # (item_id, warehouse_id) → (seq, id, hash) of its newest movement
    lengths: dict = field(default_factory=dict)  # (item_id, warehouse_id) → movements in the chain
    positions: dict = field(default_factory=dict)  # ((item_id, warehouse_id), n) → (seq, id, hash), as asked
    total: int = 0


def _stored_value(value):
    """A raw stored time as the hash saw it. SQLite hands times back as text; unreadable text cannot match."""
    if isinstance(value, str):
        moment = datetime.fromisoformat(value)  # ValueError for text that is no time at all
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return value


def _from_printed(values: tuple) -> list:
    """A PostgreSQL row back to values the general encoder takes: printed integers as ints again (times stay the
    canonical text they already are)."""
    values = list(values)
    for i in _PRINTED_SLOTS:
        values[i] = None if values[i] == "null" else int(values[i])
    return values


def scan_chains(session: Session, wanted: dict | None = None, item_ids: set[int] | None = None) -> ChainScan:
    """Read every movement once, in seq order. `wanted`: chain → the positions (1-based) to remember.
    `item_ids`: only those items' chains (a reconcile of one SKU or zone); None: every chain.

    Rows are read raw, so a value no program would write (tampering) is reported, never a crash."""
    scan, wanted = ChainScan(), wanted or {}
    heads, lengths, problems, positions = scan.heads, scan.lengths, scan.problems, scan.positions
    printed = session.get_bind().dialect.name == "postgresql"
    text_times = session.get_bind().dialect.name == "sqlite"
    sha256, genesis = hashlib.sha256, GENESIS_HASH
    for rows in _batches_in_seq_order(session, item_ids):
        scan.total += len(rows)
        for row in rows:
            chain = (row[_ITEM], row[_WAREHOUSE])
            stored_hash = row[-1]
            previous = heads.get(chain)
            head = heads[chain] = (row[_SEQ], row[_ID], stored_hash)
            n = lengths[chain] = lengths.get(chain, 0) + 1
            if wanted and n in wanted.get(chain, ()):
                positions[(chain, n)] = head
            if row[_PREV] != (previous[2] if previous else genesis):
                problems.append(f"movement seq={row[_SEQ]} id={row[_ID]}: prev_hash does not match the movement "
                                "before it")
                continue
            values = row[:-1]
            encoded = encode_printed(values) if printed else None
            if encoded is not None and sha256(encoded).hexdigest() == stored_hash:
                continue
            try:  # the general rule decides every row the fast one did not match
                if printed:
                    values = _from_printed(values)
                elif text_times:
                    values = list(values)
                    for i in _TIMES:
                        values[i] = _stored_value(values[i])
                matches = sha256(encode_row(values)).hexdigest() == stored_hash
            except (ValueError, TypeError, OverflowError):
                matches = False
            if not matches:
                problems.append(f"movement seq={row[_SEQ]} id={row[_ID]}: stored fields no longer match its hash")
    return scan


# glibc's strftime writes years before 1000 unpadded ("999-..."), as the canonical encoding then does; to_char pads.
_PADDED_EARLY_YEARS = datetime(5, 1, 1).strftime("%Y") == "0005"
_TIME_TEXT = "to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"


def time_text_sql(column: str) -> str:
    """A timestamptz column as the canonical encoding writes a time (webapp/domain/ledger.py _utc_text): UTC, to
    the microsecond. A time before year 1 gets a mark no encoded time has (Python cannot even hold one)."""
    plain = _TIME_TEXT.format(column)
    early = plain if _PADDED_EARLY_YEARS else f"ltrim({plain}, '0')"
    return (f"CASE WHEN {column} >= TIMESTAMPTZ '1000-01-01 00:00:00+00' THEN {plain} "
            f"WHEN {column} >= TIMESTAMPTZ '0001-01-01 00:00:00+00' THEN {early} ELSE {plain} || ' BC' END")


def _selected(name: str) -> str:
    if name in _TIME_COLUMNS:
        return time_text_sql(name)
    if name in _PRINTED:
        return f"coalesce({name}::text, 'null')"
    return name


def _batches_in_seq_order(session: Session, item_ids: set[int] | None = None):
    """Every movement's columns (COLUMNS, then hash), in seq order, a batch of rows at a time. On PostgreSQL
    times come as their canonical text and nullable integers printed (see _selected)."""
    only = ""
    if item_ids is not None:  # integers only, so the list is safe to write into the statement
        only = f"WHERE item_id IN ({', '.join(str(int(i)) for i in sorted(item_ids)) or 'NULL'}) "
    if session.get_bind().dialect.name != "postgresql":
        query = f"SELECT {', '.join(COLUMNS)}, hash FROM movement {only}ORDER BY seq"
        yield from session.execute(text(query).execution_options(yield_per=_ROWS_PER_FETCH)).partitions()
        return
    query = f"SELECT {', '.join(map(_selected, COLUMNS))}, hash FROM movement {only}ORDER BY seq"
    # psycopg's own server-side cursor, in the session's transaction (its snapshot): FETCH 10,000 rows a round
    # trip, plain tuples (no Row objects for a million rows), the next FETCH running while this batch is hashed.
    connection = session.connection().connection.driver_connection
    with connection.cursor(name="dockhand_chain_scan") as cursor:
        cursor.execute(query)
        yield from _fetched_ahead(cursor)


def _fetched_ahead(cursor):
    """The cursor's batches, each fetched by a thread while the caller works on the one before (psycopg waits for
    the server without the GIL). The thread stops when the caller does, even on an error."""
    batches, stop = queue.Queue(maxsize=2), threading.Event()

    def fetch():
        try:
            while not stop.is_set():
                rows = cursor.fetchmany(_ROWS_PER_FETCH)
                batches.put(rows)
                if not rows:
                    return
        except BaseException as error:  # handed to the caller, raised there
            batches.put(error)

    reader = threading.Thread(target=fetch, name="chain-scan-fetch", daemon=True)
    reader.start()
    try:
        while True:
            rows = batches.get()
            if isinstance(rows, BaseException):
                raise rows
            if not rows:
                return
            yield rows
    finally:
        stop.set()
        while reader.is_alive():  # unblock a put() waiting on a full queue
            try:
                batches.get(timeout=0.05)
            except queue.Empty:
                pass
        reader.join()
