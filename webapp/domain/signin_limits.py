"""Which failure counts a sign-in attempt is held to, so guessing is slow and nobody is locked out
of their own handheld by somebody else's guesses.

- A person signing in on a device they signed in on before is counted on (name, device) only:
  a stranger elsewhere, or on the same warehouse Wi-Fi address, typing wrong passwords for that
  name fills other buckets and never locks that person out of their device.
- Anyone else is counted on (name, address) and on (address), the latter capping how many wrong
  passwords one address may try across every name.
A wrong password counts against the address bucket in both cases, so the address sees every guess.
"""
import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Bucket:
    key: str  # stored: a kind and a digest, so any name or address fits in 80 characters
    limit: int  # failures within the window that make the next attempt wait
    enforced: bool = True  # False: this attempt's failure is counted here, but this limit does not stop it


def _key(kind: str, *parts: str) -> str:
    return f"{kind}:" + hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def buckets_for(username: str, remote_addr: str, device_id: str | None, *, known_device: bool,
                per_name: int, per_address: int) -> list[Bucket]:
    """The buckets of one attempt, sorted by key: they are locked in this order (no deadlocks)."""
    address = Bucket(_key("addr", remote_addr), per_address, enforced=not known_device)
    if known_device and device_id:
        person = Bucket(_key("name_device", username, device_id), per_name)
    else:
        person = Bucket(_key("name_addr", username, remote_addr), per_name)
    return sorted([address, person], key=lambda b: b.key)


def is_person_bucket(bucket: Bucket) -> bool:
    """The bucket a good sign-in clears (the person's own typos); the address bucket is never
    cleared, or a guesser could reset it by signing in to an account of their own."""
    return not bucket.key.startswith("addr:")
