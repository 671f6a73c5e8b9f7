"""Signing in, CSRF on cookie writes, Bearer tokens and login rate limiting."""
from tests.conftest import bearer


def sign_in(client, username="asha", password="correct-horse", **extra):
    return client.post("/api/v1/login", json={"username": username, "password": password, **extra})


def test_good_password_signs_in_with_a_hardened_session_cookie(client, make_user):
    make_user("asha", "picker")
    response = sign_in(client)
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"] == {"username": "asha", "roles": ["picker"]}
    assert len(body["csrf_token"]) > 20
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/api/v1/me").get_json()["user"]["username"] == "asha"


def test_session_cookie_is_secure_over_https(client, make_user):
    make_user("asha", "picker")
    response = client.post("/api/v1/login", json={"username": "asha", "password": "correct-horse"},
                           base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


def test_wrong_password_is_401_and_sets_no_session(client, make_user):
    make_user("asha", "picker")
    response = sign_in(client, password="wrong-password")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"
    assert client.get("/api/v1/me").status_code == 401


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client):
    response = sign_in(client, username="nobody")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_repeated_failures_are_rate_limited_even_with_the_right_password(client, make_user):
    make_user("asha", "picker")
    for _ in range(5):
        assert sign_in(client, password="guess-guess").status_code == 401
    response = sign_in(client)
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"


def test_passwords_are_stored_hashed_with_a_kdf(app, make_user):
    from sqlalchemy import select

    from webapp.db.models import User
    from webapp.extensions import db

    make_user("asha", "picker", password="correct-horse")
    with db.unit_of_work() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "asha"))
    assert "correct-horse" not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:", "$argon2"))


def test_cookie_write_without_csrf_token_is_403(client, make_user):
    make_user("asha", "picker")
    sign_in(client)
    response = client.post("/api/v1/logout")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert client.get("/api/v1/me").status_code == 200  # still signed in: nothing happened


def test_cookie_write_with_csrf_token_works(client, make_user):
    make_user("asha", "picker")
    token = sign_in(client).get_json()["csrf_token"]
    assert client.post("/api/v1/logout", headers={"X-CSRF-Token": token}).status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_csrf_token_from_me_is_accepted(client, make_user):
    make_user("asha", "picker")
    sign_in(client)
    token = client.get("/api/v1/me").get_json()["csrf_token"]
    assert client.post("/api/v1/logout", headers={"X-CSRF-Token": token}).status_code == 204


def test_bearer_token_authenticates_without_cookie_or_csrf(client, make_user):
    token = make_user("erp", "integration")
    me = client.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.get_json()["user"] == {"username": "erp", "roles": ["integration"]}
    assert client.post("/api/v1/logout", headers=bearer(token)).status_code == 204


def test_bad_bearer_token_is_401(client):
    response = client.get("/api/v1/me", headers=bearer("dh_not-a-token"))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_malformed_login_bodies_are_400_json(client):
    for body in (b"", b"not json", b"[1,2]", b'{"username": 5, "password": "x"}', b"\xff\xfe"):
        response = client.post("/api/v1/login", data=body, content_type="application/json")
        assert response.status_code == 400, body
        assert "code" in response.get_json()["error"]


def test_sign_in_with_a_device_records_the_device(app, client, make_user):
    from sqlalchemy import select

    from webapp.db.models import DeviceSignin
    from webapp.extensions import db

    make_user("asha", "picker")
    assert sign_in(client, device_id="handheld-07").status_code == 200
    with db.unit_of_work() as s:
        assert s.scalar(select(DeviceSignin.device_id)) == "handheld-07"


def test_healthz_answers_ok(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
