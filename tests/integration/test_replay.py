"""Replay semantics: exactly once, device order, floor facts flagged not refused, rejects kept."""
from sqlalchemy import text

from tests.integration.floor import scan, small_warehouse, stock, sync, verify_clean
from tests.integration.signin import session_sync, sign_in_on, sign_out
from webapp.extensions import db


def _sql(query: str, **params):
    with db.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def test_a_response_lost_after_commit_then_retried_answers_duplicate_and_doubles_nothing(app, client, make_user):
    small_warehouse()
    token = make_user("ravi", "receiver")
    batch = [scan("receive", qty=5, to="A-01"), scan("receive", item="SKU-2", qty=2, to="A-02")]
    first = sync(client, token, batch).get_json()["results"]  # the device never sees this answer
    retry = sync(client, token, batch).get_json()["results"]
    assert [r["status"] for r in retry] == ["duplicate", "duplicate"]
    assert [r["seq"] for r in retry] == [r["seq"] for r in first]
    assert stock(client, token)["on_hand"] == 5
    assert _sql("SELECT COUNT(*) FROM movement") == [(2,)]


def test_same_id_with_other_content_is_an_idempotency_conflict(app, client, make_user):
    small_warehouse()
    token = make_user("ravi", "receiver")
    movement = scan("receive", qty=5, to="A-01")
    sync(client, token, [movement])
    result = sync(client, token, [{**movement, "qty": 6}]).get_json()["results"][0]
    assert result["status"] == "rejected" and result["error"]["code"] == "idempotency_conflict"
    assert stock(client, token)["on_hand"] == 5


def test_batches_arriving_out_of_device_order_are_applied_and_the_late_ones_flagged(app, client, make_user):
    """Rule: each batch applies in device_seq order as it arrives; a device_seq lower than one already
    applied from that device is still applied (it happened on the floor) and flagged out_of_order."""
    small_warehouse()
    token = make_user("ravi", "receiver")
    early = [dict(scan("receive", qty=1, to="A-01"), device_seq=1), dict(scan("receive", qty=1, to="A-01"), device_seq=2)]
    late = [dict(scan("receive", qty=1, to="A-01"), device_seq=4), dict(scan("receive", qty=1, to="A-01"), device_seq=3)]
    second_batch = sync(client, token, late, device_id="h-7").get_json()["results"]
    assert [r["flags"] for r in second_batch] == [[], []]
    assert second_batch[1]["seq"] < second_batch[0]["seq"]  # applied in device order within the batch
    first_batch = sync(client, token, early, device_id="h-7").get_json()["results"]
    assert [r["status"] for r in first_batch] == ["applied", "applied"]
    assert all("out_of_order" in r["flags"] for r in first_batch)
    assert stock(client, token)["on_hand"] == 4
    assert _sql("SELECT COUNT(*) FROM exception_record WHERE code = 'out_of_order'") == [(2,)]


