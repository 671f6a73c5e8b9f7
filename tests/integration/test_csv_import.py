"""CSV imports (issues 14 and 18): a dry run names every bad row and changes nothing; the import creates exactly
the good ones, once; a repeated import creates nothing and says so."""
import pytest
from sqlalchemy import func, select

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, stock, sync, verify_clean

CSV = {"Content-Type": "text/csv"}

# Excel's "CSV UTF-8": a BOM and CRLF. One row is Latin-1 (Déa), as a file pasted together from two exports is.
ORDERS_FILE = ("\ufeffnumber,item,qty,unit_price,ship_to_name\r\n"
               "SO-CSV-1,SKU-1,3,1.50,Ann\r\n"          # row 2  good
               "SO-CSV-1,SKU-2,2,,Ann\r\n"              # row 3  good (same order)
               "SO-CSV-2,NOPE-9,1,,Bo\r\n"              # row 4  unknown item
               "SO-CSV-2,SKU-1,1,,Bo\r\n"               # row 5  its order has a bad row
               "SO-CSV-3,SKU-1,zero,,Cy\r\n"            # row 6  bad quantity
               ).encode() + "SO-CSV-4,SKU-1,2,,Déa\r\n".encode("latin-1") + (  # row 7 wrong encoding
               b"SO-CSV-5,SKU-2,1,,Ed\r\n"               # row 8  one number, two addresses
               b"SO-CSV-5,SKU-1,1,,Fay\r\n"              # row 9
               b"\r\n"                                   # a blank row is no row
               b"SO-CSV-6,SKU-1,100,,Gus\r\n"            # row 11 good: more than there is → backordered
               b"SO-CSV-7,SKU-1,1000001,,Hal\r\n"        # row 12 over the API's limit
               b'"=HYPERLINK(""http://x"")",SKU-1,1,,Ivy\r\n'  # row 13 good, and its number is only text
               )
EXPECTED_BAD = [(4, "SO-CSV-2", "unknown_item"), (5, "SO-CSV-2", "number_has_bad_row"),
                (6, "SO-CSV-3", "invalid_quantity"), (7, "SO-CSV-4", "wrong_encoding"),
                (8, "SO-CSV-5", "duplicate_number"), (9, "SO-CSV-5", "duplicate_number"),
                (12, "SO-CSV-7", "invalid_quantity")]
GOOD_ORDERS = ["SO-CSV-1", "SO-CSV-6", '=HYPERLINK("http://x")']


def _import(client, token, kind, data, dry_run=False):
    return client.post(f"/api/v1/imports/{kind}" + ("?dry_run=true" if dry_run else ""), data=data,
                       headers={**bearer(token), **CSV})


def _order_count():
    from webapp.db.order_tables import SalesOrder
    from webapp.extensions import db

    with db.unit_of_work() as s:
        return s.scalar(select(func.count()).select_from(SalesOrder))


