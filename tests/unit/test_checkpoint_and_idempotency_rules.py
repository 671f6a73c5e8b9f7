"""Signed ledger checkpoints and Idempotency-Key rules, without a database."""
import pytest

from webapp.domain.checkpoint import ChainHead, compare_with_ledger, signature_problem, signed_checkpoint
from webapp.domain.errors import DomainError
from webapp.domain.idempotency import check_key, judge_retry, request_fingerprint

KEY = b"a key the database never holds"
HEADS = [ChainHead(1, 9, 3, "c" * 64, 7, "m-7"), ChainHead(2, 9, 1, "d" * 64, 5, "m-5")]


def test_a_checkpoint_verifies_with_its_key_and_names_alteration_or_another_key():
    checkpoint = signed_checkpoint(HEADS, 4, "2026-11-27T10:00:00.000000Z", KEY)
    assert signature_problem(checkpoint, KEY) is None
    assert "altered" in signature_problem({**checkpoint, "movements": 3}, KEY)
    assert "another key" in signature_problem(checkpoint, b"another key")
    assert signature_problem({"chains": []}, KEY) == "is not a ledger checkpoint"


def test_a_chain_shorter_than_signed_or_with_another_movement_at_the_signed_position_is_named():
    checkpoint = signed_checkpoint(HEADS, 4, "2026-11-27T10:00:00.000000Z", KEY)
    ledger = {((1, 9), 3): (7, "m-7", "c" * 64), ((2, 9), 1): (5, "m-5", "d" * 64)}
    assert compare_with_ledger("cp", checkpoint, 6, lambda chain, n: ledger.get((chain, n))) == []
    shorter = {k: v for k, v in ledger.items() if k != ((1, 9), 3)}
    [missing, fewer] = compare_with_ledger("cp", checkpoint, 3, lambda chain, n: shorter.get((chain, n)))
    assert missing.startswith("movement seq=7 id=m-7 is missing") and "fewer" in fewer
    rewritten = {**ledger, ((1, 9), 3): (7, "m-7", "e" * 64)}
    [differs] = compare_with_ledger("cp", checkpoint, 4, lambda chain, n: rewritten.get((chain, n)))
    assert differs.startswith("movement seq=7 id=m-7 differs from checkpoint cp")


@pytest.mark.parametrize("key", ["", "x" * 65, "line\nbreak"])
def test_an_idempotency_key_is_1_to_64_printable_characters(key):
    with pytest.raises(DomainError) as refused:
        check_key(key)
    assert refused.value.code == "invalid_idempotency_key"
    check_key("0193a0c4-5b1e-7c3a-9f2e-1d2c3b4a5f60")


def test_the_same_request_is_the_same_json_by_value_on_the_same_path():
    one = request_fingerprint("POST", "/api/v1/adjustments", b'{"qty": 5, "item": "SKU-1"}')
    assert one == request_fingerprint("post", "/api/v1/adjustments", b'{"item":"SKU-1","qty":5}')
    assert one != request_fingerprint("POST", "/api/v1/adjustments", b'{"item":"SKU-1","qty":6}')
    assert one != request_fingerprint("POST", "/api/v1/reservations", b'{"item":"SKU-1","qty":5}')
    judge_retry(one, one)
    with pytest.raises(DomainError) as conflict:
        judge_retry(one, "other")
    assert conflict.value.code == "idempotency_conflict" and conflict.value.status == 409
