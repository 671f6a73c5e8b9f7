"""Damaged goods at the dock: recorded as received, flagged `damaged` for the supervisor with the photo the
receiver took, uploaded (idempotently) by the device's outbox; and a receiver's tasks to work offline."""
import uuid

import pytest
from sqlalchemy import text

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, stock, sync, verify_clean
from webapp.domain.sscc import make_sscc
from webapp.extensions import db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)


def _put(client, token, photo_id, data, content_type="image/jpeg"):
    return client.put(f"/api/v1/photos/{photo_id}", data=data, headers={**bearer(token), "Content-Type": content_type})


def _count(table: str) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def test_a_damaged_receipt_is_received_and_flagged_for_the_supervisor_with_its_photo(app, client, make_user):
    small_warehouse()
    boss, ravi = make_user("boss", "supervisor"), make_user("ravi", "receiver")
    notice = {"number": "ASN-1", "pallets": [{"sscc": make_sscc("5012345", 1), "lines": [{"item": "SKU-1", "qty": 6}]}]}
    assert client.post("/api/v1/inbound-shipments", json=notice, headers=bearer(boss)).status_code == 201
    photo_id = str(uuid.uuid4())
    damaged = scan("receive", "SKU-1", 2, to="DOCK-1", ref="ASN-1", condition="damaged", photo=photo_id)
    good = scan("receive", "SKU-1", 4, to="DOCK-1", ref="ASN-1", condition="good")
    # The scan reaches the server before its photo (the outbox sends scans first): it is still applied.
    results = sync(client, ravi, [damaged, good]).get_json()["results"]
    assert [(r["status"], r["flags"]) for r in results] == [("applied", ["damaged"]), ("applied", [])]
    assert _put(client, ravi, photo_id, JPEG).status_code == 201
    assert _put(client, ravi, photo_id, JPEG).status_code == 200  # the outbox retried: nothing new
    assert _put(client, ravi, photo_id, PNG, "image/png").get_json()["error"]["code"] == "idempotency_conflict"
    assert sync(client, ravi, [damaged]).get_json()["results"][0]["status"] == "duplicate"

    numbers = stock(client, boss)
    assert (numbers["on_hand"], numbers["in_transit"], numbers["available"]) == (6, 0, 6)
    exceptions = client.get("/api/v1/exceptions", headers=bearer(boss)).get_json()["items"]
    flagged = [e for e in exceptions if e["code"] == "damaged"]
    assert [(e["ref"], e["photo"], e["location"]) for e in flagged] == [("ASN-1", photo_id, "DOCK-1")]
    got = client.get(f"/api/v1/photos/{photo_id}", headers=bearer(boss))
    assert got.status_code == 200 and got.mimetype == "image/jpeg" and got.data == JPEG
    assert client.get(f"/api/v1/photos/{photo_id}", headers=bearer(ravi)).status_code == 403
    assert client.get(f"/api/v1/photos/{uuid.uuid4()}", headers=bearer(boss)).status_code == 404
    assert _count("photo") == 1
    verify_clean(app)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # no stock moves: one database is enough
def test_a_photo_too_large_or_not_an_image_and_a_bad_condition_are_refused_and_store_nothing(app, client, make_user):
    small_warehouse()
    ravi = make_user("ravi", "receiver")
    photo_id = str(uuid.uuid4())
    too_big = _put(client, ravi, photo_id, JPEG[:4] + bytes(5 * 1024 * 1024))
    assert too_big.status_code == 413 and too_big.get_json()["error"]["code"] == "photo_too_large"
    assert _put(client, ravi, photo_id, b"hello", "text/plain").status_code == 415
    assert _put(client, ravi, photo_id, JPEG, "image/png").get_json()["error"]["code"] == "invalid_image"
    assert _put(client, ravi, photo_id, b"", "image/jpeg").status_code == 400
    assert _put(client, ravi, "not-a-uuid", JPEG).status_code == 400
    assert _count("photo") == 0
    results = sync(client, ravi, [scan("receive", "SKU-1", 1, to="DOCK-1", condition="broken"),
                                  scan("receive", "SKU-1", 1, to="DOCK-1", condition="damaged", photo="x"),
                                  scan("putaway", "SKU-1", 1, from_="DOCK-1", to="A-01", condition="damaged")]
                   ).get_json()["results"]
    assert [(r["status"], r["error"]["code"]) for r in results] == [("rejected", "invalid_movement")] * 3
    assert _count("movement") == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # reads only: one database is enough
def test_a_receivers_tasks_are_the_open_notices_and_purchase_orders_with_what_is_still_open(app, client, make_user):
    small_warehouse()
    boss, ravi, asha = make_user("boss", "supervisor"), make_user("ravi", "receiver"), make_user("asha", "picker")
    client.post("/api/v1/purchase-orders", json={"number": "PO-1", "supplier": "SUP",
                                                 "lines": [{"item": "SKU-1", "qty": 10}, {"item": "SKU-2", "qty": 3}]},
                headers=bearer(boss))
    sscc = make_sscc("5012345", 7)
    client.post("/api/v1/inbound-shipments", json={"number": "ASN-1", "pallets": [{"sscc": sscc, "lines": [
        {"item": "SKU-1", "qty": 4, "purchase_order": "PO-1", "lot": "L1"}, {"item": "SKU-3", "qty": 2}]}]},
        headers=bearer(boss))
    sync(client, ravi, [scan("receive", "SKU-3", 2, to="DOCK-1", ref="ASN-1"),
                        scan("receive", "SKU-2", 3, to="DOCK-1", ref="PO-1")])
    tasks = [t for t in client.get("/api/v1/tasks", headers=bearer(ravi)).get_json()["tasks"] if t["kind"] == "receive"]
    assert [(t["source"], t["ref"]) for t in tasks] == [("inbound_shipment", "ASN-1"), ("purchase_order", "PO-1")]
    notice, po = tasks
    assert [(l["sscc"], l["item"], l["expected"], l["received"], l["open"], l["lot"]) for l in notice["lines"]] == [
        (sscc, "SKU-1", 4, 0, 4, "L1"), (sscc, "SKU-3", 2, 2, 0, None)]
    assert [p["sscc"] for p in notice["pallets"]] == [sscc]
    assert [(l["item"], l["open"]) for l in po["lines"]] == [("SKU-1", 10), ("SKU-2", 0)]
    assert client.get("/api/v1/tasks", headers=bearer(asha)).get_json()["tasks"] == []
    client.post("/api/v1/purchase-orders/PO-1/close", headers=bearer(boss))
    left = [t["ref"] for t in client.get("/api/v1/tasks", headers=bearer(ravi)).get_json()["tasks"]]
    assert left == ["ASN-1"]