def test_an_order_file_is_checked_row_by_row_then_imported_once_with_its_stock_reserved(app, client, make_user):
    small_warehouse()
    boss = make_user("boss", "supervisor")
    received = sync(client, boss, [scan("receive", "SKU-1", 10, to="A-01"), scan("receive", "SKU-2", 5, to="A-02")])
    assert [r["status"] for r in received.get_json()["results"]] == ["applied", "applied"]

    check = _import(client, boss, "orders", ORDERS_FILE, dry_run=True)
    assert check.status_code == 200, check.get_json()
    report = check.get_json()
    assert [(b["row"], b["number"], b["code"]) for b in report["bad"]] == EXPECTED_BAD
    assert (report["rows"], report["good"]) == (11, 4)
    assert report["would_create"] == GOOD_ORDERS and report["already_there"] == []
    reasons = {b["row"]: b["reason"] for b in report["bad"]}
    assert "NOPE-9" in reasons[4] and "row 4" in reasons[5] and "zero" in reasons[6] and "ship_to_name" in reasons[8]
    # The dry run changed nothing: no order, nothing reserved.
    assert _order_count() == 0
    assert (stock(client, boss, "SKU-1")["reserved"], stock(client, boss, "SKU-2")["reserved"]) == (0, 0)

    first = _import(client, boss, "orders", ORDERS_FILE)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["created"] == GOOD_ORDERS and first.get_json()["bad"] == report["bad"]
    assert _order_count() == 3
    one = client.get("/api/v1/orders/SO-CSV-1", headers=bearer(boss)).get_json()
    assert one["state"] == "validated" and one["ship_to"] == {"name": "Ann"}
    assert [(l["item"], l["qty"], l["reserved"], l["unit_price"]) for l in one["lines"]] == \
        [("SKU-1", 3, 3, "1.50"), ("SKU-2", 2, 2, None)]
    assert client.get("/api/v1/orders/SO-CSV-6", headers=bearer(boss)).get_json()["state"] == "backordered"
    assert (stock(client, boss, "SKU-1")["reserved"], stock(client, boss, "SKU-2")["reserved"]) == (4, 2)

    again = _import(client, boss, "orders", ORDERS_FILE).get_json()
    assert (again["created"], again["already_there"]) == ([], GOOD_ORDERS)
    assert _order_count() == 3
    assert (stock(client, boss, "SKU-1")["reserved"], stock(client, boss, "SKU-2")["reserved"]) == (4, 2)

    # The same number with other content is that number's bad row; the rest of the file still goes in.
    changed = _import(client, boss, "orders", b"number,item,qty\nSO-CSV-1,SKU-1,4\nSO-CSV-8,SKU-2,1\n").get_json()
    assert [(b["row"], b["code"]) for b in changed["bad"]] == [(2, "idempotency_conflict")]
    assert changed["created"] == ["SO-CSV-8"]
    assert (stock(client, boss, "SKU-1")["reserved"], stock(client, boss, "SKU-2")["reserved"]) == (4, 3)
    verify_clean(app)


def test_an_order_imported_by_csv_is_the_same_order_the_api_takes(client, make_user):
    small_warehouse()
    desk = make_user("desk", "integration")
    sync(client, make_user("rx", "receiver"), [scan("receive", "SKU-1", 5, to="A-01")])
    made = client.post("/api/v1/orders", json={"number": "SO-API", "lines": [{"item": "SKU-1", "qty": 2}]},
                       headers=bearer(desk))
    assert made.status_code == 201
    report = _import(client, desk, "orders", b"number,item,qty\nSO-API,SKU-1,2\n").get_json()
    assert (report["created"], report["already_there"], report["bad"]) == ([], ["SO-API"], [])


def test_purchase_orders_by_csv_count_in_transit_once(app, client, make_user):
    small_warehouse()
    buyer = make_user("buyer", "supervisor")
    data = (b"number,supplier,item,qty,expected_at\n"
            b"PO-CSV-1,SUP,SKU-1,10,2026-12-01\n"
            b"PO-CSV-1,SUP,5012345000022,2,2026-12-01\n"   # SKU-2 by its barcode
            b"PO-CSV-2,NOBODY,SKU-1,5,\n"
            b"PO-CSV-3,SUP,SKU-2,3,someday\n")
    check = _import(client, buyer, "purchase-orders", data, dry_run=True).get_json()
    assert [(b["row"], b["code"]) for b in check["bad"]] == [(4, "unknown_supplier"), (5, "invalid_field")]
    assert check["would_create"] == ["PO-CSV-1"] and stock(client, buyer, "SKU-1")["in_transit"] == 0

    for _ in range(2):
        _import(client, buyer, "purchase-orders", data)
    assert (stock(client, buyer, "SKU-1")["in_transit"], stock(client, buyer, "SKU-2")["in_transit"]) == (10, 2)
    po = client.get("/api/v1/purchase-orders/PO-CSV-1", headers=bearer(buyer)).get_json()
    assert [(l["item"], l["ordered"]) for l in po["lines"]] == [("SKU-1", 10), ("SKU-2", 2)]
    assert po["expected_at"].startswith("2026-12-01")
    third = _import(client, buyer, "purchase-orders", data).get_json()
    assert third["already_there"] == ["PO-CSV-1"] and third["created"] == []
    other = _import(client, buyer, "purchase-orders", b"number,supplier,item,qty\nPO-CSV-1,SUP,SKU-1,11\n").get_json()
    assert [b["code"] for b in other["bad"]] == ["idempotency_conflict"] and "lines" in other["bad"][0]["reason"]
    assert stock(client, buyer, "SKU-1")["in_transit"] == 10
    verify_clean(app)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # catalogue rows only, no stock
