"""Returned goods on their way into the ledger: what a return scan with a disposition posts."""
from dataclasses import replace

from webapp.domain.returns import SCRAP_KIND, ReturnDecision
from webapp.services.ledger import MovementInput, add_flag


def returned_movements(movement: MovementInput, decision: ReturnDecision) -> list[MovementInput]:
    """A return with a disposition: flagged where the location does not fit it; a scrapped unit is returned and
    then leaves stock again by a `scrap` movement at the same place and lot (its id derived from the scan's, so a
    replay of the scan is one duplicate), so on hand ends unchanged and the ledger tells both halves."""
    for flag in decision.flags_at(movement.to_location.kind):
        add_flag(movement, flag)
    if not decision.scrapped:
        return [movement]
    scrap = replace(movement, id=f"{movement.id[:57]}#scrap", kind=SCRAP_KIND, from_location=movement.to_location,
                    to_location=None, flags=[], lot_is_known=True)
    return [movement, scrap]
