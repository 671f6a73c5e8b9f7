"""A short pick leads somewhere: the backordered rest is carried to packing ("to follow"), the order is packed
with what is there, the packing slip lists what follows, and dispatching the partial order is flagged."""
import subprocess
import tempfile
from pathlib import Path

from tests.integration.floor import scan, sync
from tests.integration.test_outbound import _order, outbound  # noqa: F401  (the fixture)
from tests.needs import tool


def _pdf_text(pdf: bytes) -> str:
    pdftotext = tool("pdftotext", "poppler-utils")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "slip.pdf"
        path.write_bytes(pdf)
        return subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout


def test_an_order_short_by_one_is_packed_with_what_is_there_and_its_slip_says_one_to_follow(client, outbound):  # noqa: F811
    auth, picker = outbound["auth"], outbound["picker"]
    _order(client, auth, "SO-7", [{"item": "SKU-2", "qty": 3}, {"item": "SKU-1", "qty": 1}])
    client.post("/api/v1/orders/SO-7/transition", json={"to": "picking"}, headers=auth)
    [task] = client.get("/api/v1/tasks", headers=outbound["picker_auth"]).get_json()["tasks"]
    steps = {s["item"]: s for s in task["steps"]}
    lines = client.get("/api/v1/orders/SO-7", headers=auth).get_json()["lines"]
    assert [l["to_follow"] for l in lines] == [0, 0]  # released, nothing short yet

    # Only 2 of the 3 in A-02, and no other bin holds SKU-2: 1 is backordered.
    results = sync(client, picker, [
        scan("pick", item="SKU-2", qty=2, from_="A-02", to="TOTE-1", ref="SO-7"),
        scan("short", item="SKU-2", qty=1, from_="A-02", ref="SO-7"),
        scan("pick", item="SKU-1", qty=1, from_=steps["SKU-1"]["location"], to="TOTE-1", ref="SO-7")]).get_json()["results"]
    assert {r["status"] for r in results} == {"applied"}, results
    order = client.get("/api/v1/orders/SO-7", headers=auth).get_json()
    assert [(l["item"], l["picked"], l["to_follow"]) for l in order["lines"]] == [("SKU-2", 2, 1), ("SKU-1", 1, 0)]

    sscc = client.post("/api/v1/cartons", json={"order": "SO-7", "station": "PACK-1"},
                       headers=outbound["picker_auth"]).get_json()["sscc"]
    packed = sync(client, picker, [scan("pack", item="SKU-2", qty=2, from_="TOTE-1", to=sscc, ref="SO-7"),
                                   scan("pack", item="SKU-1", qty=1, from_="TOTE-1", to=sscc, ref="SO-7")]).get_json()
    assert {r["status"] for r in packed["results"]} == {"applied"}
    assert client.post(f"/api/v1/cartons/{sscc}/close", json={}, headers=outbound["picker_auth"]).status_code == 200
    assert client.get("/api/v1/orders/SO-7", headers=auth).get_json()["state"] == "packed"  # what is there is packed

    slip = client.get("/orders/SO-7/packing-slip.pdf", headers=outbound["picker_auth"])
    text = _pdf_text(slip.data)
    assert "to follow" in text.lower() and "1 to follow" in text

    dispatched = sync(client, picker, [{**scan("dispatch", qty=1, from_="00" + sscc, to="DOCK-1"), "item": None}]).get_json()
    [result] = dispatched["results"]
    assert result["status"] == "applied" and "partial_order" in result["flags"]  # allowed, and said


def test_a_complete_order_dispatches_without_a_partial_flag(client, outbound):  # noqa: F811
    auth, picker = outbound["auth"], outbound["picker"]
    _order(client, auth, "SO-8", [{"item": "SKU-2", "qty": 2}])
    client.post("/api/v1/orders/SO-8/transition", json={"to": "picking"}, headers=auth)
    sync(client, picker, [scan("pick", item="SKU-2", qty=2, from_="A-02", to="TOTE-1", ref="SO-8")])
    sscc = client.post("/api/v1/cartons", json={"order": "SO-8", "station": "PACK-1"},
                       headers=outbound["picker_auth"]).get_json()["sscc"]
    sync(client, picker, [scan("pack", item="SKU-2", qty=2, from_="TOTE-1", to=sscc, ref="SO-8")])
    client.post(f"/api/v1/cartons/{sscc}/close", json={}, headers=outbound["picker_auth"])
    [result] = sync(client, picker, [{**scan("dispatch", qty=1, from_="00" + sscc, to="DOCK-1"), "item": None}]).get_json()["results"]
    assert result["status"] == "applied" and "partial_order" not in result["flags"]
    assert client.get("/api/v1/orders/SO-8", headers=auth).get_json()["state"] == "dispatched"
