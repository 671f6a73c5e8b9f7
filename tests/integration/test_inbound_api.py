"""Inbound master data over the API: suppliers, items that carry a supplier, zone and category, and purchase
orders read, received against and closed (short-close: what is still open leaves in transit)."""
from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, stock, sync, verify_clean


def _po(client, token, number="PO-7", lines=(("SKU-1", 10), ("SKU-2", 4)), **extra):
    response = client.post("/api/v1/purchase-orders", json={
        "number": number, "supplier": "SUP", "lines": [{"item": i, "qty": q} for i, q in lines], **extra},
        headers=bearer(token))
    assert response.status_code == 201, response.get_json()


def test_an_integration_keeps_suppliers_and_items_with_supplier_zone_and_category(client, make_user):
    small_warehouse()
    erp = make_user("erp", "integration")
    created = client.post("/api/v1/suppliers", json={"code": "FROSTY", "name": "Frosty Foods", "lead_time_days": 3},
                          headers=bearer(erp))
    assert created.status_code == 201 and created.get_json()["lead_time_days"] == 3
    assert client.post("/api/v1/suppliers", json={"code": "FROSTY", "name": "again"},
                       headers=bearer(erp)).get_json()["error"]["code"] == "supplier_exists"
    changed = client.patch("/api/v1/suppliers/FROSTY", json={"lead_time_days": 5}, headers=bearer(erp))
    assert changed.get_json() == {"code": "FROSTY", "name": "Frosty Foods", "lead_time_days": 5}
    assert [s["code"] for s in client.get("/api/v1/suppliers", headers=bearer(erp)).get_json()["items"]] == \
        ["SUP", "FROSTY"]

    item = client.post("/api/v1/items", json={"sku": "PEAS-1", "name": "Frozen peas", "supplier": "FROSTY",
                                              "temperature": "frozen", "category": "vegetables"}, headers=bearer(erp))
    assert item.status_code == 201, item.get_json()
    assert {k: item.get_json()[k] for k in ("supplier", "temperature", "category")} == \
        {"supplier": "FROSTY", "temperature": "frozen", "category": "vegetables"}

    patched = client.patch("/api/v1/items/PEAS-1", json={"temperature": "chilled", "category": "fresh",
                                                         "barcodes": ["5012345999994"], "name": "Garden peas"},
                           headers=bearer(erp))
    assert patched.status_code == 200, patched.get_json()
    body = patched.get_json()
    assert (body["name"], body["temperature"], body["category"], body["barcodes"]) == \
        ("Garden peas", "chilled", "fresh", ["05012345999994"])
    assert client.get("/api/v1/items/5012345999994", headers=bearer(erp)).get_json()["sku"] == "PEAS-1"


def test_a_field_an_item_endpoint_does_not_know_is_400_and_creates_nothing(client, make_user):
    small_warehouse()
    erp = make_user("erp", "integration")
    for method, url, body in (("post", "/api/v1/items", {"sku": "X-1", "name": "X", "colour": "red"}),
                              ("patch", "/api/v1/items/SKU-1", {"colour": "red"}),
                              ("patch", "/api/v1/items/SKU-1", {"sku": "SKU-9"})):
        response = getattr(client, method)(url, json=body, headers=bearer(erp))
        assert response.status_code == 400, (url, body)
        assert response.get_json()["error"]["code"] == "unknown_field"
    assert client.get("/api/v1/items/X-1", headers=bearer(erp)).status_code == 404
    assert client.post("/api/v1/items", json={"sku": "X-2", "name": "X", "supplier": "NOPE"},
                       headers=bearer(erp)).get_json()["error"]["code"] == "unknown_supplier"


