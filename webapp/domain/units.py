"""Pack sizes: a scanned quantity in some unit becomes base units once, at the point of scan."""
from dataclasses import dataclass

from webapp.domain.errors import DomainError

MAX_QTY_BASE = 10_000_000  # anything larger is a typo or an attack, not a pallet


@dataclass(frozen=True)
class PackSize:
    code: str
    factor: int


def to_base(qty_scanned: int, pack: PackSize) -> int:
    if pack.factor < 1:
        raise DomainError("invalid_uom", f"pack size {pack.code} has factor {pack.factor}")
    qty_base = qty_scanned * pack.factor
    if qty_base > MAX_QTY_BASE:
        raise DomainError("invalid_quantity", f"{qty_base} base units is over the limit of {MAX_QTY_BASE}", limit=MAX_QTY_BASE)
    return qty_base


def check_pack_sizes(uoms: list[PackSize]) -> None:
    seen = set()
    for pack in uoms:
        if not pack.code or len(pack.code) > 16:
            raise DomainError("invalid_uom", "a pack size code is 1 to 16 characters")
        if pack.code in seen:
            raise DomainError("invalid_uom", f"pack size {pack.code} appears twice")
        if not 1 <= pack.factor <= 100_000:
            raise DomainError("invalid_uom", f"pack size {pack.code} needs a factor from 1 to 100000")
        if pack.code == "EA" and pack.factor != 1:
            raise DomainError("invalid_uom", "EA is the base unit: its factor is 1")
        seen.add(pack.code)
