"""The ledger's rules: movement kinds and what they do to stock, the five numbers, the hash chain.

Quantities are integers in the item's base unit. A movement is never edited; a mistake is
corrected by another movement that points at the one it corrects.
"""
import hashlib
import json
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from json.encoder import c_make_encoder, encode_basestring  # json.dumps(ensure_ascii=False)'s own parts

GENESIS_HASH = "0" * 64

# floor kind → ledger effect
EFFECTS = {
    "receive": "receipt",
    "putaway": "transfer",
    "transfer": "transfer",
    "pick": "transfer",
    "pack": "transfer",
    "dispatch": "issue",
    "return": "return",
    "adjust_in": "adjustment_in",
    "adjust_out": "adjustment_out",
    "count": "record",  # a counted quantity: no stock change
    "short": "record",  # a picker found less than expected: no stock change
    "scrap": "scrap",  # a returned unit written off where it was returned to (never sent by a device)
}
# Which locations each kind needs ("from", "to").
NEEDS = {
    "receive": ("to",),
    "putaway": ("from", "to"),
    "transfer": ("from", "to"),
    "pick": ("from", "to"),
    "pack": ("from", "to"),
    "dispatch": ("from",),
    "return": ("to",),
    "adjust_in": ("to",),
    "adjust_out": ("from",),
    "count": ("to",),
    "short": ("from",),
    "scrap": ("from",),
}


@dataclass(frozen=True)
class LocationDelta:
    side: str  # "from" or "to"
    delta: int


def location_deltas(kind: str, qty_base: int) -> list[LocationDelta]:
    """What a movement does to the stock at its locations."""
    effect = EFFECTS[kind]
    if effect == "record":
        return []
    deltas = []
    if "from" in NEEDS[kind]:
        deltas.append(LocationDelta("from", -qty_base))
    if "to" in NEEDS[kind]:
        deltas.append(LocationDelta("to", qty_base))
    return deltas


@dataclass(frozen=True)
class StockNumbers:
    on_hand: int
    reserved: int
    committed: int
    in_transit: int
    quarantined: int = 0  # part of on hand that sits in quarantine

    @property
    def available(self) -> int:
        """What may be promised: on hand − reserved − committed − quarantined (never counts in-transit stock)."""
        return self.on_hand - self.reserved - self.committed - self.quarantined

    def as_json(self) -> dict:
        return {"on_hand": self.on_hand, "reserved": self.reserved, "committed": self.committed,
                "in_transit": self.in_transit, "quarantined": self.quarantined, "available": self.available}


# Flags raised at posting that mean a floor movement did not happen against its reference: it moves stock, and
# nothing on that order or purchase order.
NOT_AGAINST_ORDER = frozenset({"order_not_open", "unexpected_item", "cross_warehouse"})
NOT_AGAINST_PURCHASE_ORDER = frozenset({"unknown_purchase_order", "unexpected_item", "cross_warehouse"})
ORDER_KINDS = ("pick", "pack", "dispatch")
# A dispatch or receive whose ref named a transfer order when it was posted is stored with one of these ledger
# effects (the row itself says it was a transfer between warehouses, so no order created later can claim it).
TRANSFER_EFFECTS = {"dispatch": "transfer_out", "receive": "transfer_in"}
NOT_AGAINST_TRANSFER_ORDER = frozenset({"unexpected_item", "cross_warehouse", "transfer_order_closed"})


def counted_against(kind: str, ref: str, flags, effect: str = "") -> str | None:
    """What a movement counts against: "order" (a pick, pack or dispatch: committed, reserved, the order's lines),
    "purchase_order" (a receipt: in transit, the lines of the purchase order or inbound shipment its ref names —
    the two never share a number), "transfer_order" (a dispatch shipping or a receive receiving a transfer between
    warehouses: in transit at the destination) or None (stock only).

    The one rule for live posting and for a rebuild. It reads only what the movement stores (its kind, ref,
    effect and the flags raised when it was posted), so an order or purchase order created, cancelled or moved
    later never changes what an old movement counted for.
    """
    flags = set(flags.split(",") if isinstance(flags, str) else flags)
    if not ref:
        return None
    if effect and effect == TRANSFER_EFFECTS.get(kind):
        return None if flags & NOT_AGAINST_TRANSFER_ORDER else "transfer_order"
    if kind in ORDER_KINDS and not flags & NOT_AGAINST_ORDER:
        return "order"
    if kind == "receive" and not flags & NOT_AGAINST_PURCHASE_ORDER:
        return "purchase_order"
    return None


def order_committed(picked: int, dispatched: int, order_state: str) -> int:
    """Units of one item an order holds picked but not yet gone: the one definition of committed."""
    if order_state == "cancelled":
        return 0  # a cancelled order's picked goods are flagged back to stock, not held
    return max(0, picked - dispatched)


def in_transit_between(shipped: int, received: int, transfer_status: str) -> int:
    """Units of one item shipped by a transfer order and not yet received at its destination: the one
    definition of a transfer's in transit. Closing the transfer order takes the rest out of transit."""
    if transfer_status != "open":
        return 0
    return max(0, shipped - received)


def open_on_order(ordered: int, received: int, po_status: str) -> int:
    """Units still expected on a purchase-order line: the one definition of in transit."""
    if po_status != "open":
        return 0
    return max(0, ordered - received)


# --- the hash chain -------------------------------------------------------------------------

def _canonical_value(value):
    if value is None or isinstance(value, bool) or isinstance(value, int):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    raise TypeError(f"cannot hash a {type(value).__name__}")


