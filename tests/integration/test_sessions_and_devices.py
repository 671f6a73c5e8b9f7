"""Sessions end on the server, and a session speaks only for the device it signed in on (issue 11, point 2).

CONTRACT.md "Authentication": sign-in is the only place that records "this person signed in on this
device"; a sync through a session bound to another device is refused; a token, or a session opened
without a device, may send only its own person's scans.
"""
from datetime import timedelta

from sqlalchemy import select, text

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, sync
from tests.integration.signin import session_sync, sign_in_on, sign_out
from webapp.db.models import AuthSession, User
from webapp.domain.clock import utcnow
from webapp.extensions import db


def _sql(query: str, **params):
    with db.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def _movements() -> list[tuple]:
    return _sql("SELECT m.kind, scanner.username, sender.username, m.device_id FROM movement m "
                "JOIN person scanner ON scanner.id = m.scanned_by_id JOIN person sender ON sender.id = m.sent_by_id "
                "ORDER BY m.seq")


def test_a_picker_cannot_record_a_receipt_as_the_supervisor_by_naming_the_supervisors_handheld(app, client, make_user):
    small_warehouse()
    make_user("maria", "supervisor")
    picker = make_user("pete", "picker")
    sign_in_on(app.test_client(), "maria", "maria-handheld")
    receipt_as_maria = scan("receive", qty=50, to="A-01", scanned_by="maria")
    [result] = sync(client, picker, [receipt_as_maria], device_id="maria-handheld").get_json()["results"]
    assert result["status"] == "rejected" and result["error"]["code"] == "forbidden_scanner"
    # Through his own session on his own handheld, naming hers: refused as a whole.
    csrf = sign_in_on(client, "pete", "pete-handheld")
    refused = session_sync(client, csrf, [receipt_as_maria], device_id="maria-handheld")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "device_mismatch"
    assert _movements() == []


def test_a_session_naming_another_device_applies_nothing_not_even_its_own_scans(app, client, make_user):
    small_warehouse()
    make_user("ravi", "receiver")
    csrf = sign_in_on(client, "ravi", "h-1")
    refused = session_sync(client, csrf, [scan("receive", qty=5, to="A-01")], device_id="h-2")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "device_mismatch"
    assert _movements() == [] and _sql("SELECT id FROM device WHERE id = 'h-2'") == []
    assert session_sync(client, csrf, [scan("receive", qty=5, to="A-01")], device_id="h-1").status_code == 200
    assert _movements() == [("receive", "ravi", "ravi", "h-1")]


def test_a_sync_is_not_a_sign_in_so_it_lets_nobody_send_that_persons_scans_later(app, client, make_user):
    small_warehouse()
    asha = make_user("asha", "picker")
    make_user("ravi", "receiver")
    assert sync(client, asha, [scan("receive", qty=1, to="A-01")], device_id="h-3").status_code == 200  # token sync
    assert _sql("SELECT device_id FROM device_signin") == []
    csrf = sign_in_on(client, "ravi", "h-3")
    [result] = session_sync(client, csrf, [scan("transfer", qty=1, from_="A-01", to="A-02", scanned_by="asha")],
                            device_id="h-3").get_json()["results"]
    assert result["error"]["code"] == "forbidden_scanner"


def test_a_session_signed_in_without_a_device_sends_only_its_own_scans(app, client, make_user):
    small_warehouse()
    make_user("asha", "picker")
    make_user("maria", "supervisor")
    sign_in_on(app.test_client(), "asha", "h-4")
    csrf = sign_in_on(client, "maria")  # a desk browser: no device
    results = session_sync(client, csrf, [scan("receive", qty=2, to="A-01"),
                                          scan("transfer", qty=1, from_="A-01", to="A-02", scanned_by="asha")],
                           device_id="h-4").get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert results[1]["error"]["code"] == "forbidden_scanner"
    assert _movements() == [("receive", "maria", "maria", "h-4")]


def test_a_token_may_name_itself_as_scanner_but_nobody_else(app, client, make_user):
    small_warehouse()
    maria = make_user("maria", "supervisor")
    make_user("asha", "picker")
    sign_in_on(app.test_client(), "asha", "h-5")
    results = sync(client, maria, [scan("receive", qty=2, to="A-01", scanned_by="maria"),
                                   scan("transfer", qty=1, from_="A-01", to="A-02", scanned_by="asha")],
                   device_id="h-5").get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert results[1]["error"]["code"] == "forbidden_scanner"


