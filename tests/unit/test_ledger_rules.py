"""Ledger rules without a database: kinds, the five numbers, committed, lots, the canonical hash."""
from datetime import datetime, timezone

import pytest

from webapp.domain.errors import Conflict
from webapp.domain.ledger import (StockNumbers, canonical_encoding, choose_lot, counted_against, location_deltas,
                                  movement_hash, open_on_order, order_committed)
from webapp.domain.orders import check_transition


def test_available_is_on_hand_minus_reserved_minus_committed_and_ignores_in_transit():
    assert StockNumbers(on_hand=200, reserved=45, committed=12, in_transit=80).available == 143


@pytest.mark.parametrize("kind, expected", [
    ("receive", [("to", 5)]), ("transfer", [("from", -5), ("to", 5)]), ("pick", [("from", -5), ("to", 5)]),
    ("dispatch", [("from", -5)]), ("return", [("to", 5)]), ("count", []), ("short", []),
])
def test_each_kind_moves_stock_the_right_way(kind, expected):
    assert [(d.side, d.delta) for d in location_deltas(kind, 5)] == expected


def test_committed_is_picked_not_yet_dispatched_and_nothing_for_a_cancelled_order():
    assert order_committed(picked=12, dispatched=0, order_state="picking") == 12
    assert order_committed(picked=12, dispatched=12, order_state="dispatched") == 0
    assert order_committed(picked=3, dispatched=5, order_state="packed") == 0
    assert order_committed(picked=12, dispatched=0, order_state="cancelled") == 0


def test_in_transit_is_what_an_open_purchase_order_still_expects():
    assert open_on_order(ordered=80, received=30, po_status="open") == 50
    assert open_on_order(ordered=80, received=90, po_status="open") == 0
    assert open_on_order(ordered=80, received=0, po_status="closed") == 0


def test_a_scan_without_a_lot_takes_the_earliest_expiring_lot_that_covers_it():
    lots = [("L2", "2027-05-01", 10), ("L1", "2027-01-01", 2), ("L3", "", 50)]
    assert choose_lot(lots, 2) == ("L1", "2027-01-01")
    assert choose_lot(lots, 5) == ("L2", "2027-05-01")
    assert choose_lot(lots, 40) == ("L3", "")
    assert choose_lot(lots, 100) == ("L3", "")
    assert choose_lot([("L1", "2027-01-01", 0)], 1) == ("", "")


def test_the_hash_covers_every_field_and_times_are_encoded_in_utc():
    at = datetime(2026, 11, 25, 10, 0, 0, 120000, tzinfo=timezone.utc)
    fields = {"seq": 1, "id": "m1", "qty_base": 5, "occurred_at": at, "prev_hash": "0" * 64, "lot": "é"}
    assert b'"occurred_at":"2026-11-25T10:00:00.120000Z"' in canonical_encoding(fields)
    base = movement_hash(fields)
    for name, changed in (("seq", 2), ("id", "m2"), ("qty_base", 6), ("occurred_at", at.replace(microsecond=0)),
                          ("prev_hash", "1" * 64), ("lot", "e")):
        assert movement_hash({**fields, name: changed}) != base, name
    # NFC: the same text typed two ways hashes the same.
    assert movement_hash({**fields, "lot": "e\u0301"}) == base


def test_illegal_order_steps_are_refused():
    check_transition("validated", "picking")
    with pytest.raises(Conflict) as refused:
        check_transition("received", "dispatched")
    assert refused.value.code == "invalid_transition"
    with pytest.raises(Conflict):
        check_transition("cancelled", "validated")


@pytest.mark.parametrize("kind, ref, flags, against", [
    ("pick", "SO-1", "", "order"), ("pack", "SO-1", "negative_stock", "order"), ("dispatch", "SO-1", "clock_skew", "order"),
    ("pick", "SO-1", "unexpected_item", None), ("pick", "SO-1", "order_not_open", None),
    ("dispatch", "SO-1", "negative_stock,cross_warehouse", None), ("pick", "", "", None),
    ("receive", "PO-1", "over_receipt", "purchase_order"), ("receive", "PO-1", "cross_warehouse", None),
    ("receive", "PO-1", "unknown_purchase_order", None), ("receive", "PO-1", "unexpected_item", None),
    ("receive", "", "", None), ("transfer", "SO-1", "", None), ("short", "SO-1", "", None),
])
def test_what_a_movement_counts_against_is_decided_by_its_kind_ref_and_stored_flags(kind, ref, flags, against):
    assert counted_against(kind, ref, flags) == against
    assert counted_against(kind, ref, [f for f in flags.split(",") if f]) == against


