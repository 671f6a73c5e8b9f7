"""Signing in and out, and who am I."""
from flask import current_app, jsonify, request, session
from flask_login import current_user, login_user, logout_user

from webapp.domain.roles import EVERYONE
from webapp.extensions import db
from webapp.services.sessions import end_session
from webapp.services.signin import SigninLimits, sign_in
from webapp.web.api import api
from webapp.web.api.body import field, json_body
from webapp.web.api.registry import api_endpoint
from webapp.web.auth import csrf_token
from webapp.web.errors import ApiError

LOGIN_SCHEMA = {
    "type": "object",
    "required": ["username", "password"],
    "properties": {
        "username": {"type": "string", "maxLength": 64},
        "password": {"type": "string", "maxLength": 256},
        "device_id": {"type": "string", "maxLength": 64},
    },
}


@api_endpoint(api, "/login", "POST", roles=(), public=True, summary="Sign in with a username and password",
              request_schema=LOGIN_SCHEMA,
              responses={"200": "signed in; a session bound to device_id when one is given", "401": "bad credentials",
                         "415": "the body is not application/json", "429": "too many failures (Retry-After)"})
def login():
    # JSON only: a cross-site HTML form cannot send application/json, so it cannot sign a device in.
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the sign-in as Content-Type: application/json")
    body = json_body()
    username = field(body, "username", str, max_len=64)
    password = field(body, "password", str, max_len=256)
    device_id = field(body, "device_id", str, required=False, max_len=64) or None
    for name, value in (("username", username), ("password", password), ("device_id", device_id)):
        if value is not None and not _valid_text(value, allow_spaces=name == "password"):
            raise ApiError(400, "invalid_text", f"{name} holds characters that are not text", field=name)
    config = current_app.config
    limits = SigninLimits(per_name=config["LOGIN_MAX_FAILURES"], per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                          window_s=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    signed = sign_in(db.unit_of_work, username, password, request.remote_addr or "", device_id, limits,
                     replaces_session=session.get("_user_id"))
    if signed is None:
        raise ApiError(401, "invalid_credentials", "wrong username or password")
    user, _secret = signed
    session.clear()  # a new session on sign-in: no fixation
    login_user(user)
    session.pop("csrf", None)
    return jsonify({"user": user.as_json(), "csrf_token": csrf_token()})


def _valid_text(value: str, *, allow_spaces: bool) -> bool:
    """Encodable as UTF-8 (no lone surrogate); names and device ids are also printable."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return allow_spaces or value.isprintable()


@api_endpoint(api, "/logout", "POST", roles=EVERYONE, summary="Sign out: the session ends on the server",
              responses={"204": "signed out; the old cookie is refused from now on"})
def logout():
    if current_user.session_id:  # a Bearer token has no session to end
        with db.unit_of_work() as s:
            end_session(s, current_user.session_id)
    logout_user()
    session.clear()
    return "", 204


@api_endpoint(api, "/me", "GET", roles=EVERYONE, summary="The signed-in person and a CSRF token",
              responses={"200": "the person"})
def me():
    return jsonify({"user": current_user.as_json(), "csrf_token": csrf_token()})
