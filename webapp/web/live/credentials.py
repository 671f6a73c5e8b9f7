"""Whether a live socket's caller may still listen, asked once per session (or token) for all its sockets.

A socket outlives its request, so it asks again every few seconds (sign-out, deactivation, a revoked token or a
lost role end it). Hundreds of sockets asking each on its own would be a query per socket every few seconds,
competing with the scans for the database: the sockets of one session in one process share one answer for
FRESH_S, and only one of them asks at a time.
"""
import threading
import time

from flask import current_app, request
from flask_login import current_user

from webapp.domain.roles import SUPERVISORS
from webapp.extensions import db
from webapp.services.sessions import session_user
from webapp.services.users import user_for_token

FRESH_S = 1.0  # an answer serves every socket of its session this long (a socket asks every 2 s)
FORGET_AFTER_S = 60.0


class _Answers:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._asking: dict[tuple, threading.Lock] = {}
        self._answers: dict[tuple, tuple[float, bool]] = {}

    def get(self, key: tuple, ask) -> bool:
        with self._lock:
            asking = self._asking.setdefault(key, threading.Lock())
        with asking:  # the others of this session wait for the one asking, then share its answer
            with self._lock:
                answer = self._answers.get(key)
            if answer is not None and time.monotonic() - answer[0] < FRESH_S:
                return answer[1]
            allowed = ask()
            now = time.monotonic()
            with self._lock:
                self._answers[key] = (now, allowed)
                for stale in [k for k, (at, _) in self._answers.items() if now - at > FORGET_AFTER_S]:
                    del self._answers[stale]
                    self._asking.pop(stale, None)
            return allowed


ANSWERS = _Answers()


def credentials_check():
    """A check, for later, that the caller's session (or token) still stands and still has a supervisor's role."""
    user = current_user._get_current_object()
    header = request.headers.get("Authorization", "")
    token = header[len("Bearer "):].strip() if header.startswith("Bearer ") else None
    idle_s = current_app.config["SESSION_IDLE_SECONDS"]
    key = (user.id, "token", token) if token is not None else (user.id, "session", user.session_id or "")

    def ask() -> bool:
        with db.unit_of_work() as s:
            now = user_for_token(s, token) if token is not None else session_user(s, user.session_id or "", idle_s=idle_s)
        return now is not None and now.id == user.id and bool(now.role_set & set(SUPERVISORS))

    return lambda: ANSWERS.get(key, ask)
