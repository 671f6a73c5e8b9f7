"""Signing in: the password, its rate limits, the upgrade of old hashes, the device it binds.

Two short transactions with the password check between them, on purpose:
1. (first transaction) lock the attempt's throttle buckets (sorted), count their failures in the window and, under
   every limit, add one failure row per bucket *before* the password is checked. Counting and
   adding happen under the bucket locks, so concurrent guesses can never overshoot a limit.
2. (no transaction) check the password with no lock held: argon2id takes ~50 ms, and a whole shift signing in
   through one warehouse address would otherwise queue behind each hash.
3. (second transaction) a right password takes its failure rows back, forgives the person's own earlier typos, upgrades
   an old hash, records "this person signed in on this device" and opens the session. A wrong one
   leaves its rows: they are the failure.
"""
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, ContextManager

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from webapp.db.models import DeviceSignin, LoginFailure, LoginThrottle, User
from webapp.db.upsert import dialect_insert
from webapp.domain.clock import utcnow
from webapp.domain.errors import DomainError
from webapp.domain.passwords import check_password, hash_password
from webapp.domain.signin_limits import Bucket, buckets_for, is_person_bucket
from webapp.services.sessions import end_session, open_session
from webapp.services.users import SignedInUser, record_device_signin, signed_in

PRUNE_BATCH = 500  # expired rows removed per attempt: enough to keep up, never a long delete


class RateLimited(DomainError):
    status = 429


@dataclass(frozen=True)
class SigninLimits:
    per_name: int  # wrong passwords for one name from one address (or on one known device)
    per_address: int  # wrong passwords from one address, whatever the names
    window_s: int


@dataclass(frozen=True)
class _Attempt:
    user_id: int | None
    stored_hash: str | None
    buckets: list[Bucket]
    reserved_ids: list[int]


def sign_in(unit_of_work: Callable[[], ContextManager[Session]], username: str, password: str, remote_addr: str,
            device_id: str | None, limits: SigninLimits, *, replaces_session: str | None = None
            ) -> tuple[SignedInUser, str] | None:
    """→ (the person, the new session's secret), or None for a wrong name or password.
    Raises RateLimited (429, `retry_after_s`) when a limit is reached: the password is not checked.
    `replaces_session`: the session this browser had until now; it ends (the next person on a shared
    handheld does not leave the previous one's session alive behind the new cookie)."""
    with unit_of_work() as s:
        attempt = _reserve_attempt(s, username, remote_addr, device_id, limits)
    right, needs_upgrade = check_password(attempt.stored_hash, password)
    if not right:
        return None
    with unit_of_work() as s:
        _forgive(s, attempt)
        user = s.get(User, attempt.user_id)
        if not user.active:  # deactivated while the password was being checked
            return None
        if replaces_session:
            end_session(s, replaces_session)
        if needs_upgrade:
            # Only if nobody changed the password meanwhile.
            s.execute(update(User).where(User.id == user.id, User.password_hash == attempt.stored_hash)
                      .values(password_hash=hash_password(password)))
        if device_id:
            record_device_signin(s, device_id, user.id)
        secret = open_session(s, user.id, device_id)
        return signed_in(user, session_id=secret, device_id=device_id), secret


def _reserve_attempt(s: Session, username: str, remote_addr: str, device_id: str | None,
                     limits: SigninLimits) -> _Attempt:
    user = s.scalar(select(User).where(User.username == username))
    if user is not None and not user.active:
        user = None
    known_device = bool(device_id and user and s.scalar(select(DeviceSignin.id).where(
        DeviceSignin.device_id == device_id, DeviceSignin.user_id == user.id)))
    buckets = buckets_for(username, remote_addr, device_id, known_device=known_device,
                          per_name=limits.per_name, per_address=limits.per_address)
    now = utcnow()
    since = now - timedelta(seconds=limits.window_s)
    _lock_buckets(s, [b.key for b in buckets], now)
    for bucket in buckets:
        failures, oldest = s.execute(select(func.count(), func.min(LoginFailure.at))
                                     .where(LoginFailure.bucket == bucket.key, LoginFailure.at >= since)).one()
        if bucket.enforced and failures >= bucket.limit:
            wait_s = max(1, math.ceil((oldest + timedelta(seconds=limits.window_s) - now).total_seconds()))
            raise RateLimited("rate_limited", f"too many failed sign-ins; try again in {wait_s} seconds",
                              retry_after_s=wait_s)
    rows = [LoginFailure(username=username[:64], remote_addr=remote_addr[:64], bucket=b.key, at=now) for b in buckets]
    s.add_all(rows)
    s.flush()
    _prune(s, since)
    return _Attempt(user_id=user.id if user else None, stored_hash=user.password_hash if user else None,
                    buckets=buckets, reserved_ids=[r.id for r in rows])


def _forgive(s: Session, attempt: _Attempt) -> None:
    """A right password: this attempt was no failure, and the person's own earlier typos are forgiven."""
    person = [b.key for b in attempt.buckets if is_person_bucket(b)]
    _lock_buckets(s, person, utcnow())
    s.execute(delete(LoginFailure).where(LoginFailure.id.in_(attempt.reserved_ids)))
    s.execute(delete(LoginFailure).where(LoginFailure.bucket.in_(person)))


def _lock_buckets(s: Session, keys: list[str], now) -> None:
    """Upsert each bucket's row, in sorted order: on PostgreSQL the row stays locked until commit;
    on SQLite BEGIN IMMEDIATE already made this transaction the only writer."""
    for key in sorted(keys):
        insert = dialect_insert(s, LoginThrottle.__table__).values(bucket=key, touched_at=now)
        s.execute(insert.on_conflict_do_update(index_elements=["bucket"], set_={"touched_at": now}))


def _prune(s: Session, since) -> None:
    """Expired failures and idle buckets go. SKIP LOCKED: a row another attempt holds is left for
    later, so pruning never waits and never deadlocks with a sign-in (SQLite ignores it)."""
    stale_failures = (select(LoginFailure.id).where(LoginFailure.at < since).limit(PRUNE_BATCH)
                      .with_for_update(skip_locked=True))
    s.execute(delete(LoginFailure).where(LoginFailure.id.in_(stale_failures)))
    stale_buckets = (select(LoginThrottle.bucket).where(LoginThrottle.touched_at < since).limit(PRUNE_BATCH)
                     .with_for_update(skip_locked=True))
    s.execute(delete(LoginThrottle).where(LoginThrottle.bucket.in_(stale_buckets)))
