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
from json.encoder import encode_basestring as _encode_string  # what json.dumps(ensure_ascii=False) writes for a str

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


def counted_against(kind: str, ref: str, flags) -> str | None:
    """What a movement counts against: "order" (a pick, pack or dispatch: committed, reserved, the order's lines),
    "purchase_order" (a receipt: in transit, the purchase order's lines) or None (stock only).

    The one rule for live posting and for a rebuild. It reads only what the movement stores (its kind, ref and
    the flags raised when it was posted), so an order or purchase order created, cancelled or moved later never
    changes what an old movement counted for.
    """
    flags = set(flags.split(",") if isinstance(flags, str) else flags)
    if not ref:
        return None
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
# strings, integers), written out directly rather than through json.dumps: the same bytes, about five times
# faster, which is what lets `ledger verify` hash a million movements in seconds. tests/unit/test_ledger_rules.py
# checks it byte for byte against json.dumps of _canonical_value over generated fields.


def _encode_str(value: str) -> str:
    # ASCII text is already NFC: only other text pays for normalising.
    return _encode_string(value if value.isascii() else unicodedata.normalize("NFC", value))


def _encode_datetime(value: datetime) -> str:
    if value.tzinfo is not None and value.utcoffset():
        value = value.astimezone(timezone.utc)
    if value.year < 1000:  # strftime's %Y does not pad: keep its exact text for the (absurd) early years
        return json.dumps(_canonical_value(value))
    return '"' + value.replace(tzinfo=None).isoformat(timespec="microseconds") + 'Z"'


_ENCODERS = {
    str: _encode_str,
    int: int.__repr__,
    bool: lambda value: "true" if value else "false",
    type(None): lambda value: "null",
    datetime: _encode_datetime,
}


def _encode_value(value) -> str:
    encoder = _ENCODERS.get(type(value))
    if encoder is None:  # a subclass (or something no program stores): the general, slower rule
        return json.dumps(_canonical_value(value), ensure_ascii=False)
    return encoder(value)


def canonical_row_encoder(names):
    """For rows whose values come in the order `sorted(names)`: a function from such a row to its canonical
    bytes. Lets a reader select the columns in that order and skip building a dict per row."""
    ordered = sorted(names)
    if "hash" in ordered:
        raise ValueError("a movement's hash is not part of what it hashes")
    prefixes = [("{" if n == 0 else ",") + _encode_string(name) + ":" for n, name in enumerate(ordered)]
    encoders, fallback = _ENCODERS, _encode_value

    def encode(values) -> bytes:
        parts = []
        for prefix, value in zip(prefixes, values):
            encoder = encoders.get(type(value), fallback)
            parts.append(prefix)
            parts.append(encoder(value))
        parts.append("}")
        return "".join(parts).encode("utf-8")

    return ordered, encode


def canonical_encoding(fields: dict) -> bytes:
    """Sorted-key compact JSON of the stored values: UTC times at microseconds, NFC strings, integers."""
    if "hash" in fields:
        raise ValueError("a movement's hash is not part of what it hashes")
    if not fields:
        return b"{}"
    ordered, encode = _encoder_for(tuple(sorted(fields)))
    return encode([fields[name] for name in ordered])


@lru_cache(maxsize=64)
def _encoder_for(names: tuple):
    return canonical_row_encoder(names)


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
