"""Pick, pack and dispatch end to end through the API and POST /api/v1/sync, and the packing slip that scans."""
import subprocess

import pytest
from sqlalchemy import text

from tests.integration.floor import scan, small_warehouse, stock, sync, verify_clean
from tests.needs import tool
from webapp.extensions import db


def _sql(query: str, **params):
    with db.engine.connect() as conn:
        return conn.execute(text(query), params).all()


@pytest.fixture
def outbound(app, client, make_user):
    """Stock of SKU-1 in A-01 (lot L-LATE) and A-03 (lot L-SOON, expires first); SKU-2 in A-02."""
    small_warehouse()
    boss = make_user("maria", "supervisor")
    picker = make_user("asha", "picker")
    sync(client, boss, [scan("receive", qty=10, to="A-01", lot="L-LATE", expiry="2027-06-30"),
                        scan("receive", qty=3, to="A-03", lot="L-SOON", expiry="2027-01-31"),
                        scan("receive", item="SKU-2", qty=10, to="A-02")])
    return {"boss": boss, "picker": picker, "auth": {"Authorization": f"Bearer {boss}"},
            "picker_auth": {"Authorization": f"Bearer {picker}"}}


def _order(client, auth, number, lines, ship_to=None):
    response = client.post("/api/v1/orders", json={"number": number, "lines": lines,
                                                   "ship_to": ship_to or {"name": "Ann Customer", "lines": ["1 High St", "York"]}},
                           headers=auth)
    assert response.status_code == 201 and response.get_json()["state"] == "validated", response.get_json()
    return response.get_json()


def test_released_order_is_allocated_first_expiry_first_and_walked_in_bin_order(client, outbound):
    _order(client, outbound["auth"], "SO-1", [{"item": "SKU-1", "qty": 5}, {"item": "SKU-2", "qty": 2}])
    released = client.post("/api/v1/orders/SO-1/transition", json={"to": "picking"}, headers=outbound["auth"])
    assert released.get_json()["state"] == "picking"
    [task] = client.get("/api/v1/tasks", headers=outbound["picker_auth"]).get_json()["tasks"]
    steps = [(s["location"], s["item"], s["lot"], s["qty"]) for s in task["steps"]]
    # FEFO takes all 3 of the early lot then 2 of the later lot; the walk goes.
    assert steps == [("A-01", "SKU-1", "L-LATE", 2), ("A-02", "SKU-2", None, 2), ("A-03", "SKU-1", "L-SOON", 3)]
    assert {s["tote"] for s in task["steps"]} == {"TOTE-1"}


