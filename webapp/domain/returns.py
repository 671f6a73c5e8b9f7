"""Returned goods: what becomes of each returned unit (its disposition) and why it came back (its reason code).

A return is a fact from the floor like any scan: a disposition that does not fit the location it went to is
applied and flagged for the supervisor, never refused. Only a disposition or reason the app does not know is
refused (it cannot be a true decision).
"""
from dataclasses import dataclass

from webapp.domain.errors import DomainError
from webapp.domain.locations import QUARANTINE_KINDS

DISPOSITIONS = ("restock", "quarantine", "scrap")
RETURN_REASONS = ("damaged", "wrong_item", "unwanted", "defective", "expired", "other")
# The movement that takes a scrapped unit out of stock again, at the location it was returned to.
SCRAP_KIND = "scrap"


@dataclass(frozen=True)
class ReturnDecision:
    disposition: str
    reason: str

    @property
    def recorded_reason(self) -> str:
        """What the ledger row keeps in its `reason`: both codes, so the ledger alone tells the story."""
        return f"{self.disposition}:{self.reason}"

    @property
    def scrapped(self) -> bool:
        return self.disposition == "scrap"

    def flags_at(self, location_kind: str) -> list[str]:
        """Flags for a decision the location does not fit: quarantined goods outside a quarantine location
        would be sold, restocked goods inside one could never be."""
        in_quarantine = location_kind in QUARANTINE_KINDS
        if self.disposition == "quarantine" and not in_quarantine:
            return ["not_quarantine"]
        if self.disposition == "restock" and in_quarantine:
            return ["not_sellable"]
        return []


def return_decision(kind: str, disposition: str | None, reason: str | None) -> ReturnDecision | None:
    """The decision a scan carries, or None for a return sent without one (older devices: a plain return)."""
    if disposition is None:
        return None
    if kind != "return":
        raise DomainError("invalid_movement", "only a return carries a disposition")
    if disposition not in DISPOSITIONS:
        raise DomainError("invalid_disposition", f"disposition must be one of {', '.join(DISPOSITIONS)}")
    if reason not in RETURN_REASONS:
        raise DomainError("invalid_reason", f"a return's reason must be one of {', '.join(RETURN_REASONS)}")
    return ReturnDecision(disposition, reason)
