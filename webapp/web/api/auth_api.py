"""Signing in and out, and who am I."""
from typing import Annotated

from flask import current_app, jsonify, request, session
from pydantic import Field
from flask_login import current_user, login_user, logout_user

from webapp.domain.floor_movement import MAX_QTY
from webapp.domain.roles import EVERYONE
from webapp.extensions import db
from webapp.services.users import authenticate, record_device_signin
from webapp.web.api import api
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import NO_NUL, Body, OptionalText, Text
from webapp.web.auth import csrf_token
from webapp.web.errors import ApiError



class Login(Body):
    username: Text(64)
    password: Annotated[str, Field(min_length=1, max_length=256, pattern=NO_NUL)]  # never trimmed: spaces count
    device_id: OptionalText(64) | None = None


@api_endpoint(api, "/login", "POST", roles=(), public=True, summary="Sign in with a username and password",
              body=Login, responses={"200": "signed in", "401": "bad credentials", "429": "too many failures"})
def login(body: Login):
    username, password, device_id = body.username, body.password, body.device_id or None
    config = current_app.config
    with db.unit_of_work() as s:
        user = authenticate(s, username, password, request.remote_addr or "",
                            max_failures=config["LOGIN_MAX_FAILURES"], window_s=config["LOGIN_FAILURE_WINDOW_SECONDS"])
        if user is not None and device_id:
            record_device_signin(s, device_id, user.id)
    if user is None:
        raise ApiError(401, "invalid_credentials", "wrong username or password")
    session.clear()  # a new session on sign-in: no fixation
    login_user(user)
    session.pop("csrf", None)
    return jsonify({"user": user.as_json(), "csrf_token": csrf_token(), "limits": _limits()})


@api_endpoint(api, "/logout", "POST", roles=EVERYONE, summary="Sign out", responses={"204": "signed out"})
def logout():
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
            "max_body_bytes": config["SYNC_MAX_BODY_BYTES"]}
