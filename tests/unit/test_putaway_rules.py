"""Putaway suggestions: together with the same item in its zone, else the nearest empty bin of its zone."""
from webapp.domain.putaway import BinState, suggest_putaway


def bins(*rows):
    return [BinState(code, walk, zone, holds, empty) for code, walk, zone, holds, empty in rows]


def test_a_bin_already_holding_the_item_in_its_zone_comes_first_then_empty_bins_by_walk_order():
    layout = bins(("F-03", "003", "frozen", False, True), ("F-01", "001", "frozen", False, False),
                  ("F-02", "002", "frozen", True, False), ("A-01", "000", "ambient", True, False),
                  ("F-04", "004", "frozen", False, True))
    assert suggest_putaway("frozen", layout) == ["F-02", "F-03", "F-04"]


def test_a_frozen_item_is_never_sent_to_an_ambient_bin_even_when_nothing_frozen_is_free():
    layout = bins(("A-01", "001", "ambient", False, True), ("F-01", "002", "frozen", False, False))
    assert suggest_putaway("frozen", layout) == []


def test_an_item_without_a_zone_goes_anywhere_free():
    layout = bins(("A-02", "002", "ambient", False, True), ("X-01", "001", "", False, True))
    assert suggest_putaway("", layout) == ["X-01", "A-02"]
