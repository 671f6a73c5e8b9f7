"""Advance ship notices: the rules for what a notice may say and how receipts land on its lines.

Plain Python: the service (services/inbound_shipments.py), the receipt effect of a sync
(services/floor_effects.py) and `ledger rebuild` (services/projection.py) all use these, so live posting and a
rebuild cannot disagree.
"""
from datetime import date

from webapp.domain.errors import DomainError
from webapp.domain.sscc import is_valid_sscc

CONDITIONS = ("good", "damaged")


class InvalidNotice(DomainError):
    """A notice that cannot be true (a bad SSCC, a pallet twice, a bad date): 400, nothing created."""


def check_sscc(code: str, pallet: int) -> str:
    """A pallet's SSCC: 18 digits with the right check digit (a scanned "00" element string is accepted)."""
    if isinstance(code, str) and len(code) == 20 and code.startswith("00"):
        code = code[2:]
    if not is_valid_sscc(code):
        raise InvalidNotice("invalid_sscc", f"pallet {pallet}: {code!r} is not an SSCC (18 digits, GS1 check digit)",
                            field="pallets.sscc", pallet=pallet)
    return code


def check_expiry(text: str, line: int) -> str:
    if not text:
        return ""
    try:
        date.fromisoformat(text)
        if len(text) != 10:
            raise ValueError
    except ValueError:
        raise InvalidNotice("invalid_field", f"line {line}: expiry must be a date YYYY-MM-DD",
                            field="pallets.lines.expiry", line=line) from None
    return text


def fill_in_order(capacities: list[int], qty: int) -> list[int]:
    """How `qty` received lands on lines of the same item: each line filled up to its quantity, in line order;
    what is left over lands on the last line (an over-receipt). Filling in one go or scan by scan gives the
    same split, which is what lets a rebuild recompute it from the ledger's total."""
    taken = []
    for n, room in enumerate(capacities):
        take = qty if n == len(capacities) - 1 else min(max(0, room), qty)
        taken.append(take)
        qty -= take
    return taken


def open_on_notice(expected: int, received: int, status: str, linked: bool) -> int:
    """What a notice line adds to in transit: nothing when it is linked to a purchase-order line (that line's
    open quantity already counts it) or the notice is closed; else what is still to come."""
    if linked or status != "open":
        return 0
    return max(0, expected - received)
