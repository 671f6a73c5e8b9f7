"""Allocating order lines to bins: first expiry first out, then walked in walk-sequence order.

Batch picking allocates several orders against the same stock in one walk; each order's
lines go into its own tote.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class BinStock:
    location: str
    walk_key: str
    lot: str
    expiry: str  # "" when the lot has no expiry
    qty: int


@dataclass(frozen=True)
class WantedLine:
    order: str
    line: int
    item: str
    qty: int


@dataclass(frozen=True)
class PickStep:
    order: str
    line: int
    item: str
    location: str
    walk_key: str
    lot: str
    expiry: str
    qty: int


@dataclass(frozen=True)
class Allocation:
    steps: list[PickStep]  # in walk order
    short: dict[tuple[str, int], int]  # (order, line) → what no bin could supply


def _fefo(stock: BinStock) -> tuple:
    return (stock.expiry == "", stock.expiry, stock.walk_key, stock.location, stock.lot)


def allocate(lines: list[WantedLine], stock_by_item: dict[str, list[BinStock]],
             excluded: frozenset[str] = frozenset()) -> Allocation:
    """Take each line from the earliest-expiring stock first; the walk visits the chosen bins in order."""
    remaining = {item: {(s.location, s.lot): s.qty for s in stocks} for item, stocks in stock_by_item.items()}
    steps, short = [], {}
    for wanted in lines:
        need = wanted.qty
        for stock in sorted(stock_by_item.get(wanted.item, []), key=_fefo):
            if need == 0:
                break
            if stock.location in excluded:
                continue
            left = remaining[wanted.item][(stock.location, stock.lot)]
            take = min(left, need)
            if take <= 0:
                continue
            remaining[wanted.item][(stock.location, stock.lot)] = left - take
            need -= take
            steps.append(PickStep(wanted.order, wanted.line, wanted.item, stock.location, stock.walk_key, stock.lot,
                                  stock.expiry, take))
        if need:
            short[(wanted.order, wanted.line)] = need
    steps.sort(key=lambda s: (s.walk_key, s.location, s.order, s.line))
    return Allocation(steps=steps, short=short)


def reallocate_short(order: str, line: int, item: str, missing: int, short_bin: str,
                     stock: list[BinStock]) -> Allocation:
    """A picker found `missing` short at `short_bin`: find it elsewhere, never in that bin again."""
    return allocate([WantedLine(order, line, item, missing)], {item: stock}, excluded=frozenset({short_bin}))
