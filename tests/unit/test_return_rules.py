"""The rules of a returned unit's disposition and reason, without a database."""
import pytest

from webapp.domain.errors import DomainError
from webapp.domain.floor_movement import parse_floor_movement
from webapp.domain.returns import ReturnDecision, return_decision


def test_a_quarantine_decision_outside_a_quarantine_location_is_flagged_and_restock_inside_one_too():
    assert ReturnDecision("quarantine", "damaged").flags_at("bin") == ["not_quarantine"]
    assert ReturnDecision("quarantine", "damaged").flags_at("quarantine") == []
    assert ReturnDecision("restock", "unwanted").flags_at("quarantine") == ["not_sellable"]
    assert ReturnDecision("restock", "unwanted").flags_at("bin") == []
    assert ReturnDecision("scrap", "defective").flags_at("dock") == []


def test_the_ledger_keeps_both_codes_of_a_return_in_its_reason():
    movement = parse_floor_movement({"id": "r-1", "device_seq": 1, "kind": "return", "item": "SKU-1", "qty": 1,
                                     "to": "Q-1", "occurred_at": "2026-11-27T10:00:00Z", "disposition": "scrap",
                                     "reason": "defective"}, movement_id="r-1")
    assert movement.reason == "scrap:defective" and movement.decision.scrapped


def test_a_plain_return_from_an_older_device_keeps_its_free_text_reason():
    assert return_decision("return", None, "customer changed mind") is None


@pytest.mark.parametrize("kind, disposition, reason, code", [
    ("return", "resell", "unwanted", "invalid_disposition"),
    ("return", "restock", None, "invalid_reason"),
    ("return", "restock", "bored", "invalid_reason"),
    ("receive", "restock", "unwanted", "invalid_movement"),
])
def test_a_decision_the_app_does_not_know_is_refused(kind, disposition, reason, code):
    with pytest.raises(DomainError) as refused:
        return_decision(kind, disposition, reason)
    assert refused.value.code == code
