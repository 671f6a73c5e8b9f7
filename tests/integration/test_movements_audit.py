"""GET /api/v1/movements: a supervisor answers "who moved this, when, from which device, and why" without SQL."""
import pytest

from tests.conftest import bearer
from tests.integration.floor import ean, scan, small_warehouse, sync


@pytest.fixture
def history(app, client, make_user):
    """Receive 10 of SKU-1 to A-01 (boss, handheld-1), pick 3 to TOTE-1 (asha, handheld-2) leaving A-01 at 7,
    move 1 of SKU-2 out of an empty bin (negative stock), and a supervisor's adjustment correcting the pick."""
    small_warehouse()
    boss, asha, sam = make_user("boss", "admin"), make_user("asha", "picker"), make_user("sam", "supervisor")
    received = sync(client, boss, [scan("receive", "SKU-1", 10, to="A-01", ref="PO-7", lot="L1")]).get_json()
    picked = sync(client, asha, [scan("pick", ean(1), 3, from_="A-01", to="TOTE-1")], device_id="handheld-2")
    negative = sync(client, asha, [scan("transfer", "SKU-2", 1, from_="A-03", to="A-04")], device_id="handheld-2")
    pick_seq = picked.get_json()["results"][0]["seq"]
    adjusted = client.post("/api/v1/adjustments", json={"item": "SKU-1", "location": "TOTE-1", "qty": -1,
                                                         "reason": "double scan", "corrects_seq": pick_seq},
                           headers=bearer(sam))
    assert adjusted.status_code == 201, adjusted.get_json()
    assert negative.get_json()["results"][0]["flags"] == ["negative_stock"]
    return {"boss": boss, "asha": asha, "sam": sam, "receive_seq": received["results"][0]["seq"],
            "pick_seq": pick_seq}


def movements(client, token, **query):
    response = client.get("/api/v1/movements", query_string=query, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_ledger_reads_newest_first_with_who_scanned_sent_where_and_the_balances_after(client, history):
    rows = movements(client, history["sam"])["items"]
    assert [r["kind"] for r in rows] == ["adjust_out", "transfer", "pick", "receive"]
    assert [r["seq"] for r in rows] == sorted((r["seq"] for r in rows), reverse=True)
    adjust, _, pick, receive = rows
    assert pick["seq"] == history["pick_seq"] and pick["item"] == "SKU-1" and pick["uom"] == "EA"
    assert (pick["qty_base"], pick["qty_scanned"]) == (3, 3)
    assert (pick["from"], pick["to"], pick["lot"]) == ("A-01", "TOTE-1", "L1")
    assert (pick["scanned_by"], pick["sent_by"], pick["device_id"]) == ("asha", "asha", "handheld-2")
    assert (pick["from_balance_after"], pick["to_balance_after"]) == (7, 3)
    assert pick["occurred_at"] == "2026-11-25T10:00:00.000000Z" and pick["recorded_at"].endswith("Z")
    assert pick["flags"] == [] and pick["corrects_seq"] is None
    assert receive["ref"] == "PO-7" and receive["to_balance_after"] == 10 and receive["from"] is None
    assert adjust["corrects_seq"] == history["pick_seq"] and adjust["reason"] == "double scan"
    assert adjust["scanned_by"] == "sam" and adjust["from"] == "TOTE-1" and adjust["from_balance_after"] == 2
    assert rows[1]["flags"] == ["negative_stock"] and rows[1]["from_balance_after"] == -1


def test_each_filter_finds_only_its_movements(client, history):
    def kinds(**query):
        return [r["kind"] for r in movements(client, history["sam"], **query)["items"]]

    assert kinds(item=ean(1)) == kinds(item="SKU-1") == ["adjust_out", "pick", "receive"]
    assert kinds(location="A-01") == ["pick", "receive"]
    assert kinds(location="TOTE-1") == ["adjust_out", "pick"]
    assert kinds(person="asha") == ["transfer", "pick"]
    assert kinds(person="boss") == ["receive"]
    assert kinds(device="handheld-2") == ["transfer", "pick"]
    assert kinds(ref="PO-7") == ["receive"]
    assert kinds(lot="L1") == ["adjust_out", "pick", "receive"]
    assert kinds(kind="pick") == ["pick"]
    assert kinds(item="SKU-1", person="asha") == ["pick"]
    assert kinds(item="NO-SUCH-ITEM") == kinds(location="NOWHERE") == kinds(person="nobody") == []


def test_since_keeps_only_what_the_server_recorded_from_that_time(client, history):
    rows = movements(client, history["sam"])["items"]
    assert movements(client, history["sam"], since=rows[1]["recorded_at"])["items"][-1]["seq"] == rows[1]["seq"]
    assert movements(client, history["sam"], since="2999-01-01T00:00:00Z")["items"] == []


def test_pages_follow_the_cursor_to_older_movements_without_repeats(client, history):
    first = movements(client, history["sam"], limit=3)
    assert len(first["items"]) == 3 and first["next_cursor"] == str(first["items"][-1]["seq"])
    second = movements(client, history["sam"], limit=3, cursor=first["next_cursor"])
    assert [r["kind"] for r in second["items"]] == ["receive"] and second["next_cursor"] is None
    whole = movements(client, history["sam"])["items"]
    assert first["items"] + second["items"] == whole


def test_floor_roles_may_not_read_the_audit_trail(client, history, make_user):
    for role in ("picker", "receiver", "counter", "integration"):
        response = client.get("/api/v1/movements", headers=bearer(make_user(f"only-{role}", role)))
        assert response.status_code == 403, role
    assert client.get("/api/v1/movements").status_code == 401


@pytest.mark.parametrize("query", [{"since": "yesterday"}, {"since": "2026-11-25T10:00:00"}, {"since": ""}, {"kind": "teleport"},
                                   {"cursor": "-1"}, {"limit": "0"}, {"item": "x" * 65}])
def test_a_bad_filter_is_a_400_that_names_it(client, history, query):
    response = client.get("/api/v1/movements", query_string=query, headers=bearer(history["sam"]))
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["code"] == "invalid_field"


def test_a_filter_box_left_empty_filters_nothing(client, history):
    everything = movements(client, history["sam"])["items"]
    assert movements(client, history["sam"], item="", location=" ")["items"] == everything