def test_an_item_file_creates_each_good_sku_once_and_names_each_bad_row(client, make_user):
    small_warehouse()
    admin = make_user("admin", "admin")
    data = (b"sku,name,barcodes,abc_class,temperature,supplier,unit_cost\n"
            b"PEAS-1,Frozen peas,5012345999994;5012345999982,A,frozen,SUP,1.25\n"
            b"PEAS-1,Frozen peas,5012345999994;5012345999982,A,frozen,SUP,1.25\n"  # the same twice: one item
            b"BEAN-1,Beans,,D,ambient,,\n"
            b"CORN-1,Corn,,B,ambient,NOBODY,\n"
            b"RICE-1,Rice,,C,ambient,,0.80\n"
            b"RICE-1,Rice 1kg,,C,ambient,,0.80\n"
            b"SKU-1,Item 1,,,,,\n")
    check = _import(client, admin, "items", data, dry_run=True).get_json()
    assert [(b["row"], b["code"]) for b in check["bad"]] == [
        (4, "invalid_field"), (5, "unknown_supplier"), (6, "duplicate_number"), (7, "duplicate_number")]
    assert (check["would_create"], check["already_there"]) == (["PEAS-1"], ["SKU-1"])
    assert client.get("/api/v1/items/PEAS-1", headers=bearer(admin)).status_code == 404

    for _ in range(2):
        report = _import(client, admin, "items", data).get_json()
    assert (report["created"], report["already_there"]) == ([], ["PEAS-1", "SKU-1"])
    peas = client.get("/api/v1/items/5012345999982", headers=bearer(admin)).get_json()
    assert (peas["sku"], peas["abc_class"], peas["temperature"], peas["supplier"], peas["unit_cost"]) == \
        ("PEAS-1", "A", "frozen", "SUP", 1.25)
    renamed = _import(client, admin, "items", b"sku,name\nPEAS-1,Garden peas\n").get_json()
    assert [(b["code"], "name" in b["reason"]) for b in renamed["bad"]] == [("idempotency_conflict", True)]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # refusals before any row is read
def test_a_file_that_cannot_be_read_is_refused_whole_and_changes_nothing(client, make_user):
    small_warehouse()
    admin, boss = make_user("admin", "admin"), make_user("boss", "supervisor")
    missing = _import(client, admin, "orders", b"number,item\nSO-1,SKU-1\n")
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "missing_column"
    assert missing.get_json()["error"]["missing"] == ["qty"]
    unknown = _import(client, admin, "orders", b"number,item,qty,colour\n").get_json()["error"]
    assert unknown["code"] == "unknown_column" and unknown["column"] == "colour"
    assert _import(client, admin, "orders", b"").get_json()["error"]["code"] == "empty_file"
    big = _import(client, admin, "orders", b"number,item,qty\n" + b"SO-9,SKU-1,1\n" * 200_000)
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "file_too_large"
    many = _import(client, admin, "orders", b"number,item,qty\n" + b"SO-9,SKU-1,1\n" * 1001)
    assert many.status_code == 413 and many.get_json()["error"]["code"] == "too_many_rows"
    wrong_type = client.post("/api/v1/imports/orders", json={"number": "SO-1"}, headers=bearer(admin))
    assert wrong_type.status_code == 415
    assert client.post("/api/v1/imports/orders?dry_run=maybe", data=b"number,item,qty\n",
                       headers={**bearer(admin), **CSV}).status_code == 400
    # Items are catalogue work: a supervisor imports orders, not items.
    assert _import(client, boss, "items", b"sku,name\nX-1,X\n").status_code == 403
    assert _order_count() == 0


