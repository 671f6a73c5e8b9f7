"""Allocation rules: walk order, first expiry first out, batch picking, re-allocation on a short pick."""
from webapp.domain.picking import BinStock, WantedLine, allocate, reallocate_short


def test_steps_follow_the_walk_sequence_not_the_order_line_order():
    stock = {"X": [BinStock("C-09", "3", "", "", 5)], "Y": [BinStock("A-01", "1", "", "", 5)]}
    plan = allocate([WantedLine("SO-1", 1, "X", 2), WantedLine("SO-1", 2, "Y", 2)], stock)
    assert [s.location for s in plan.steps] == ["A-01", "C-09"]
    assert plan.short == {}


def test_earliest_expiry_is_picked_first_even_if_it_is_further_away():
    stock = {"MILK": [BinStock("A-01", "1", "L-LATE", "2027-03-01", 10), BinStock("Z-99", "9", "L-SOON", "2027-01-01", 4),
                      BinStock("B-01", "2", "L-NONE", "", 50)]}
    plan = allocate([WantedLine("SO-1", 1, "MILK", 6)], stock)
    assert [(s.lot, s.qty) for s in sorted(plan.steps, key=lambda s: s.expiry)] == [("L-SOON", 4), ("L-LATE", 2)]
    assert [s.location for s in plan.steps] == ["A-01", "Z-99"]  # then walked in order


def test_batch_picking_shares_stock_between_orders_and_reports_what_is_short():
    stock = {"X": [BinStock("A-01", "1", "", "", 5)]}
    plan = allocate([WantedLine("SO-1", 1, "X", 3), WantedLine("SO-2", 1, "X", 3)], stock)
    assert [(s.order, s.qty) for s in plan.steps] == [("SO-1", 3), ("SO-2", 2)]
    assert plan.short == {("SO-2", 1): 1}


def test_a_short_pick_is_reallocated_to_another_bin_or_left_short():
    stock = [BinStock("A-01", "1", "", "", 5), BinStock("A-02", "2", "", "", 2)]
    plan = reallocate_short("SO-1", 1, "X", 3, "A-01", stock)
    assert [(s.location, s.qty) for s in plan.steps] == [("A-02", 2)]
    assert plan.short == {("SO-1", 1): 1}