def test_the_shared_handheld_hands_over_and_the_next_person_sends_the_first_persons_scans(app, make_user):
    """Ravi signs in on D, scans offline, signs out; Asha signs in on D; her session sends his scans."""
    small_warehouse()
    make_user("ravi", "receiver")
    make_user("asha", "picker")
    handheld = app.test_client()
    sign_out(handheld, sign_in_on(handheld, "ravi", "dock-handheld"))
    offline_scans = [scan("receive", qty=4, to="DOCK-1", scanned_by="ravi") for _ in range(3)]
    csrf = sign_in_on(handheld, "asha", "dock-handheld")
    results = session_sync(handheld, csrf, offline_scans, device_id="dock-handheld").get_json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 3
    assert _movements() == [("receive", "ravi", "asha", "dock-handheld")] * 3


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, client, make_user):
    make_user("asha", "picker")
    csrf = sign_in_on(client, "asha", "h-6")
    copied = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    thief = app.test_client()
    thief.set_cookie(app.config["SESSION_COOKIE_NAME"], copied)
    assert thief.get("/api/v1/me").status_code == 200  # the copy works while the session lives
    sign_out(client, csrf)
    replayed = thief.get("/api/v1/me")
    assert replayed.status_code == 401 and replayed.get_json()["error"]["code"] == "unauthenticated"
    assert thief.post("/api/v1/sync", json={"device_id": "h-6", "movements": []},
                      headers={"X-CSRF-Token": csrf}).status_code == 401


def test_a_deactivated_person_is_signed_out_at_their_next_request(app, client, make_user):
    make_user("asha", "picker")
    sign_in_on(client, "asha", "h-7")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE person SET active = :no WHERE username = 'asha'"), {"no": False})
    assert client.get("/api/v1/me").status_code == 401


def test_a_session_idle_longer_than_a_shift_ends_and_one_in_use_lasts(app, client, make_user):
    make_user("asha", "picker")
    make_user("ravi", "receiver")
    idle = app.config["SESSION_IDLE_SECONDS"]
    assert idle >= 8 * 3600  # a shift
    sign_in_on(client, "asha", "h-8")
    other = app.test_client()
    sign_in_on(other, "ravi", "h-9")
    last_seen = {"asha": utcnow() - timedelta(seconds=idle + 60), "ravi": utcnow() - timedelta(seconds=idle - 600)}
    with db.engine.begin() as conn:
        for name, moment in last_seen.items():
            conn.execute(text("UPDATE auth_session SET last_seen_at = :t "
                              "WHERE user_id = (SELECT id FROM person WHERE username = :name)"), {"t": moment, "name": name})
    assert client.get("/api/v1/me").status_code == 401
    assert other.get("/api/v1/me").status_code == 200  # used ten minutes before the limit: still on shift
    with db.unit_of_work() as s:
        seen = s.scalar(select(AuthSession.last_seen_at).join(User, User.id == AuthSession.user_id)
                        .where(User.username == "ravi"))
    assert seen > utcnow() - timedelta(minutes=1)  # …and that request restarted its idle clock


def test_the_session_cookie_holds_no_person_id_and_the_table_no_session_secret(app, client, make_user):
    make_user("asha", "picker")
    sign_in_on(client, "asha", "h-10")
    [(stored_id, device_id)] = _sql("SELECT id, device_id FROM auth_session")
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    carried = serializer.loads(client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)["_user_id"]
    assert device_id == "h-10"
    assert carried not in (stored_id, "1") and len(carried) >= 40
    import hashlib

    assert hashlib.sha256(carried.encode()).hexdigest() == stored_id


def test_a_bearer_token_signs_out_nothing_and_keeps_working(client, make_user):
    token = make_user("erp", "integration")
    assert client.post("/api/v1/logout", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_signing_in_as_someone_else_ends_the_previous_persons_session(app, make_user):
    make_user("ravi", "receiver")
    make_user("asha", "picker")
    handheld = app.test_client()
    sign_in_on(handheld, "ravi", "shared-2")  # Ravi walks away without signing out
    ravis_cookie = handheld.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    sign_in_on(handheld, "asha", "shared-2")
    copy = app.test_client()
    copy.set_cookie(app.config["SESSION_COOKIE_NAME"], ravis_cookie)
    assert copy.get("/api/v1/me").status_code == 401
    assert handheld.get("/api/v1/me").get_json()["user"]["username"] == "asha"
