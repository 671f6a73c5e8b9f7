"""Packing offline: each device gets its own blocks of SSCCs; a pack into one of them creates the carton on the
server the first time it is seen; another device's SSCC, or a made-up one, is refused."""
import threading


from tests.conftest import bearer
from tests.integration.floor import scan, sync
from tests.integration.test_outbound import _order, outbound  # noqa: F401  (the fixture)
from webapp.domain.sscc import is_valid_sscc, make_sscc


def _block(client, auth, device):
    response = client.post("/api/v1/sscc-blocks", json={"device_id": device}, headers=auth)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_blocks_are_never_shared_between_devices_nor_issued_twice(client, outbound):  # noqa: F811
    auth = outbound["picker_auth"]
    blocks = [_block(client, auth, device) for device in ("dev-a", "dev-b", "dev-a")]
    ssccs = [s for b in blocks for s in b["ssccs"]]
    assert len(ssccs) == len(set(ssccs)) == 3 * blocks[0]["count"]
    assert all(is_valid_sscc(s) and s[0] == "1" for s in ssccs)
    bad = client.post("/api/v1/sscc-blocks", json={"device_id": ""}, headers=auth)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] in ("invalid_field", "missing_field")


def test_blocks_asked_for_at_once_by_two_devices_do_not_overlap(app, client, outbound, database_url):  # noqa: F811
    results, errors = [], []

    def ask(device):
        try:
            with app.test_client() as c:
                results.append(_block(c, outbound["picker_auth"], device))
        except Exception as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=ask, args=(f"dev-{n}",)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    ssccs = [s for r in results for s in r["ssccs"]]
    assert len(ssccs) == len(set(ssccs)) == 6 * results[0]["count"]


def test_a_pack_into_a_block_sscc_creates_the_carton_and_another_devices_is_refused(client, outbound):  # noqa: F811
    auth, picker = outbound["auth"], outbound["picker"]
    _order(client, auth, "SO-OFF", [{"item": "SKU-2", "qty": 2}])
    client.post("/api/v1/orders/SO-OFF/transition", json={"to": "picking"}, headers=auth)
    sync(client, picker, [scan("pick", item="SKU-2", qty=2, from_="A-02", to="TOTE-1", ref="SO-OFF")])
    mine = _block(client, outbound["picker_auth"], "pack-1")["ssccs"][0]
    theirs = _block(client, outbound["picker_auth"], "pack-2")["ssccs"][0]
    made_up = make_sscc("5012345", 999_999_999 % 10**9, 1)

    refused = client.post("/api/v1/sync", headers=bearer(picker), json={"device_id": "pack-1", "movements": [
        {**scan("pack", item="SKU-2", qty=1, from_="TOTE-1", to=theirs, ref="SO-OFF"), "device_seq": 1},
        {**scan("pack", item="SKU-2", qty=1, from_="TOTE-1", to=made_up, ref="SO-OFF"), "device_seq": 2}]}).get_json()
    assert [r["status"] for r in refused["results"]] == ["rejected", "rejected"]

    packed = client.post("/api/v1/sync", headers=bearer(picker), json={"device_id": "pack-1", "movements": [
        {**scan("pack", item="SKU-2", qty=1, from_="TOTE-1", to=mine, ref="SO-OFF"), "device_seq": 3},
        {**scan("pack", item="SKU-2", qty=1, from_="TOTE-1", to=mine, ref="SO-OFF"), "device_seq": 4}]}).get_json()
    assert [r["status"] for r in packed["results"]] == ["applied", "applied"], packed
    order = client.get("/api/v1/orders/SO-OFF", headers=auth).get_json()
    assert [c["sscc"] for c in order["cartons"]] == [mine] and order["lines"][0]["packed"] == 2
    closed = client.post(f"/api/v1/cartons/{mine}/close", json={}, headers=outbound["picker_auth"])
    assert closed.status_code == 200 and closed.get_json()["contents"][0]["qty"] == 2
    label = client.get(f"/cartons/{mine}/label.pdf", headers=outbound["picker_auth"])
    assert label.status_code == 200 and label.mimetype == "application/pdf"
