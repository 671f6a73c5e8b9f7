"""How a request is authenticated (session cookie or Bearer token) and CSRF for cookie writes."""
import hmac
import secrets

from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface

from webapp.extensions import db, login_manager
from webapp.services.sessions import session_user
from webapp.services.users import user_for_token
from webapp.web.errors import ApiError

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_EXEMPT_PATHS = {"/api/v1/login"}


class DockhandSessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def init_auth(app: Flask) -> None:
    app.session_interface = DockhandSessionInterface()
    login_manager.init_app(app)

    @login_manager.user_loader
    def _load_from_session(session_secret: str):
        # The cookie carries the server-side session's secret (SignedInUser.get_id): a revoked,
        # idle or deactivated person's session loads nobody, so the request is a 401.
        if request.headers.get("Authorization", "").startswith("Bearer "):
            return None  # a Bearer header wins over any cookie
        with db.unit_of_work() as s:
            return session_user(s, session_secret, idle_s=current_app.config["SESSION_IDLE_SECONDS"])

    @login_manager.request_loader
    def _load_from_bearer(req):
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        with db.unit_of_work() as s:
            user = user_for_token(s, header[len("Bearer "):].strip())
        if user is not None:
            g.auth_via_token = True
        return user

    @login_manager.unauthorized_handler
    def _unauthorized():
        raise ApiError(401, "unauthenticated", "sign in first")

    @app.before_request
    def _bearer_first_and_csrf():
        # A Bearer-authenticated request needs no CSRF token: a browser never adds that header by itself.
        if request.headers.get("Authorization", "").startswith("Bearer "):
            return None
        if request.method not in UNSAFE_METHODS or request.path in CSRF_EXEMPT_PATHS:
            return None
        if "_user_id" not in session:
            return None  # not cookie-authenticated: the endpoint's own check answers 401
        sent = request.headers.get("X-CSRF-Token", "")
        expected = session.get("csrf", "")
        if not expected or not hmac.compare_digest(sent, expected):
            raise ApiError(403, "csrf_failed", "missing or wrong X-CSRF-Token header")
        return None
