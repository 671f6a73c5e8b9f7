"""A signed-in session outlives a browser restart for a shift: the cookie carries an expiry (config
PERMANENT_SESSION_LIFETIME, 12 h by default), so a crashed handheld comes back signed in and replays its scans."""
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime


def _expiry(set_cookie: str) -> datetime | None:
    for part in set_cookie.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "expires":
            return parsedate_to_datetime(value)
    return None


def test_the_sign_in_cookie_lasts_a_twelve_hour_shift_not_just_the_browser_session(client, make_user):
    make_user("asha", "picker")
    response = client.post("/api/v1/login", json={"username": "asha", "password": "correct-horse"})
    assert response.status_code == 200
    expires = _expiry(response.headers["Set-Cookie"])
    assert expires is not None, response.headers["Set-Cookie"]
    left = expires - datetime.now(timezone.utc)
    assert timedelta(hours=11, minutes=55) < left <= timedelta(hours=12, minutes=1)


def test_a_visitor_who_is_not_signed_in_gets_no_lasting_cookie(client):
    response = client.get("/login")
    assert "Expires" not in response.headers.get("Set-Cookie", "")
