"""People: creating them, API tokens, and the devices they sign in on (signing in itself: services/signin.py)."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.db.models import ApiToken, Device, DeviceSignin, User
from webapp.db.upsert import dialect_insert
from webapp.domain.clock import utcnow
from webapp.domain.errors import Conflict, DomainError, NotFound
from webapp.domain.passwords import hash_password
from webapp.domain.roles import validate_roles

# A token's last use is written at most this often: an integration polling every second is not a write each time.
TOKEN_TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SignedInUser:
    """What a request knows about its caller, detached from any database session."""

    id: int
    username: str
    roles: tuple[str, ...]
    # A browser session's secret and the device it was opened on (None: bound to no device).
    # A Bearer token has neither: it is bound to no device.
    session_id: str | None = None
    device_id: str | None = None

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles)

    # flask-login's protocol
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        # flask-login keeps this in the cookie: the server-side session's secret, not the person's id,
        # so ending the session on the server ends the cookie too.
        return self.session_id or ""

    def as_json(self) -> dict:
        return {"username": self.username, "roles": list(self.roles)}


def signed_in(user: User, *, session_id: str | None = None, device_id: str | None = None) -> SignedInUser:
    return SignedInUser(id=user.id, username=user.username, roles=tuple(sorted(user.role_set)),
                        session_id=session_id, device_id=device_id)


def create_user(session: Session, username: str, password: str, roles: list[str]) -> User:
    username = username.strip()
    if not username or len(username) > 64:
        raise DomainError("invalid_username", "a username is 1 to 64 characters")
    check_password(password)
    roles = checked_roles(roles)
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict("username_taken", f"{username} already exists")
    user = User(username=username, password_hash=hash_password(password), roles=",".join(roles))
    session.add(user)
    session.flush()
    return user


def check_password(password: str) -> None:
    if len(password) < 8:
        raise DomainError("weak_password", "a password has at least 8 characters", field="password")


def checked_roles(roles: list[str]) -> list[str]:
    try:
        return validate_roles(roles)
    except ValueError as err:
        raise DomainError("invalid_role", str(err), field="roles") from None


def issue_token(session: Session, username: str, name: str = "") -> str:
    return create_token(session, username, name)[1]


def create_token(session: Session, username: str, name: str = "") -> tuple[int, str]:
    """A new API token → (its id, the token). Only its digest is stored: the token is shown this once."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("unknown_user", f"no person called {username}")
    token = "dh_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_sha256=_token_digest(token), name=name)
    session.add(row)
    session.flush()
    return row.id, token


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_token(session: Session, token: str) -> SignedInUser | None:
    row = session.execute(
        select(User, ApiToken)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_sha256 == _token_digest(token), ApiToken.revoked == False, User.active == True)  # noqa: E712
    ).first()
    if row is None:
        return None
    user, api_token = row
    now = utcnow()
    if api_token.last_used_at is None or now - api_token.last_used_at > TOKEN_TOUCH_EVERY:
        session.execute(update(ApiToken).where(ApiToken.id == api_token.id).values(last_used_at=now))
    return signed_in(user)


def record_device_signin(session: Session, device_id: str, user_id: int) -> None:
    """Remember that this person signed in on this device (it may later send their scans).
    Called by sign-in only: a sync proves nothing about who held the device."""
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
