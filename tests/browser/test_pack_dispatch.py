"""Packing at a station and dispatching at the dock door through the floor app, against the real server."""

import pytest

from tests.browser.floor import (device_id, item_barcodes, open_screen, order_on_server, phone, pick_through_api,
                                 release_order, scan, sign_in, stock_numbers, wait_offline_ready, wait_step, wait_waiting)

pytestmark = pytest.mark.browser


def packed(page, sku: str, n: int) -> None:
    page.wait_for_selector(f"#pack-lines li[data-item='{sku}'][data-packed='{n}']")


def type_code(page, code: str) -> None:
    """By hand, into the screen's "No scanner? Type the code" field."""
    page.fill("form.manual input", code)
    page.press("form.manual input", "Enter")


def test_pack_and_dispatch_through_the_floor_app(chromium, live_server):
    order = "SO-PACK-1"
    a, b = "DH-10015", "DH-10016"  # a's case holds 6
    before = {sku: stock_numbers(live_server, sku) for sku in (a, b)}
    task = release_order(live_server, order, [(a, 7), (b, 2)])
    tote = task["steps"][0]["tote"]
    pick_through_api(live_server, order)  # picked on another handheld: this phone never saw the task
    assert order_on_server(live_server, order)["state"] == "picking"
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        device = device_id(page)

        # ---- pack (online: a carton's SSCC comes from the server) ----
        open_screen(page, "#/pack", "Pack")
        wait_step(page, "pack-screen", "station")
        scan(page, "WH1-PACK-2")
        wait_step(page, "pack-screen", "order")
        scan(page, tote)
        page.wait_for_selector("#result.info:has-text('order number')")
        type_code(page, order)
        wait_step(page, "pack-screen", "carton")
        assert page.inner_text("#step-tote").endswith(tote) or tote in page.inner_text("#step-tote")
        packed(page, a, 0)
        assert page.locator("#packing-slip").count() == 0
        scan(page, item_barcodes(a)[0])  # no carton yet
        page.wait_for_selector("#result.bad:has-text('Open a carton first')")

        page.click("#open-carton-button")
        wait_step(page, "pack-screen", "item")
        first = page.get_attribute("#open-carton", "data-sscc")
        assert len(first) == 18 and first.isdigit()
        scan(page, item_barcodes(a)[1])  # a case: 6 units
        packed(page, a, 6)
        scan(page, item_barcodes(a)[0])
        packed(page, a, 7)
        scan(page, item_barcodes(a)[0])  # one more than ordered
        page.wait_for_selector("#result.bad:has-text('Too many')")
        scan(page, item_barcodes("DH-10017")[0])  # not on the order
        page.wait_for_selector("#result.bad:has-text('Not on this order')")
        packed(page, a, 7)
        page.fill("#carton-weight", "4200")
        page.click("#close-carton-button")
        page.wait_for_selector(f"#result.ok:has-text('Carton {first} closed')")
        wait_step(page, "pack-screen", "carton")

        page.click("#open-carton-button")  # a second carton for the rest
        wait_step(page, "pack-screen", "item")
        second = page.get_attribute("#open-carton", "data-sscc")
        assert second != first
        for n in (1, 2):
            scan(page, item_barcodes(b)[0])
            packed(page, b, n)
        scan(page, item_barcodes(b)[0])
        page.wait_for_selector("#result.bad:has-text('Too many')")
        page.click("#close-carton-button")
        page.wait_for_selector(f"#result.ok:has-text('Carton {second} closed')")
        page.wait_for_selector("#packing-slip")  # every line packed: the slip can be printed here
        wait_waiting(page, 0)
        page.wait_for_selector("#order-state:text-is('packed')", timeout=10_000)

        packs = live_server.movements_of_device(device)
        assert [(m["kind"], m["from_code"], m["to_code"], m["qty_base"], m["uom"], m["ref"]) for m in packs] == [
            ("pack", tote, first, 6, "CS", order), ("pack", tote, first, 1, "EA", order),
            ("pack", tote, second, 1, "EA", order), ("pack", tote, second, 1, "EA", order)]
        server_order = order_on_server(live_server, order)
        assert server_order["state"] == "packed"
        assert {(l["item"], l["packed"]) for l in server_order["lines"]} == {(a, 7), (b, 2)}
        assert live_server.sql("SELECT sscc, status, weight_g FROM carton WHERE sscc IN (:f, :s) ORDER BY created_at",
                               f=first, s=second) == [(first, "closed", 4200), (second, "closed", None)]

        # The documents, with the page's own session cookie.
        slip_href = page.get_attribute("#packing-slip", "href")
        assert slip_href == f"/orders/{order}/packing-slip.pdf" and page.get_attribute("#packing-slip", "target") == "_blank"
        for href in (slip_href, page.get_attribute(f"#label-{first}", "href")):
            response = page.request.get(live_server.url + href)
            assert response.status == 200, href
            assert response.headers["content-type"].startswith("application/pdf")
            assert response.body().startswith(b"%PDF")

        # ---- dispatch at the dock door, offline ----
        live_server.network.cut()
        open_screen(page, "#/dispatch", "Dispatch")
        wait_step(page, "dispatch-screen", "door")
        scan(page, "WH1-DOCK-2")
        wait_step(page, "dispatch-screen", "carton")
        scan(page, item_barcodes(a)[0])  # not a carton label
        page.wait_for_selector("#result.bad:has-text('Not a carton label')")
        scan(page, "]C100" + first)  # GS1-128 as a scanner sends it, symbology identifier first
        page.wait_for_selector("#dispatched-count:text-is('1')")
        scan(page, "00" + second)  # and without it
        page.wait_for_selector("#dispatched-count:text-is('2')")
        scan(page, first)  # the same carton again
        page.wait_for_selector("#result.bad:has-text('Already dispatched')")
        wait_waiting(page, 2)
        assert page.locator("#dispatched .dispatch-card[data-status='waiting']").count() == 2
        assert len(live_server.movements_of_device(device)) == 4  # nothing sent yet

        live_server.network.restore()
        wait_waiting(page, 0)
        page.wait_for_selector("#dispatched .dispatch-card[data-status='sent'] >> nth=1")
        dispatches = [m for m in live_server.movements_of_device(device) if m["kind"] == "dispatch"]
        assert sorted((m["from_code"], m["qty_base"], m["ref"]) for m in dispatches) == sorted(
            [(first, 7, order), (second, 2, order)])  # each carton issued whole
        assert order_on_server(live_server, order)["state"] == "dispatched"
        for sku, qty in ((a, 7), (b, 2)):
            numbers = stock_numbers(live_server, sku)
            assert numbers["on_hand"] == before[sku]["on_hand"] - qty, sku
            assert (numbers["reserved"], numbers["committed"]) == (0, 0), sku
            assert live_server.stock_at(sku, tote) == 0
    finally:
        context.close()
