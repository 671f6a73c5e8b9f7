"""Where to put goods away: the rule a receiver's suggestion follows."""
from dataclasses import dataclass

from webapp.domain.locations import wrong_zone


@dataclass(frozen=True)
class BinState:
    code: str
    walk_key: str
    zone: str  # its temperature zone ("" for none)
    holds_item: bool  # some of this item is already there
    empty: bool  # nothing at all is there


def suggest_putaway(item_zone: str, bins: list[BinState], limit: int = 3) -> list[str]:
    """A bin already holding the item in its temperature zone first (keeping one item together), else the
    empty bins of that zone nearest the start of the walk (walk order starts at the docks)."""
    fitting = [b for b in bins if not wrong_zone(item_zone, b.zone) and (not item_zone or b.zone)]
    holding = sorted((b for b in fitting if b.holds_item), key=lambda b: (b.walk_key, b.code))
    empty = sorted((b for b in fitting if b.empty and not b.holds_item), key=lambda b: (b.walk_key, b.code))
    return [b.code for b in holding + empty][:limit]
