"""Signing in and out, and who am I."""
from typing import Annotated

from flask import current_app, jsonify, request, session
from pydantic import Field
from flask_login import current_user, login_user, logout_user

from webapp.domain.floor_movement import MAX_QTY
from webapp.domain.roles import EVERYONE
from webapp.domain.sscc import MAX_CARTON_WEIGHT_G
from webapp.extensions import db
from webapp.services.sessions import end_session
from webapp.services.signin import SigninLimits, sign_in
from webapp.web.api import api
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import NO_NUL, Body, Identifier
from webapp.web.auth import csrf_token
from webapp.web.errors import ApiError



class Login(Body):
    username: Identifier(64)
    password: Annotated[str, Field(min_length=1, max_length=256, pattern=NO_NUL)]  # never trimmed: spaces count
    device_id: Identifier(64) | None = None


@api_endpoint(api, "/login", "POST", roles=(), public=True, summary="Sign in with a username and password",
              body=Login, json_only=True,
              responses={"200": "signed in; a session bound to device_id when one is given", "401": "bad credentials",
                         "415": "the body is not application/json", "429": "too many failures (Retry-After)"})
def login(body: Login):
    # JSON only (json_only): a cross-site HTML form cannot send application/json, so it cannot sign a device in.
    username, password, device_id = body.username, body.password, body.device_id or None
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
    return jsonify({"user": user.as_json(), "csrf_token": csrf_token(), "limits": _limits()})


@api_endpoint(api, "/logout", "POST", roles=EVERYONE, summary="Sign out: the session ends on the server",
              responses={"204": "signed out; the old cookie is refused from now on"})
def logout():
    if current_user.session_id:  # a Bearer token has no session to end
        with db.unit_of_work() as s:
            end_session(s, current_user.session_id)
    logout_user()
    session.clear()
    return "", 204


@api_endpoint(api, "/me", "GET", roles=EVERYONE, summary="The signed-in person, a CSRF token and the limits the server accepts (max_qty, max_batch_movements, max_body_bytes)",
              responses={"200": "the person"})
def me():
    return jsonify({"user": current_user.as_json(), "csrf_token": csrf_token(), "limits": _limits()})


def _limits() -> dict:
    """What the server accepts, for devices to check offline instead of keeping a copy of their own."""
    config = current_app.config
    return {"max_qty": MAX_QTY, "max_batch_movements": config["SYNC_MAX_MOVEMENTS"],
            "max_body_bytes": config["SYNC_MAX_BODY_BYTES"], "max_weight_g": MAX_CARTON_WEIGHT_G}
