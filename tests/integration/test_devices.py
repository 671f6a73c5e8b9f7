"""The devices list and retiring a device (issue 18, point 2).

A retired device's sync is refused whole (403 device_retired), like a blocked one's; the PWA keeps its
outbox on any 403 (pwa/outbox.js), so the same scans apply once an admin brings the device back.
"""
from sqlalchemy import text

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, sync
from tests.integration.signin import session_sync, sign_in_on
from webapp.extensions import db


def _movement_count() -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM movement")).scalar_one()


def test_the_devices_list_shows_who_last_signed_in_the_last_sync_and_the_last_device_seq(app, client, make_user):
    small_warehouse()
    admin = bearer(make_user("ada", "admin"))
    supervisor = bearer(make_user("maria", "supervisor"))
    make_user("asha", "picker")
    make_user("ravi", "receiver")
    sign_in_on(app.test_client(), "asha", "dock-1")
    handheld = app.test_client()
    csrf = sign_in_on(handheld, "ravi", "dock-1")
    receipts = [scan("receive", qty=1, to="A-01", device_seq=seq) for seq in (7, 8)]
    assert session_sync(handheld, csrf, receipts, device_id="dock-1").status_code == 200
    sign_in_on(app.test_client(), "asha", "quiet-2")  # signed in, never synced
    listed = client.get("/api/v1/devices", headers=supervisor)
    assert listed.status_code == 200
    by_id = {d["id"]: d for d in listed.get_json()["items"]}
    assert by_id["dock-1"]["last_signin"]["username"] == "ravi"
    assert by_id["dock-1"]["last_device_seq"] == 8 and by_id["dock-1"]["status"] == "active"
    assert by_id["quiet-2"]["last_device_seq"] == 0 and by_id["quiet-2"]["last_signin"]["username"] == "asha"
    assert by_id["dock-1"]["last_seen_at"].endswith("Z")
    named = client.patch("/api/v1/devices/dock-1", json={"name": "Dock handheld"}, headers=admin).get_json()
    assert named["name"] == "Dock handheld" and named["last_signin"]["username"] == "ravi"
    assert client.get("/api/v1/devices", headers=bearer(make_user("pete", "picker"))).status_code == 403


def test_the_devices_list_pages_through_every_device_once(client, make_user):
    admin = make_user("ada", "admin")
    for n in range(5):
        sync(client, admin, [], device_id=f"dev-{n}")
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/devices", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})},
                          headers=bearer(admin)).get_json()
        seen += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [f"dev-{n}" for n in range(5)]


def test_a_retired_devices_sync_is_403_applies_nothing_and_the_kept_scans_apply_once_it_is_back(app, client, make_user):
    small_warehouse()
    admin = bearer(make_user("ada", "admin"))
    make_user("ravi", "receiver")
    handheld = app.test_client()
    csrf = sign_in_on(handheld, "ravi", "old-phone")
    assert client.patch("/api/v1/devices/old-phone", json={"status": "retired"}, headers=admin).status_code == 200
    outbox = [scan("receive", qty=3, to="A-01"), scan("receive", qty=4, to="A-01")]
    refused = session_sync(handheld, csrf, outbox, device_id="old-phone")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "device_retired"
    assert _movement_count() == 0
    assert client.patch("/api/v1/devices/old-phone", json={"status": "active"}, headers=admin).status_code == 200
    results = session_sync(handheld, csrf, outbox, device_id="old-phone").get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"] and _movement_count() == 2