def test_floor_facts_are_applied_and_flagged_for_the_supervisor(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE location SET frozen = :t WHERE code = 'A-03'"), {"t": True})
    client.post("/api/v1/purchase-orders", json={"number": "PO-1", "supplier": "SUP", "lines": [{"item": "SKU-1", "qty": 5}]},
                headers={"Authorization": f"Bearer {boss}"})
    results = sync(client, boss, [
        scan("transfer", qty=3, from_="A-01", to="A-02"),                  # nothing there: negative stock
        scan("receive", qty=1, to="A-03"),                                  # frozen for counting
        scan("receive", item="SKU-2", qty=1, to="A-01", ref="PO-1"),        # not on the purchase order
        scan("receive", qty=9, to="A-01", ref="PO-1"),                      # more than ordered
        scan("pick", qty=1, from_="A-01", to="TOTE-1", ref="SO-NOPE"),      # no such open order
    ], sent_at="2020-01-01T00:00:00Z").get_json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 5
    flags = [set(r["flags"]) for r in results]
    assert "negative_stock" in flags[0] and "location_frozen" in flags[1]
    assert "unexpected_item" in flags[2] and "over_receipt" in flags[3] and "order_not_open" in flags[4]
    assert all("clock_skew" in f for f in flags)
    exceptions = client.get("/api/v1/exceptions", headers={"Authorization": f"Bearer {boss}"})
    assert exceptions.status_code == 200
    codes = {e["code"] for e in exceptions.get_json()["items"]}
    assert {"negative_stock", "location_frozen", "unexpected_item", "over_receipt", "order_not_open", "clock_skew"} <= codes
    assert stock(client, boss)["in_transit"] == 0
    verify_clean(app)


def test_a_kind_outside_the_scanners_roles_is_rejected_and_kept_for_the_supervisor(app, client, make_user):
    small_warehouse()
    counter = make_user("chen", "counter")
    boss = make_user("maria", "supervisor")
    results = sync(client, counter, [scan("receive", qty=5, to="A-01"), scan("count", qty=0, to="A-01")]).get_json()["results"]
    assert results[0]["status"] == "rejected" and results[0]["error"]["code"] == "forbidden_kind"
    assert results[1]["status"] == "applied"
    rejects = client.get("/api/v1/rejects", headers={"Authorization": f"Bearer {boss}"}).get_json()["items"]
    assert [r["code"] for r in rejects] == ["forbidden_kind"]
    assert rejects[0]["payload"]["kind"] == "receive"
    resolved = client.post(f"/api/v1/rejects/{rejects[0]['id']}/resolve", json={"note": "told chen"},
                           headers={"Authorization": f"Bearer {boss}"})
    assert resolved.status_code == 200
    assert client.get("/api/v1/rejects", headers={"Authorization": f"Bearer {boss}"}).get_json()["items"] == []


def test_scans_made_by_an_earlier_user_of_the_device_keep_their_scanner(app, client, make_user):
    small_warehouse()
    make_user("asha", "picker", password="asha-password")
    make_user("ravi", "receiver", password="ravi-password")
    sign_out(client, sign_in_on(client, "asha", "h-3", password="asha-password"))
    csrf = sign_in_on(client, "ravi", "h-3", password="ravi-password")
    session_sync(client, csrf, [scan("receive", qty=5, to="A-01")], device_id="h-3")
    results = session_sync(client, csrf, [scan("transfer", qty=1, from_="A-01", to="A-02", scanned_by="asha"),
                                          scan("pick", qty=1, from_="A-01", to="TOTE-1", scanned_by="ravi")],
                           device_id="h-3").get_json()["results"]
    assert results[0]["status"] == "applied"
    assert results[1]["error"]["code"] == "forbidden_kind"  # ravi may not pick
    assert _sql("SELECT p.username FROM movement m JOIN person p ON p.id = m.scanned_by_id WHERE m.kind = 'transfer'") == [("asha",)]
    elsewhere = client.application.test_client()
    csrf_elsewhere = sign_in_on(elsewhere, "ravi", "h-other", password="ravi-password")
    refused = session_sync(elsewhere, csrf_elsewhere, [scan("transfer", qty=1, from_="A-01", to="A-02", scanned_by="asha")],
                           device_id="h-other").get_json()["results"][0]
    assert refused["error"]["code"] == "forbidden_scanner"


def test_a_blocked_device_is_refused_and_nothing_applies(app, client, make_user):
    small_warehouse()
    token = make_user("ravi", "receiver")
    sync(client, token, [scan("receive", qty=1, to="A-01")], device_id="lost-phone")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE device SET status = 'blocked' WHERE id = 'lost-phone'"))
    refused = sync(client, token, [scan("receive", qty=1, to="A-01")], device_id="lost-phone")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "device_blocked"
    assert stock(client, token)["on_hand"] == 1


def test_a_mistake_is_corrected_by_an_adjustment_that_points_at_it(app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    [wrong] = sync(client, boss, [scan("receive", qty=12, to="A-01")]).get_json()["results"]
    fix = client.post("/api/v1/adjustments", json={"item": "SKU-1", "location": "A-01", "qty": -2,
                                                   "reason": "receipt keyed 12, pallet had 10", "corrects_seq": wrong["seq"]},
                      headers={"Authorization": f"Bearer {boss}"})
    assert fix.status_code == 201, fix.get_json()
    assert fix.get_json()["balance_after"] == 10
    assert _sql("SELECT kind, qty_base, corrects_seq FROM movement ORDER BY seq") == [
        ("receive", 12, None), ("adjust_out", 2, wrong["seq"])]
    assert stock(client, boss)["on_hand"] == 10
    verify_clean(app)


def test_an_admin_blocks_a_lost_device_through_the_api(app, client, make_user):
    small_warehouse()
    admin = make_user("root", "admin")
    sync(client, admin, [scan("receive", qty=1, to="A-01")], device_id="h-lost")
    blocked = client.patch("/api/v1/devices/h-lost", json={"status": "blocked", "name": "Asha's phone"},
                           headers={"Authorization": f"Bearer {admin}"})
    assert blocked.get_json()["status"] == "blocked"
    refused = sync(client, admin, [scan("receive", qty=1, to="A-01")], device_id="h-lost")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "device_blocked"


def test_a_supervisor_resubmits_a_corrected_reject(app, client, make_user):
    small_warehouse()
    ravi = make_user("ravi", "receiver")
    boss = make_user("maria", "supervisor")
    bad = scan("receive", item="NO-SUCH-ITEM", qty=3, to="A-01")
    assert sync(client, ravi, [bad]).get_json()["results"][0]["error"]["code"] == "unknown_item"
    [reject] = client.get("/api/v1/rejects", headers={"Authorization": f"Bearer {boss}"}).get_json()["items"]
    fixed = {**reject["payload"], "item": "SKU-1"}
    answer = client.post(f"/api/v1/rejects/{reject['id']}/resubmit", json={"movement": fixed},
                         headers={"Authorization": f"Bearer {boss}"})
    assert answer.get_json()["status"] == "applied"
    assert client.get("/api/v1/rejects", headers={"Authorization": f"Bearer {boss}"}).get_json()["items"] == []
    assert stock(client, boss)["on_hand"] == 3
