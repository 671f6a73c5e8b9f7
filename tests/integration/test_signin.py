"""Signing in (issue 11, point 9): argon2id with old hashes upgraded, JSON only, and rate limits that
slow a guesser without locking a picker out of their own handheld. CONTRACT.md "Authentication"."""
from datetime import timedelta

from sqlalchemy import func, select, text

from tests.integration.signin import sign_in_on
from webapp.db.models import LoginFailure, User
from webapp.domain.clock import utcnow
from webapp.extensions import db

HOME, ELSEWHERE = "10.0.0.5", "203.0.113.66"


def _login(client, username="asha", password="correct-horse", addr=HOME, **extra):
    return client.post("/api/v1/login", json={"username": username, "password": password, **extra},
                       environ_base={"REMOTE_ADDR": addr})


def _stored_hash(username="asha") -> str:
    with db.unit_of_work() as s:
        return s.scalar(select(User.password_hash).where(User.username == username))


def test_new_passwords_are_stored_with_argon2id(app, make_user):
    make_user("asha", "picker")
    assert _stored_hash().startswith("$argon2id$")


def test_an_old_scrypt_password_still_signs_in_and_is_upgraded_to_argon2id(app, client, make_user):
    from werkzeug.security import generate_password_hash

    make_user("asha", "picker")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE person SET password_hash = :h WHERE username = 'asha'"),
                     {"h": generate_password_hash("old-password", method="scrypt")})
    assert _login(client, password="wrong-password").status_code == 401
    assert _stored_hash().startswith("scrypt:")  # a wrong password upgrades nothing
    assert _login(client, password="old-password").status_code == 200
    assert _stored_hash().startswith("$argon2id$")
    assert _login(app.test_client(), password="old-password").status_code == 200  # the same password, new hash
    assert _login(app.test_client(), password="wrong-password").status_code == 401


def test_an_old_pbkdf2_password_is_upgraded_too(app, client, make_user):
    from werkzeug.security import generate_password_hash

    make_user("asha", "picker")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE person SET password_hash = :h WHERE username = 'asha'"),
                     {"h": generate_password_hash("old-password", method="pbkdf2:sha256")})
    assert _login(client, password="old-password").status_code == 200
    assert _stored_hash().startswith("$argon2id$")


def test_a_sign_in_that_is_not_json_is_415_and_signs_nobody_in(client, make_user):
    make_user("asha", "picker")
    for body, content_type in (("username=asha&password=correct-horse", "application/x-www-form-urlencoded"),
                               ('{"username": "asha", "password": "correct-horse"}', "text/plain")):
        response = client.post("/api/v1/login", data=body, content_type=content_type)
        assert response.status_code == 415, content_type
        assert response.get_json()["error"]["code"] == "unsupported_media_type"
    assert client.get("/api/v1/me").status_code == 401


def test_a_name_or_device_that_is_not_text_is_400(client, make_user):
    make_user("asha", "picker")
    for body in ({"username": "asha\ud800", "password": "correct-horse"},
                 {"username": "asha", "password": "correct-horse\udfff"},
                 {"username": "asha", "password": "correct-horse", "device_id": "h\u0007"}):
        response = client.post("/api/v1/login", json=body)
        assert response.status_code == 400, body
        assert response.get_json()["error"]["code"] == "invalid_text"


def test_a_strangers_guesses_from_another_address_never_lock_the_picker_out(app, client, make_user):
    make_user("asha", "picker")
    for _ in range(5):
        assert _login(client, password="guess-guess", addr=ELSEWHERE).status_code == 401
    assert _login(client, password="guess-guess", addr=ELSEWHERE).status_code == 429
    assert _login(client, addr=ELSEWHERE).status_code == 429  # the guesser's address waits, right password or not
    assert _login(client, addr=HOME).status_code == 200


def test_a_strangers_guesses_on_the_same_wifi_never_lock_the_picker_out_of_her_own_handheld(app, client, make_user):
    make_user("asha", "picker")
    assert _login(client, device_id="asha-handheld").status_code == 200  # she has signed in on it before
    for n in range(12):  # same address (the warehouse Wi-Fi), other devices or none
        extra = {"device_id": f"stranger-{n}"} if n % 2 else {}
        assert _login(app.test_client(), password=f"guess-{n:04d}", **extra).status_code in (401, 429)
    assert _login(app.test_client(), password="guess-more").status_code == 429
    assert _login(app.test_client(), device_id="asha-handheld").status_code == 200


def test_guesses_naming_her_handheld_are_limited_too(app, client, make_user):
    make_user("asha", "picker")
    assert _login(client, device_id="asha-handheld").status_code == 200
    for _ in range(5):
        assert _login(app.test_client(), password="guess-guess", device_id="asha-handheld").status_code == 401
    assert _login(app.test_client(), password="guess-guess", device_id="asha-handheld").status_code == 429


def test_at_most_30_wrong_tries_from_one_address_then_429_with_retry_after(app, client, make_user):
    make_user("asha", "picker")
    make_user("ravi", "receiver")
    assert _login(client, username="ravi", device_id="ravi-handheld").status_code == 200
    answers = [_login(client, username=f"name-{n}", password="guess-guess").status_code for n in range(30)]
    assert answers == [401] * 30
    refused = _login(client, username="name-30", password="guess-guess")
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"
    window = app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    assert 0 < int(refused.headers["Retry-After"]) <= window
    assert _login(client, addr=HOME).status_code == 429  # a new name from that address waits too
    assert _login(client, addr=ELSEWHERE).status_code == 200  # other addresses are untouched
    # Ravi on the handheld he signed in on before is not locked out by the guesser next to him.
    assert _login(client, username="ravi", device_id="ravi-handheld").status_code == 200


def test_a_right_password_forgives_the_persons_own_typos_but_not_the_addresss_count(app, client, make_user):
    make_user("asha", "picker")
    for _ in range(4):
        assert _login(client, password="typo-typo").status_code == 401
    assert _login(client).status_code == 200
    for _ in range(5):
        assert _login(client, password="typo-typo").status_code == 401  # her 5 tries again, not 1
    with db.unit_of_work() as s:
        from_address = s.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.bucket.like("addr:%")))
    assert from_address == 9  # every wrong try still counts against the address


def test_failures_older_than_the_window_are_pruned_and_no_longer_count(app, client, make_user):
    make_user("asha", "picker")
    for _ in range(5):
        _login(client, password="guess-guess")
    assert _login(client).status_code == 429
    window = app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    with db.unit_of_work() as s:
        for failure in s.scalars(select(LoginFailure)):
            failure.at = utcnow() - timedelta(seconds=window + 1)
    assert _login(client).status_code == 200
    with db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_sign_in_on_a_device_records_that_person_on_that_device(app, client, make_user):
    make_user("asha", "picker")
    sign_in_on(client, "asha", "handheld-07")
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT d.device_id, p.username FROM device_signin d JOIN person p ON p.id = d.user_id")).all()
    assert rows == [("handheld-07", "asha")]
