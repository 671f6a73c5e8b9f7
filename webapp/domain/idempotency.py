"""Idempotency-Key: the rules for a client's retry of a creating request (CONTRACT.md, "Conventions").

The same key with the same request within 24 hours answers what the first one answered and creates
nothing; with another request it is a conflict. Keys are per person.
"""
import hashlib
import json
from datetime import timedelta

from webapp.domain.errors import Conflict, DomainError

KEY_MAX_LEN = 64
# check_key's rule as the OpenAPI document states it: a header value is Latin-1, and of that str.isprintable()
# refuses the C0 and C1 controls, DEL, the no-break space (U+00A0) and the soft hyphen (U+00AD).
KEY_PATTERN = r"^[^\x00-\x1f\x7f-\xa0\xad]+$"
WINDOW = timedelta(hours=24)


def check_key(key: str) -> None:
    if not 0 < len(key) <= KEY_MAX_LEN or not key.isprintable():
        raise DomainError("invalid_idempotency_key",
                          f"Idempotency-Key is 1 to {KEY_MAX_LEN} printable characters (a UUID is a good one)",
                          limit_length=KEY_MAX_LEN)


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests the same: method, path and body, JSON compared by value (key order and
    spacing are not a different request)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        canonical = body
    return hashlib.sha256(method.upper().encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


def judge_retry(stored_fingerprint: str, fingerprint: str) -> None:
    """A key seen before: the same request is answered again; another one is refused."""
    if stored_fingerprint != fingerprint:
        raise Conflict("idempotency_conflict",
                       "this Idempotency-Key was used for another request in the last 24 hours; use a new key")