def test_a_walk_belongs_to_the_picker_who_starts_it(client, make_user, outbound):
    other = make_user("bo", "picker")
    _order(client, outbound["auth"], "SO-1", [{"item": "SKU-2", "qty": 2}])
    client.post("/api/v1/orders/SO-1/transition", json={"to": "picking"}, headers=outbound["auth"])
    assert len(client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {other}"}).get_json()["tasks"]) == 1
    sync(client, outbound["picker"], [scan("pick", item="SKU-2", qty=1, from_="A-02", to="TOTE-1", ref="SO-1")])
    [mine] = client.get("/api/v1/tasks", headers=outbound["picker_auth"]).get_json()["tasks"]
    assert mine["picker"] == "asha"
    assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {other}"}).get_json()["tasks"] == []
    assert len(client.get("/api/v1/tasks", headers=outbound["auth"]).get_json()["tasks"]) == 1  # the supervisor sees all


def test_a_cancelled_order_leaves_the_pick_list_and_picked_goods_are_flagged_back(client, outbound):
    _order(client, outbound["auth"], "SO-1", [{"item": "SKU-2", "qty": 3}])
    client.post("/api/v1/orders/SO-1/transition", json={"to": "picking"}, headers=outbound["auth"])
    sync(client, outbound["picker"], [scan("pick", item="SKU-2", qty=1, from_="A-02", to="TOTE-1", ref="SO-1")])
    cancelled = client.post("/api/v1/orders/SO-1/transition", json={"to": "cancelled", "reason": "customer"},
                            headers=outbound["auth"])
    assert cancelled.get_json()["state"] == "cancelled"
    assert client.get("/api/v1/tasks", headers=outbound["picker_auth"]).get_json()["tasks"] == []
    numbers = stock(client, outbound["boss"], "SKU-2")
    assert (numbers["reserved"], numbers["committed"], numbers["available"]) == (0, 0, 10)
    codes = {e["code"] for e in client.get("/api/v1/exceptions", headers=outbound["auth"]).get_json()["items"]}
    assert "return_to_stock" in codes


def test_batch_picking_puts_each_order_in_its_own_tote(client, outbound):
    _order(client, outbound["auth"], "SO-1", [{"item": "SKU-2", "qty": 2}])
    _order(client, outbound["auth"], "SO-2", [{"item": "SKU-2", "qty": 3}])
    task = client.post("/api/v1/pick-tasks", json={"orders": ["SO-1", "SO-2"]}, headers=outbound["auth"]).get_json()
    assert task["orders"] == ["SO-1", "SO-2"]
    totes = {s["order"]: s["tote"] for s in task["steps"]}
    assert totes == {"SO-1": "TOTE-1", "SO-2": "TOTE-2"}


def test_short_pick_is_reallocated_to_another_bin_and_the_short_bin_gets_a_count(app, client, outbound):
    _order(client, outbound["auth"], "SO-1", [{"item": "SKU-1", "qty": 2}])
    client.post("/api/v1/orders/SO-1/transition", json={"to": "picking"}, headers=outbound["auth"])
    [task] = client.get("/api/v1/tasks", headers=outbound["picker_auth"]).get_json()["tasks"]
    assert [(s["location"], s["qty"]) for s in task["steps"]] == [("A-03", 2)]
    result = sync(client, outbound["picker"], [scan("short", qty=2, from_="A-03", ref="SO-1")]).get_json()["results"][0]
    assert result["status"] == "applied"
    [task] = client.get("/api/v1/tasks", headers=outbound["picker_auth"]).get_json()["tasks"]
    assert [(s["location"], s["qty"], s["status"]) for s in task["steps"] if s["status"] == "open"] == [("A-01", 2, "open")]
    # The short bin gets a real count: frozen, with the count's state and why.
    assert _sql("SELECT l.code, c.state, c.origin, l.frozen FROM stock_count c JOIN count_location cl ON cl.count_id = c.id "
                "JOIN location l ON l.id = cl.location_id") == [("A-03", "counting", "short_pick", True)]
    codes = {e["code"] for e in client.get("/api/v1/exceptions", headers=outbound["auth"]).get_json()["items"]}
    assert "short_pick" in codes
    assert stock(client, outbound["boss"])["on_hand"] == 13  # a short pick changes no stock: the count will
    verify_clean(app)


def test_short_pick_with_no_other_bin_backorders_the_line(client, outbound):
    _order(client, outbound["auth"], "SO-1", [{"item": "SKU-2", "qty": 10}])
    client.post("/api/v1/orders/SO-1/transition", json={"to": "picking"}, headers=outbound["auth"])
    sync(client, outbound["picker"], [scan("short", item="SKU-2", qty=4, from_="A-02", ref="SO-1")])
    exceptions = client.get("/api/v1/exceptions", headers=outbound["auth"]).get_json()["items"]
    assert any(e["code"] == "line_backordered" and "4 short" in e["detail"] for e in exceptions), exceptions


def test_full_order_release_pick_pack_dispatch_through_sync_leaves_nothing_held(app, client, outbound):
    _order(client, outbound["auth"], "SO-9", [{"item": "SKU-1", "qty": 5}, {"item": "SKU-2", "qty": 2}],
           ship_to={"name": "<b>Evil</b> & Co", "lines": ["1 <i>Road</i>"]})
    client.post("/api/v1/orders/SO-9/transition", json={"to": "picking"}, headers=outbound["auth"])
    [task] = client.get("/api/v1/tasks", headers=outbound["picker_auth"]).get_json()["tasks"]
    picks = [scan("pick", item=s["item"], qty=s["qty"], from_=s["location"], to=s["tote"], ref="SO-9") for s in task["steps"]]
    assert all(r["status"] == "applied" and not r["flags"] for r in sync(client, outbound["picker"], picks).get_json()["results"])
    numbers = stock(client, outbound["boss"])
    assert (numbers["reserved"], numbers["committed"]) == (0, 5)
    assert client.get("/api/v1/tasks", headers=outbound["picker_auth"]).get_json()["tasks"] == []
    carton = client.post("/api/v1/cartons", json={"order": "SO-9", "station": "PACK-1"}, headers=outbound["picker_auth"])
    sscc = carton.get_json()["sscc"]
    from webapp.domain.checkdigit import has_valid_check_digit

    assert len(sscc) == 18 and has_valid_check_digit(sscc)
    packs = [scan("pack", item="SKU-1", qty=5, from_="TOTE-1", to=sscc, ref="SO-9"),
             scan("pack", item="SKU-2", qty=2, from_="TOTE-1", to=sscc, ref="SO-9")]
    assert all(r["status"] == "applied" for r in sync(client, outbound["picker"], packs).get_json()["results"])
    closed = client.post(f"/api/v1/cartons/{sscc}/close", json={"weight_g": 2350}, headers=outbound["picker_auth"])
    assert closed.status_code == 200 and {c["item"]: c["qty"] for c in closed.get_json()["contents"]} == {"SKU-1": 5, "SKU-2": 2}
    order = client.get("/api/v1/orders/SO-9", headers=outbound["auth"]).get_json()
    assert order["state"] == "packed"
    # The packing slip: its order barcode and the carton's SSCC scan back.
    slip = client.get("/orders/SO-9/packing-slip.pdf", headers=outbound["picker_auth"])
    assert slip.status_code == 200 and slip.mimetype == "application/pdf"
    decoded, slip_text = _decode_pdf(slip.data)
    assert "SO-9" in decoded and any(sscc in d for d in decoded)
    assert "<b>Evil</b> & Co" in slip_text and "<i>Road</i>" in slip_text
    # Dispatch at the dock: one scan of the carton's SSCC (as a GS1-128 reader gives it) issues its contents.
    assert client.get("/api/v1/totes/TOTE-1", headers=outbound["picker_auth"]).get_json() == {"tote": "TOTE-1", "orders": ["SO-9"]}
    assert [c["sscc"] for c in client.get("/api/v1/orders/SO-9", headers=outbound["auth"]).get_json()["cartons"]] == [sscc]
    wrong_door = sync(client, outbound["picker"], [{**scan("dispatch", qty=1, from_="00" + sscc, to="A-01"), "item": None}])
    assert wrong_door.get_json()["results"][0]["error"]["code"] == "invalid_location"
    dispatch = {**scan("dispatch", qty=1, from_="00" + sscc, to="DOCK-1"), "item": None}
    result = sync(client, outbound["picker"], [dispatch]).get_json()
    assert result["results"][0]["status"] == "applied", result
    assert set(_sql("SELECT l.code FROM movement m JOIN location l ON l.id = m.to_location_id WHERE m.kind = 'dispatch'")) == {("DOCK-1",)}
    order = client.get("/api/v1/orders/SO-9", headers=outbound["auth"]).get_json()
    assert order["state"] == "dispatched"
    for sku, left in (("SKU-1", 8), ("SKU-2", 8)):
        numbers = stock(client, outbound["boss"], sku)
        assert (numbers["on_hand"], numbers["reserved"], numbers["committed"]) == (left, 0, 0), sku
    # The same dispatch scan retried (its answer lost) is a duplicate of the first, not a second issue nor a reject.
    [again] = sync(client, outbound["picker"], [dispatch]).get_json()["results"]
    assert (again["status"], again.get("seq")) == ("duplicate", result["results"][0]["seq"]), again
    assert stock(client, outbound["boss"])["on_hand"] == 8
    verify_clean(app)


def _decode_pdf(pdf: bytes) -> tuple[list[str], str]:
    import tempfile
    from pathlib import Path

    from PIL import Image
    from pyzbar.pyzbar import decode

    pdftoppm, pdftotext = tool("pdftoppm", "poppler-utils"), tool("pdftotext", "poppler-utils")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "slip.pdf"
        path.write_bytes(pdf)
        subprocess.run([pdftoppm, "-r", "200", "-png", str(path), str(Path(tmp) / "page")], check=True)
        decoded = []
        for page in sorted(Path(tmp).glob("page*.png")):
            with Image.open(page) as image:
                decoded += [symbol.data.decode() for symbol in decode(image)]
        text_out = subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                                  text=True).stdout
    return decoded, text_out
