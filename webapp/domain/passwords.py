"""How a password is stored and checked: argon2id; older werkzeug hashes (scrypt, pbkdf2) still
verify, and say they need upgrading so the next good sign-in stores argon2id instead."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from werkzeug.security import check_password_hash

# OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): about 50 ms here, and a shift start of
# many sign-ins at once stays within a small server's memory. Raising these upgrades on sign-in.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
ARGON2_PREFIX = "$argon2id$"

# Checked when the name is unknown, so an unknown name costs the same time as a wrong password.
_DUMMY_HASH = _HASHER.hash("not-a-password")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_password(stored_hash: str | None, password: str) -> tuple[bool, bool]:
    """→ (right, needs_upgrade). `stored_hash` None means no such person: the work is done anyway."""
    if stored_hash is None:
        _verify_argon2(_DUMMY_HASH, password)
        return False, False
    if stored_hash.startswith("$argon2"):
        right = _verify_argon2(stored_hash, password)
        return right, right and (not stored_hash.startswith(ARGON2_PREFIX) or _HASHER.check_needs_rehash(stored_hash))
    right = check_password_hash(stored_hash, password)  # scrypt:… or pbkdf2:… from before argon2id
    return right, right


def _verify_argon2(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
