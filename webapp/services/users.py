"""People: creating them, API tokens, and signing in with failures rate limited."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.db.models import ApiToken, Device, DeviceSignin, LoginFailure, User
from webapp.db.upsert import dialect_insert
from webapp.domain.clock import utcnow
from webapp.domain.errors import Conflict, DomainError, NotFound
from webapp.domain.roles import validate_roles

# scrypt (werkzeug's default KDF) with its default cost; a dummy hash keeps timing even for unknown users.
_DUMMY_HASH = generate_password_hash("not-a-password")


@dataclass(frozen=True)
class SignedInUser:
    """What a request knows about its caller, detached from any database session."""

    id: int
    username: str
    roles: tuple[str, ...]

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles)

    # flask-login's protocol
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)

    def as_json(self) -> dict:
        return {"username": self.username, "roles": list(self.roles)}


def signed_in(user: User) -> SignedInUser:
    return SignedInUser(id=user.id, username=user.username, roles=tuple(sorted(user.role_set)))


def create_user(session: Session, username: str, password: str, roles: list[str]) -> User:
    username = username.strip()
    if not username or len(username) > 64:
        raise DomainError("invalid_username", "a username is 1 to 64 characters")
    if len(password) < 8:
        raise DomainError("weak_password", "a password has at least 8 characters")
    try:
        roles = validate_roles(roles)
    except ValueError as err:
        raise DomainError("invalid_role", str(err)) from None
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict("username_taken", f"{username} already exists")
    user = User(username=username, password_hash=generate_password_hash(password), roles=",".join(roles))
    session.add(user)
    session.flush()
    return user


def issue_token(session: Session, username: str) -> str:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise DomainError("unknown_user", f"no person called {username}")
    token = "dh_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_sha256=_token_digest(token)))
    return token


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_token(session: Session, token: str) -> SignedInUser | None:
    row = session.execute(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_sha256 == _token_digest(token), ApiToken.revoked == False, User.active == True)  # noqa: E712
    ).scalar_one_or_none()
    return signed_in(row) if row else None


def user_by_id(session: Session, user_id: int) -> SignedInUser | None:
    user = session.get(User, user_id)
    return signed_in(user) if user and user.active else None


class RateLimited(DomainError):
    status = 429


def authenticate(session: Session, username: str, password: str, remote_addr: str, *, max_failures: int, window_s: int) -> SignedInUser | None:
    """Check a password (None when wrong, recorded); too many recent failures for the name or address → 429."""
    since = utcnow() - timedelta(seconds=window_s)
    recent_for_name = session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.username == username, LoginFailure.at >= since)
    )
    recent_for_addr = session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.remote_addr == remote_addr, LoginFailure.at >= since)
    )
    if recent_for_name >= max_failures or recent_for_addr >= max_failures * 4:
        raise RateLimited("rate_limited", "too many failed sign-ins; wait a few minutes", retry_after_s=window_s)
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        ok = False
    else:
        ok = check_password_hash(user.password_hash, password)
    if not ok:
        session.add(LoginFailure(username=username[:64], remote_addr=remote_addr[:64]))
        return None
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    return signed_in(user)


def record_device_signin(session: Session, device_id: str, user_id: int) -> None:
    """Remember that this person signed in on this device (it may later send their scans)."""
    ensure_device(session, device_id)
    now = utcnow()
    insert = dialect_insert(session, DeviceSignin.__table__).values(device_id=device_id, user_id=user_id, last_at=now)
    session.execute(insert.on_conflict_do_update(index_elements=["device_id", "user_id"], set_={"last_at": now}))


def ensure_device(session: Session, device_id: str) -> None:
    """Register a device the first time it is seen; racing first syncs register it once."""
    now = utcnow()
    insert = dialect_insert(session, Device.__table__).values(id=device_id, name="", status="active", first_seen_at=now,
                                                             last_seen_at=now, last_device_seq=0)
    session.execute(insert.on_conflict_do_nothing())


def update_device(session: Session, device_id: str, *, name: str | None = None, status: str | None = None) -> Device:
    """An admin names, retires or blocks a device (a blocked device's syncs are refused)."""
    device = session.get(Device, device_id)
    if device is None:
        raise NotFound("unknown_device", f"no device {device_id}")
    if name is not None:
        device.name = name
    if status is not None:
        device.status = status
    return device
