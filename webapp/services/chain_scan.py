"""One streamed pass over the ledger in chain order: every hash recomputed, every link checked, each chain's
length and head, and the positions signed checkpoints ask about.

`ledger verify` and `ledger checkpoint` read the whole ledger, so this is the one place that does it, once:
rows come from a server-side cursor (memory stays flat at a million movements), their columns selected in
the canonical (sorted) order so each row is encoded as it arrives, without a dict per row, and hashed with
the very encoding posting uses (webapp/domain/ledger.py).
"""
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import text
from sqlalchemy.orm import Session

from webapp.domain.ledger import GENESIS_HASH, canonical_row_encoder
from webapp.services.ledger import HASHED_COLUMNS

COLUMNS, encode_row = canonical_row_encoder(HASHED_COLUMNS, times=("occurred_at", "recorded_at"))
_SEQ, _ID, _ITEM, _WAREHOUSE, _PREV = (COLUMNS.index(name) for name in ("seq", "id", "item_id", "warehouse_id",
                                                                         "prev_hash"))
_TIMES = [COLUMNS.index(name) for name in ("occurred_at", "recorded_at")]
_ROWS_PER_FETCH = 10_000


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


def scan_chains(session: Session, wanted: dict | None = None, item_ids: set[int] | None = None) -> ChainScan:
    """Read every movement once, in seq order. `wanted`: chain → the positions (1-based) to remember.
    `item_ids`: only those items' chains (a reconcile of one SKU or zone); None: every chain.

    Rows are read raw, so a value no program would write (tampering) is reported, never a crash."""
    scan, wanted = ChainScan(), wanted or {}
    heads, lengths, problems = scan.heads, scan.lengths, scan.problems
    text_times = session.get_bind().dialect.name == "sqlite"
    sha256 = hashlib.sha256
    for rows in _batches_in_seq_order(session, item_ids):
        scan.total += len(rows)
        for row in rows:
            chain = (row[_ITEM], row[_WAREHOUSE])
            stored_hash = row[-1]
            previous = heads.get(chain)
            heads[chain] = (row[_SEQ], row[_ID], stored_hash)
            n = lengths[chain] = lengths.get(chain, 0) + 1
            if n in wanted.get(chain, ()):
                scan.positions[(chain, n)] = heads[chain]
            label = None
            if row[_PREV] != (previous[2] if previous else GENESIS_HASH):
                label = "prev_hash does not match the movement before it"
            else:
                try:
                    values = row[:-1]
                    if text_times:
                        values = list(values)
                        for i in _TIMES:
                            values[i] = _stored_value(values[i])
                    matches = sha256(encode_row(values)).hexdigest() == stored_hash
                except (ValueError, TypeError, OverflowError):
                    matches = False
                if not matches:
                    label = "stored fields no longer match its hash"
            if label:
                problems.append(f"movement seq={row[_SEQ]} id={row[_ID]}: {label}")
    return scan


def _batches_in_seq_order(session: Session, item_ids: set[int] | None = None):
    """Every movement's columns (COLUMNS, then hash), in seq order, a batch of rows at a time."""
    only = ""
    if item_ids is not None:  # integers only, so the list is safe to write into the statement
        only = f"WHERE item_id IN ({', '.join(str(int(i)) for i in sorted(item_ids)) or 'NULL'}) "
    query = f"SELECT {', '.join(COLUMNS)}, hash FROM movement {only}ORDER BY seq"
    if session.get_bind().dialect.name != "postgresql":
        yield from session.execute(text(query).execution_options(yield_per=_ROWS_PER_FETCH)).partitions()
        return
    # psycopg's own server-side cursor, in the session's transaction (its snapshot): FETCH 10,000 rows a round
    # trip, plain tuples (no Row objects for a million rows).
    connection = session.connection().connection.driver_connection
    with connection.cursor(name="dockhand_chain_scan") as cursor:
        cursor.execute(query)
        while rows := cursor.fetchmany(_ROWS_PER_FETCH):
            yield rows
