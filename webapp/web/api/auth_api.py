"""Signing in and out, and who am I."""
from flask import current_app, jsonify, request, session
from flask_login import current_user, login_user, logout_user

from webapp.domain.roles import EVERYONE
from webapp.extensions import db
from webapp.services.users import authenticate, record_device_signin
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
              request_schema=LOGIN_SCHEMA, responses={"200": "signed in", "401": "bad credentials", "429": "too many failures"})
def login():
    body = json_body()
    username = field(body, "username", str, max_len=64)
    password = field(body, "password", str, max_len=256)
    device_id = field(body, "device_id", str, required=False, max_len=64)
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
    return jsonify({"user": user.as_json(), "csrf_token": csrf_token()})


@api_endpoint(api, "/logout", "POST", roles=EVERYONE, summary="Sign out", responses={"204": "signed out"})
def logout():
    logout_user()
    session.clear()
    return "", 204


@api_endpoint(api, "/me", "GET", roles=EVERYONE, summary="The signed-in person and a CSRF token",
              responses={"200": "the person"})
def me():
    return jsonify({"user": current_user.as_json(), "csrf_token": csrf_token()})
