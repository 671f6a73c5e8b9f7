"""Queued-scan hints (issue 18): a device says how many scans wait in its outbox with each sync, and the
devices list shows how many still waited after its last sync ("12 scans waiting at last sync")."""
import pytest

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, sync

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # no ledger rule here


def _device(client, token, device_id):
    listed = client.get("/api/v1/devices", headers=bearer(token)).get_json()["items"]
    return next(d for d in listed if d["id"] == device_id)


def test_the_devices_list_shows_how_many_scans_still_waited_on_a_handheld_after_its_last_sync(client, make_user):
    small_warehouse()
    asha = make_user("asha", "receiver")
    boss = make_user("maria", "supervisor")
    batch = [scan("receive", qty=1, to="A-01"), scan("receive", qty=0, to="A-01")]  # one applied, one rejected
    answer = sync(client, asha, batch, device_id="dock-7", queued=12)
    assert answer.status_code == 200, answer.get_json()
    device = _device(client, boss, "dock-7")
    assert device["queued_scans"] == 10  # 12 held when sending, this batch of 2 answered
    assert device["queued_reported_at"].endswith("Z")
    assert sync(client, asha, [scan("receive", qty=1, to="A-01")], device_id="dock-7", queued=1).status_code == 200
    assert _device(client, boss, "dock-7")["queued_scans"] == 0
    sync(client, asha, [], device_id="old-app")  # an older app says nothing: no hint rather than a wrong one
    assert _device(client, boss, "old-app")["queued_scans"] is None


def test_a_queue_length_that_is_not_a_whole_number_refuses_the_batch_and_keeps_the_last_hint(client, make_user):
    small_warehouse()
    asha = make_user("asha", "receiver")
    boss = make_user("maria", "supervisor")
    sync(client, asha, [], device_id="dock-7", queued=3)
    for bad in (-1, "many", 1.5, 10_000_001):
        answer = sync(client, asha, [scan("receive", qty=1, to="A-01")], device_id="dock-7", queued=bad)
        assert answer.status_code == 400, (bad, answer.get_json())
        assert answer.get_json()["error"]["code"] == "invalid_envelope" and answer.get_json()["error"]["field"] == "queued"
    assert _device(client, boss, "dock-7")["queued_scans"] == 3
    admin = make_user("ada", "admin")
    client.patch("/api/v1/devices/dock-7", json={"status": "blocked"}, headers=bearer(admin))
    refused = sync(client, asha, [scan("receive", qty=1, to="A-01")], device_id="dock-7", queued=40)
    assert refused.status_code == 403 and _device(client, boss, "dock-7")["queued_scans"] == 3