def test_a_purchase_order_reads_its_lines_and_a_receipt_lowers_what_is_open(client, make_user, app):
    small_warehouse()
    boss, ravi = make_user("boss", "supervisor"), make_user("ravi", "receiver")
    _po(client, boss, expected_at="2026-12-01")  # a date is enough
    receipt = scan("receive", "SKU-1", 4, to="DOCK-1", ref="PO-7")
    assert sync(client, ravi, [receipt]).get_json()["results"][0]["status"] == "applied"
    assert sync(client, ravi, [receipt]).get_json()["results"][0]["status"] == "duplicate"  # replayed: once
    po = client.get("/api/v1/purchase-orders/PO-7", headers=bearer(ravi)).get_json()
    assert po["state"] == "open" and po["expected_at"].startswith("2026-12-01T00:00:00")
    assert [(l["item"], l["ordered"], l["received"], l["open"]) for l in po["lines"]] == [
        ("SKU-1", 10, 4, 6), ("SKU-2", 4, 0, 4)]
    assert stock(client, boss, "SKU-1")["in_transit"] == 6
    listed = client.get("/api/v1/purchase-orders?state=open&supplier=SUP", headers=bearer(ravi)).get_json()
    assert [p["number"] for p in listed["items"]] == ["PO-7"]
    assert client.get("/api/v1/purchase-orders?state=closed", headers=bearer(ravi)).get_json()["items"] == []
    verify_clean(app)


def test_short_closing_a_purchase_order_takes_what_is_open_out_of_transit_and_flags_the_short_lines(client, make_user,
                                                                                                   app):
    small_warehouse()
    boss, ravi = make_user("boss", "supervisor"), make_user("ravi", "receiver")
    _po(client, boss)
    sync(client, ravi, [scan("receive", "SKU-1", 10, to="DOCK-1", ref="PO-7"),
                        scan("receive", "SKU-2", 1, to="DOCK-1", ref="PO-7")])
    assert (stock(client, boss, "SKU-1")["in_transit"], stock(client, boss, "SKU-2")["in_transit"]) == (0, 3)

    assert client.post("/api/v1/purchase-orders/PO-7/close", json={}, headers=bearer(ravi)).status_code == 403
    closed = client.post("/api/v1/purchase-orders/PO-7/close", json={"reason": "supplier out of stock"},
                         headers=bearer(boss))
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["state"] == "closed" and [l["open"] for l in closed.get_json()["lines"]] == [0, 0]
    assert (stock(client, boss, "SKU-2")["in_transit"], stock(client, boss, "SKU-2")["on_hand"]) == (0, 1)
    exceptions = client.get("/api/v1/exceptions", headers=bearer(boss)).get_json()["items"]
    assert [(e["code"], e["ref"]) for e in exceptions if e["code"] == "under_receipt"] == [("under_receipt", "PO-7")]
    again = client.post("/api/v1/purchase-orders/PO-7/close", headers=bearer(boss))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "purchase_order_closed"
    # A late delivery after the close is a floor fact: applied, and it no longer counts against the order.
    late = sync(client, ravi, [scan("receive", "SKU-2", 3, to="DOCK-1", ref="PO-7")]).get_json()["results"][0]
    assert late["status"] == "applied"
    assert stock(client, boss, "SKU-2")["in_transit"] == 0
    verify_clean(app)  # rebuild agrees: a closed order holds nothing in transit


def test_an_item_put_away_into_another_temperature_zone_is_applied_and_flagged_wrong_zone(client, make_user, app):
    small_warehouse()
    admin, ravi = make_user("admin", "admin"), make_user("ravi", "receiver")
    for code, kind, parent, zone in (("WH1-FRZ", "zone", "WH1", "frozen"), ("F-01", "bin", "WH1-FRZ", None),
                                     ("WH1-AMB", "zone", "WH1", "ambient"), ("M-01", "bin", "WH1-AMB", None)):
        body = {"code": code, "kind": kind, "parent": parent, **({"temperature": zone} if zone else {})}
        created = client.post("/api/v1/locations", json=body, headers=bearer(admin))
        assert created.status_code == 201, created.get_json()
    assert created.get_json()["temperature"] == "ambient"  # a bin takes its zone's temperature
    assert client.post("/api/v1/items", json={"sku": "ICE-1", "name": "Ice cream", "temperature": "frozen"},
                       headers=bearer(admin)).status_code == 201

    results = sync(client, ravi, [scan("receive", "ICE-1", 6, to="DOCK-1"),  # a dock has no zone: fine
                                  scan("putaway", "ICE-1", 2, from_="DOCK-1", to="F-01"),
                                  scan("putaway", "ICE-1", 3, from_="DOCK-1", to="M-01")]).get_json()["results"]
    assert [(r["status"], r["flags"]) for r in results] == [
        ("applied", []), ("applied", []), ("applied", ["wrong_zone"])]
    exceptions = client.get("/api/v1/exceptions", headers=bearer(admin)).get_json()["items"]
    assert [e["code"] for e in exceptions] == ["wrong_zone"]
    verify_clean(app)


