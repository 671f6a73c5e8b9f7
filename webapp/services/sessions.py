"""Browser sessions kept on the server: opened at sign-in, bound to the device named there, ended by
sign-out, by a shift's worth of idleness, or by the person being deactivated."""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.db.models import AuthSession, User
from webapp.domain.clock import utcnow
from webapp.services.users import SignedInUser, signed_in

# last_seen_at is written at most this often per session: a sync every few seconds is not a write each time.
TOUCH_EVERY = timedelta(seconds=60)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_session(session: Session, user_id: int, device_id: str | None) -> str:
    """A new session; the returned secret goes into the cookie and is stored only as its digest."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(AuthSession(id=_digest(secret), user_id=user_id, device_id=device_id, created_at=now, last_seen_at=now))
    return secret


def session_user(session: Session, secret: str, *, idle_s: int) -> SignedInUser | None:
    """The person behind a cookie's session secret, or None once it was revoked, idled out or the
    person deactivated."""
    if not secret or len(secret) > 128:
        return None
    row = session.execute(
        select(AuthSession, User).join(User, User.id == AuthSession.user_id).where(AuthSession.id == _digest(secret))
    ).first()
    if row is None:
        return None
    auth, user = row
    now = utcnow()
    if auth.revoked_at is not None or not user.active or auth.last_seen_at < now - timedelta(seconds=idle_s):
        return None
    if now - auth.last_seen_at > TOUCH_EVERY:
        session.execute(update(AuthSession).where(AuthSession.id == auth.id).values(last_seen_at=now))
    return signed_in(user, session_id=secret, device_id=auth.device_id)


def end_session(session: Session, secret: str) -> None:
    session.execute(update(AuthSession).where(AuthSession.id == _digest(secret), AuthSession.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))