def test_one_file_imported_twice_at_the_same_moment_creates_each_number_once(app, make_user):
    """Two office PCs send the same files at once: real concurrent requests, each in its own transaction. The
    second waits on the first one's new rows and then finds them there (never a 500, never a second copy)."""
    import threading

    small_warehouse()
    admin = make_user("admin", "admin")
    skus = [f"TWIN-{n:03d}" for n in range(40)]
    files = {"items": ("sku,name\n" + "".join(f"{s},Twin {s}\n" for s in skus)).encode(),
             "orders": ("number,item,qty\n" + "".join(f"SO-T{n},SKU-1,1\n" for n in range(40))).encode(),
             "purchase-orders": ("number,supplier,item,qty\n" + "".join(f"PO-T{n},SUP,SKU-2,2\n" for n in range(40))).encode()}
    for kind, data in files.items():
        answers, start = [], threading.Barrier(2)

        def send(kind=kind, data=data, answers=answers, start=start):
            start.wait()
            answers.append(_import(app.test_client(), admin, kind, data))

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert [a.status_code for a in answers] == [200, 200], [a.get_data()[:300] for a in answers]
        reports = [a.get_json() for a in answers]
        assert all(r["bad"] == [] for r in reports), reports
        created = sorted(reports[0]["created"] + reports[1]["created"])
        assert len(created) == 40 and len(set(created)) == 40, kind
        assert sorted(reports[0]["already_there"] + reports[1]["already_there"]) == created
    admin_client = app.test_client()
    assert stock(admin_client, admin, "SKU-2")["in_transit"] == 80
    assert _order_count() == 40


def test_advance_ship_notices_by_csv_count_in_transit_once_and_name_each_bad_row(app, client, make_user):
    from webapp.domain.sscc import make_sscc

    small_warehouse()
    buyer = make_user("buyer", "supervisor")
    po = client.post("/api/v1/purchase-orders", json={"number": "PO-1", "supplier": "SUP",
                                                      "lines": [{"item": "SKU-1", "qty": 10}]}, headers=bearer(buyer))
    assert po.status_code == 201, po.get_json()
    p1, p2, p3 = (make_sscc("5012345", n).encode() for n in (71, 72, 73))
    data = (b"number,sscc,item,qty,lot,expiry,purchase_order,supplier\n"
            b"ASN-C1," + p1 + b",SKU-1,10,,,PO-1,SUP\n"          # row 2: linked to PO-1 (in transit already)
            b"ASN-C1," + p1 + b",SKU-2,5,L7,2027-03-31,,SUP\n"   # row 3: unlinked
            b"ASN-C1," + p2 + b",SKU-2,3,,,,SUP\n"               # row 4: a second pallet
            b"ASN-C2," + p3 + b",NOPE-9,1,,,,SUP\n"              # row 5: unknown item
            b"ASN-C3,123,SKU-2,1,,,,SUP\n")                      # row 6: not an SSCC
    check = _import(client, buyer, "inbound-shipments", data, dry_run=True).get_json()
    assert [(b["row"], b["number"], b["code"]) for b in check["bad"]][:1] == [(5, "ASN-C2", "unknown_item")]
    assert [b["row"] for b in check["bad"]] == [5, 6] and check["would_create"] == ["ASN-C1"]
    assert stock(client, buyer, "SKU-2")["in_transit"] == 0  # a dry run changes nothing

    for _ in range(2):
        _import(client, buyer, "inbound-shipments", data)
    assert (stock(client, buyer, "SKU-1")["in_transit"], stock(client, buyer, "SKU-2")["in_transit"]) == (10, 8)
    notice = client.get("/api/v1/inbound-shipments/ASN-C1", headers=bearer(buyer)).get_json()
    assert [(p["sscc"], [(l["item"], l["expected"], l["purchase_order"]) for l in p["lines"]]) for p in notice["pallets"]] == \
        [(p1.decode(), [("SKU-1", 10, "PO-1"), ("SKU-2", 5, None)]), (p2.decode(), [("SKU-2", 3, None)])]
    third = _import(client, buyer, "inbound-shipments", data).get_json()
    assert third["already_there"] == ["ASN-C1"] and third["created"] == []
    verify_clean(app)