# The canonical encoding is sorted-key compact JSON of the stored values (UTC times at microseconds, NFC
# strings, integers). A row of plain values (text, integers, nulls, times) goes through json's C encoder in one
# call, with only its times formatted in Python; text that is not all ASCII (the only text NFC can change) takes
# the general rule. The same bytes as json.dumps of _canonical_value (tests/unit/test_ledger_rules.py checks it
# byte for byte over generated fields), several times faster: `ledger verify` hashes every movement there is.
_PLAIN = frozenset({str, int, bool, type(None)})


def _no_default(value):
    raise TypeError(f"cannot hash a {type(value).__name__}")


if c_make_encoder is not None:
    _c_encode = c_make_encoder(None, _no_default, encode_basestring, None, ":", ",", False, False, False)

    def _json(fields: dict) -> str:
        return "".join(_c_encode(fields, 0))
else:  # pragma: no cover - CPython always has the C encoder
    _json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False, allow_nan=False,
                             default=_no_default).encode


def _utc_text(value: datetime) -> str:
    if value.utcoffset():  # naive (None) and UTC (zero) are UTC already
        value = value.astimezone(timezone.utc)
    if value.year < 1000:  # strftime's %Y does not pad: keep its exact text for the (absurd) early years
        return _canonical_value(value)
    # "YYYY-MM-DDTHH:MM:SS.ffffff" is isoformat's first 26 characters (whole seconds need the timespec).
    return (value.isoformat() if value.microsecond else value.isoformat(timespec="microseconds"))[:26] + "Z"


def canonical_row_encoder(names, times=()):
    """For rows whose values come in the order `sorted(names)`: (that order, a function from such a row to its
    canonical bytes). `times`: the names that hold times. Lets a reader select the columns in that order and
    encode each row as it arrives."""
    ordered = tuple(sorted(names))
    if "hash" in ordered:
        raise ValueError("a movement's hash is not part of what it hashes")
    slots = [ordered.index(name) for name in times]

    def encode(values) -> bytes:
        if slots:
            values = list(values)
            for i in slots:
                if type(values[i]) is datetime:
                    values[i] = _utc_text(values[i])
        if set(map(type, values)) <= _PLAIN:
            text = _json(dict(zip(ordered, values)))
            if text.isascii():
                return text.encode()
        # Text beyond ASCII (the only text NFC can change), a subclass, or a type no program stores (refused).
        return _json(dict(zip(ordered, map(_canonical_value, values)))).encode()

    return ordered, encode


_ESCAPED = bytes(range(0x20)) + b'"\\'  # what JSON escapes in ASCII text


def canonical_row_template(names, quoted):
    """For a reader that has each value of a row in the order `sorted(names)` already printed: a function from
    such a row to its canonical bytes, or None when the row needs the general encoder (canonical_row_encoder).

    `quoted`: the names whose values are text (a time already in its canonical text counts as text); every other
    value is its JSON already (an int, never a bool, or the database's text of an integer or `null`). One `%`
    fills the whole row, which is the canonical JSON exactly when no text needs escaping or NFC: all of it ASCII
    without a quote, backslash or control character. Anything else (a None, other text) answers None (the
    general encoder decides), never other bytes: tests/unit/test_ledger_rules.py checks it against the rule."""
    ordered = tuple(sorted(names))
    if "hash" in ordered:
        raise ValueError("a movement's hash is not part of what it hashes")
    quoted = frozenset(quoted)
    template = "{%s}" % ",".join(encode_basestring(name).replace("%", "%%") + (':"%s"' if name in quoted else ":%s")
                                 for name in ordered)
    bare = (template % tuple("" for _ in ordered)).encode()
    quotes = len(bare) - len(bare.translate(None, _ESCAPED))  # the keys' quotes and the text values'

    def encode(values: tuple) -> bytes | None:
        if None in values:
            return None
        text = template % values
        if text.isascii():
            data = text.encode()
            if len(data) - len(data.translate(None, _ESCAPED)) == quotes:  # none in the values
                return data
        return None

    return ordered, encode


def canonical_encoding(fields: dict) -> bytes:
    """Sorted-key compact JSON of the stored values: UTC times at microseconds, NFC strings, integers."""
    if "hash" in fields:
        raise ValueError("a movement's hash is not part of what it hashes")
    times = tuple(name for name, value in fields.items() if type(value) is datetime)
    ordered, encode = _encoder_for(tuple(sorted(fields)), times)
    return encode([fields[name] for name in ordered])


@lru_cache(maxsize=64)
def _encoder_for(names: tuple, times: tuple):
    return canonical_row_encoder(names, times)


def movement_hash(fields: dict) -> str:
    """The hash of a movement over every stored field but `hash` (so `prev_hash` links the chain)."""
    return hashlib.sha256(canonical_encoding(fields)).hexdigest()


def content_digest(payload: dict) -> str:
    """What a device sent, for telling a true duplicate from a reused id with other content."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def choose_lot(candidates: list[tuple[str, str, int]], qty_base: int) -> tuple[str, str]:
    """The lot a movement takes when the scan named none: first expiry first out among lots holding stock.

    `candidates` are (lot, expiry, qty) at the location. Prefer the earliest-expiring lot that can
    cover the whole quantity; else the one holding the most; no stock at all → no lot ('', '').
    """
    stocked = [c for c in candidates if c[2] > 0]
    if not stocked:
        return "", ""
    by_expiry = sorted(stocked, key=lambda c: (c[1] == "", c[1], c[0]))
    for lot, expiry, qty in by_expiry:
        if qty >= qty_base:
            return lot, expiry
    lot, expiry, _ = max(stocked, key=lambda c: (c[2], c[0]))
    return lot, expiry