@pytest.mark.parametrize("state, kind, packed, dispatched, steps", [
    ("validated", "pick", False, False, ["picking"]),
    ("picking", "pick", False, False, []),
    ("picking", "pack", False, False, []),
    ("picking", "pack", True, False, ["packed"]),
    ("validated", "pack", True, False, ["picking", "packed"]),
    ("picking", "dispatch", True, True, ["packed", "dispatched"]),
    ("validated", "dispatch", False, True, ["picking", "packed", "dispatched"]),
    ("packed", "dispatch", True, False, []),
    ("dispatched", "dispatch", True, True, []),
    ("on_hold", "pick", False, False, []),
    ("cancelled", "dispatch", True, True, []),
])
def test_floor_scans_move_an_order_only_along_legal_steps_of_the_state_machine(state, kind, packed, dispatched, steps):
    from webapp.domain.orders import floor_steps

    assert floor_steps(state, kind, all_packed=packed, all_dispatched=dispatched) == steps


def _reference_encoding(fields: dict) -> bytes:
    """The canonical encoding as first defined: json.dumps of the normalised values (sorted keys, compact)."""
    import json
    import unicodedata

    def value(v):
        if v is None or isinstance(v, (bool, int)):
            return v
        if isinstance(v, datetime):
            v = v if v.tzinfo else v.replace(tzinfo=timezone.utc)
            return v.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return unicodedata.normalize("NFC", v)
    return json.dumps({k: value(v) for k, v in fields.items()}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def test_movements_hashed_today_verify_the_same_as_movements_hashed_before_the_fast_encoding():
    """Every hash already stored must still match: the fast encoding writes exactly the bytes json.dumps wrote."""
    from datetime import timedelta

    from hypothesis import given, settings
    from hypothesis import strategies as st

    zones = st.sampled_from([None, timezone.utc, timezone(timedelta(hours=2)), timezone(timedelta(hours=-9, minutes=-30))])
    values = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                       st.text(max_size=12), st.sampled_from(["e\u0301", "Å", "\u212b", "tab\there", 'q"uote\\', "\x00\x1f\x7f"]),
                       st.builds(lambda d, z: d.replace(tzinfo=z), st.datetimes(), zones))
    names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).filter(lambda n: n != "hash")

    @settings(max_examples=400, deadline=None)
    @given(st.dictionaries(names, values, max_size=30))
    def same_bytes(fields):
        assert canonical_encoding(fields) == _reference_encoding(fields)

    same_bytes()


def test_a_row_the_database_printed_hashes_the_same_by_the_fast_path_or_is_left_to_the_general_rule():
    """`ledger verify` on PostgreSQL fills one template per row; whatever it answers must be the canonical bytes,
    and a plain row (ASCII without quotes, backslashes or controls) must take it."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from webapp.domain.ledger import canonical_row_template

    names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_%\"", min_size=1, max_size=12).filter(lambda n: n != "hash")
    texts = st.one_of(st.text(max_size=12), st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126)),
                      st.sampled_from(["e\u0301", "\u212b", "tab\there", 'q"uote', "back\\slash", "\x7f", "None"]))
    numbers = st.one_of(st.none(), st.integers(min_value=-2**70, max_value=2**70))
    column = st.one_of(st.tuples(st.just("text"), st.one_of(st.none(), texts)),
                       st.tuples(st.just("int"), numbers, st.booleans()))

    @settings(max_examples=400, deadline=None)
    @given(st.dictionaries(names, column, min_size=1, max_size=30))
    def same_bytes_or_none(columns):
        ordered, encode = canonical_row_template(columns, quoted={n for n, c in columns.items() if c[0] == "text"})
        fields = {name: c[1] for name, c in columns.items()}
        printed = []  # integers as the database prints them (nulls always: no None reaches an integer's slot)
        for name in ordered:
            kind, value, *as_text = columns[name]
            printed.append(("null" if value is None else str(value) if as_text[0] else value) if kind == "int" else value)
        fast = encode(tuple(printed))
        assert fast is None or fast == canonical_encoding(fields)
        plain = all(c[1] is not None and all(32 <= ord(ch) < 128 and ch not in '"\\' for ch in c[1])
                    for c in columns.values() if c[0] == "text")
        assert (fast is not None) == plain

    same_bytes_or_none()
