"""The admin's people desk: list, change roles, deactivate, reset a password, and each person's API tokens.

Deactivating a person or resetting their password ends every session and token they hold, in the same
transaction: their next request is a 401 (a stolen cookie or token dies with the old password).
"""
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.db.models import ApiToken, AuthSession, User
from webapp.domain.clock import format_instant, utcnow
from webapp.domain.errors import Conflict, NotFound
from webapp.domain.passwords import hash_password
from webapp.domain.roles import ADMIN
from webapp.services.users import SignedInUser, check_password, checked_roles


@dataclass
class PersonChange:
    roles: list[str] | None = None
    password: str | None = None
    active: bool | None = None


def person_json(user: User) -> dict:
    return {"username": user.username, "roles": sorted(user.role_set), "active": user.active,
            "created_at": format_instant(user.created_at)}


def list_people(session: Session, after: int, limit: int) -> dict:
    rows = session.scalars(select(User).where(User.id > after).order_by(User.id).limit(limit + 1)).all()
    page = rows[:limit]
    return {"items": [person_json(u) for u in page], "next_cursor": str(page[-1].id) if len(rows) > limit else None}


def get_person(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("unknown_user", f"no person called {username}")
    return user


def change_person(session: Session, username: str, change: PersonChange, caller_id: int) -> User:
    user = get_person(session, username)
    if user.id == caller_id and (change.active is False or (change.roles is not None and ADMIN not in change.roles)):
        # Otherwise an admin could lock the last admin out, and only SQL would let anyone back in.
        raise Conflict("own_admin_access", "you cannot deactivate yourself or take away your own admin role")
    ends_access = False
    if change.roles is not None:
        user.roles = ",".join(checked_roles(change.roles))
    if change.password is not None:
        check_password(change.password)
        user.password_hash = hash_password(change.password)
        ends_access = True
    if change.active is not None:
        ends_access = ends_access or (user.active and not change.active)
        user.active = change.active
    if ends_access:
        end_all_access(session, user.id)
    session.flush()
    return user


def end_all_access(session: Session, user_id: int) -> None:
    """Every open session and token of this person stops working now."""
    now = utcnow()
    session.execute(update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
                    .values(revoked_at=now))
    session.execute(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked == False)  # noqa: E712
                    .values(revoked=True, revoked_at=now))


def _is_own_or_admin(caller: SignedInUser, user_id: int) -> bool:
    # Someone else's tokens are answered as not found: a person learns nothing about tokens not theirs.
    return ADMIN in caller.role_set or caller.id == user_id


def token_json(token: ApiToken) -> dict:
    return {"id": token.id, "name": token.name, "created_at": format_instant(token.created_at),
            "last_used_at": format_instant(token.last_used_at) if token.last_used_at else None}


def list_tokens(session: Session, username: str, caller: SignedInUser) -> list[dict]:
    """A person's live tokens (never the token itself: only its digest is stored)."""
    user = get_person(session, username)
    if not _is_own_or_admin(caller, user.id):
        raise NotFound("unknown_user", f"no person called {username} among those whose tokens you may see")
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked == False)  # noqa: E712
                             .order_by(ApiToken.id)).all()
    return [token_json(t) for t in tokens]


def revoke_token(session: Session, token_id: int, caller: SignedInUser) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.revoked or not _is_own_or_admin(caller, token.user_id):
        raise NotFound("unknown_token", f"no live token {token_id} of yours")
    token.revoked, token.revoked_at = True, utcnow()
