"""Shipping a transfer order on the Dispatch screen, on a phone, offline: the lane, the transfer order's number (its
lines and what is still to ship appear), then each item; back online, the stock has left WH1 and is in transit at the
other warehouse, the item that was not on the transfer order is flagged; received there on the Receive screen against
the transfer order's number, it moves from in transit to on hand; the ledger verifies.

A transfer needs two warehouses, which the shared demo server must not get (its orders name no warehouse), so this
test runs its own server in another process, set up through the command line and the API only."""
import pytest

from tests.browser.floor import (
    item_barcodes,
    open_screen,
    phone,
    scan,
    sign_in,
    wait_offline_ready,
    wait_step,
    wait_waiting,
)
from tests.browser.own_server import in_own_process, own_demo_server
from tests.integration.live_server import ROOT

pytestmark = pytest.mark.browser
SHOTS = ROOT / "docs" / "screenshots" / "returns"
NUMBER, LANE = "TO-PHONE-1", "WH1-OUT-2"
ON_ORDER, ALSO_ON_ORDER, NOT_ON_ORDER = "DH-10091", "DH-10092", "DH-10093"


VERIFY = """
import sys
from webapp import create_app
from webapp.extensions import db
from webapp.services.projection import verify
create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "x"})
with db.unit_of_work() as s:
    print(verify(s))
"""


@pytest.fixture(scope="module")
def two_warehouses(tmp_path_factory):
    with own_demo_server(tmp_path_factory, "transfer") as (network, api, url):
        yield _second_warehouse_with_a_transfer(network, api, url)


def _second_warehouse_with_a_transfer(network, api, url) -> dict:
    for body in ({"code": "WH9", "kind": "warehouse", "name": "Second DC"}, {"code": "WH9-DOCK-1", "kind": "dock",
                                                                           "parent": "WH9"}):
        assert api("POST", "/api/v1/locations", "admin", body)[0] == 201
    status, body = api("POST", "/api/v1/sync", "ravi", {"device_id": "seed", "movements": [
        {"id": f"seed-{sku}", "device_seq": n, "kind": "receive", "item": sku, "qty": 5, "to": LANE,
         "occurred_at": "2026-11-27T08:00:00Z"} for n, sku in enumerate((ON_ORDER, NOT_ON_ORDER), start=1)]})
    assert status == 200 and {r["status"] for r in body["results"]} == {"applied"}, body
    status, body = api("POST", "/api/v1/transfer-orders", "maria", {
        "number": NUMBER, "from_warehouse": "WH1", "to_warehouse": "WH9",
        "lines": [{"item": ON_ORDER, "qty": 3}, {"item": ALSO_ON_ORDER, "qty": 2}]})
    assert status == 201, body
    return {"url": f"http://127.0.0.1:{network.port}", "network": network, "api": api, "database_url": url}


def test_a_picker_ships_a_transfer_order_offline_and_it_arrives_in_transit_at_the_other_warehouse(
        chromium, two_warehouses):
    network, api = two_warehouses["network"], two_warehouses["api"]
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, two_warehouses["url"], "maria")  # a supervisor: ships here, receives there
        wait_offline_ready(page)
        open_screen(page, "#/dispatch", "Dispatch")
        scan(page, LANE)
        wait_step(page, "dispatch-screen", "carton")
        scan(page, NUMBER)
        wait_step(page, "dispatch-screen", "transfer")
        page.wait_for_selector(f"#transfer li[data-item='{ON_ORDER}'][data-open='3']")
        network.cut()  # the lines are on the device; the rest happens offline

        unit = item_barcodes(ON_ORDER)[0]
        for open_left in (2, 1):
            scan(page, unit)
            page.wait_for_selector(f"#transfer li[data-item='{ON_ORDER}'][data-open='{open_left}']")
        scan(page, item_barcodes(NOT_ON_ORDER)[0])
        page.wait_for_selector("#result.warn:has-text('not on TO-PHONE-1')")
        wait_waiting(page, 3)
        page.wait_for_selector("#flash", state="hidden")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "transfer-dispatch-phone-390x844.png"))

        network.restore()
        wait_waiting(page, 0, timeout_ms=30_000)

        open_screen(page, "#/receive", "Receive")  # the truck has arrived at the other warehouse
        scan(page, "WH9-DOCK-1")
        wait_step(page, "receive-screen", "item")
        scan(page, NUMBER)
        page.wait_for_selector(f"#result:has-text('Receiving against {NUMBER}')")
        scan(page, unit)
        page.wait_for_selector("#received-count:text-is('1')")
        wait_waiting(page, 0, timeout_ms=30_000)
    finally:
        context.close()

    status, transfer = api("GET", f"/api/v1/transfer-orders/{NUMBER}", "maria")
    assert status == 200, transfer
    assert [(l["item"], l["shipped"], l["received"], l["in_transit"], l["open"]) for l in transfer["lines"]] == [
        (ON_ORDER, 2, 1, 1, 1), (ALSO_ON_ORDER, 0, 0, 0, 2)]
    _, at_source = api("GET", f"/api/v1/stock/{ON_ORDER}?warehouse=WH1", "maria")
    _, at_destination = api("GET", f"/api/v1/stock/{ON_ORDER}?warehouse=WH9", "maria")
    assert (at_destination["on_hand"], at_destination["in_transit"]) == (1, 1)  # each unit counted once
    assert {row["location"]: row["qty"] for row in at_source["locations"]}[LANE] == 3
    _, exceptions = api("GET", "/api/v1/exceptions", "maria")
    assert [(e["code"], e["ref"]) for e in exceptions["items"] if e["ref"] == NUMBER] == [("unexpected_item", NUMBER)]
    assert in_own_process(VERIFY, two_warehouses["database_url"]) == "[]"  # hash chains and projection agree
