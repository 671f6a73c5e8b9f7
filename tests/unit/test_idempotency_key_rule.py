"""The Idempotency-Key rule the server applies and the pattern the OpenAPI document states are the same rule,
so a client that follows the document is never refused (found by the schema fuzzer on POST …/lines)."""
import re

from webapp.domain.errors import DomainError
from webapp.domain.idempotency import KEY_PATTERN, check_key


def _accepted(key: str) -> bool:
    try:
        check_key(key)
    except DomainError:
        return False
    return True


def test_a_key_the_document_allows_is_accepted_and_one_it_forbids_is_refused():
    keys = [f"press-{chr(code_point)}-1" for code_point in range(256)]  # a header value is Latin-1
    disagree = [key for key in keys if _accepted(key) != (re.fullmatch(KEY_PATTERN, key) is not None)]
    assert disagree == []
    assert not _accepted("press-\xa0-1") and _accepted("0193a0c4-5b1e-7c3a-9f2e-1d2c3b4a5f60")