def test_stock_in_quarantine_is_on_hand_but_never_available_until_it_is_restocked(client, make_user, app):
    small_warehouse()
    admin, ravi = make_user("admin", "admin"), make_user("ravi", "receiver")
    assert client.post("/api/v1/locations", json={"code": "Q-1", "kind": "quarantine", "parent": "WH1"},
                       headers=bearer(admin)).status_code == 201
    results = sync(client, ravi, [scan("receive", "SKU-1", 5, to="A-01"),
                                  scan("return", "SKU-1", 3, to="Q-1", ref="RET-1")]).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    numbers = stock(client, admin)
    assert (numbers["on_hand"], numbers["quarantined"], numbers["available"]) == (8, 3, 5)

    refused = client.post("/api/v1/reservations", json={"item": "SKU-1", "qty": 6, "ref": "R-1"}, headers=bearer(admin))
    assert refused.status_code == 409 and refused.get_json()["error"]["available"] == 5
    sync(client, ravi, [scan("transfer", "SKU-1", 2, from_="Q-1", to="A-02")])  # two restocked after inspection
    numbers = stock(client, admin)
    assert (numbers["on_hand"], numbers["quarantined"], numbers["available"]) == (8, 1, 7)
    assert client.post("/api/v1/reservations", json={"item": "SKU-1", "qty": 6, "ref": "R-1"},
                       headers=bearer(admin)).status_code == 201
    verify_clean(app)  # the rebuild counts quarantine the same way


def test_putaway_suggests_the_bin_already_holding_the_item_then_empty_bins_of_its_zone(client, make_user):
    small_warehouse()
    admin, ravi = make_user("admin", "admin"), make_user("ravi", "receiver")
    client.post("/api/v1/locations", json={"code": "WH1-FRZ", "kind": "zone", "parent": "WH1", "temperature": "frozen"},
                headers=bearer(admin))
    for n in (3, 1, 2):
        client.post("/api/v1/locations", json={"code": f"F-0{n}", "kind": "bin", "parent": "WH1-FRZ"},
                    headers=bearer(admin))
    client.post("/api/v1/items", json={"sku": "ICE-1", "name": "Ice cream", "temperature": "frozen"},
                headers=bearer(admin))
    suggested = client.get("/api/v1/putaway-suggestions?item=ICE-1", headers=bearer(ravi)).get_json()
    assert suggested["bins"] == ["F-01", "F-02", "F-03"]  # none holds it yet: empty frozen bins, never ambient
    sync(client, ravi, [scan("receive", "ICE-1", 4, to="F-03"), scan("receive", "SKU-1", 1, to="F-01")])
    suggested = client.get("/api/v1/putaway-suggestions?item=ICE-1", headers=bearer(ravi)).get_json()
    assert suggested["bins"] == ["F-03", "F-02"]  # with the ice cream already there; F-01 is no longer empty
    assert client.get("/api/v1/putaway-suggestions?item=NOPE", headers=bearer(ravi)).status_code == 404
    assert client.get("/api/v1/putaway-suggestions?item=ICE-1", headers=bearer(make_user("asha", "picker"))
                      ).status_code == 403
