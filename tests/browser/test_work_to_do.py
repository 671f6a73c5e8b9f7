"""Work to do: a new picker finds pick tasks on a fresh demo, a supervisor releases orders from the app, and the
PO barcode on a delivery note goes into the receive screen's reference."""

import pytest

from tests.browser.floor import ITEMS, open_screen, phone, scan, sign_in, wait_offline_ready, wait_step, wait_waiting

pytestmark = pytest.mark.browser


def test_a_supervisor_releases_a_waiting_order_and_a_picker_then_has_its_walk(chromium, live_server):
    supervisor, picker = phone(chromium), phone(chromium)
    try:
        page = supervisor.new_page()
        sign_in(page, live_server.url, "maria")
        open_screen(page, "#/release", "Release")
        page.wait_for_selector("#release-list .release-order[data-order='SO-10044']", timeout=15_000)
        page.click(".release-order[data-order='SO-10044']")
        assert page.get_attribute(".release-order[data-order='SO-10044']", "aria-pressed") == "true"
        page.click("#release-button")
        page.wait_for_selector("#result.ok:has-text('Released SO-10044')")
        page.wait_for_selector(".release-order[data-order='SO-10044']", state="detached")
        assert live_server.sql("SELECT state FROM sales_order WHERE number = 'SO-10044'") == [("picking",)]

        floor = picker.new_page()
        sign_in(floor, live_server.url, "asha")
        open_screen(floor, "#/pick", "Pick")
        floor.wait_for_selector("#pick-list a[data-orders~='SO-10044']", timeout=15_000)
        assert floor.locator("#pick-list a[data-orders~='SO-10041']").count() == 1  # the demo's released work
    finally:
        supervisor.close()
        picker.close()


def test_the_po_barcode_on_a_delivery_note_fills_the_receive_reference(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "ravi")
        wait_offline_ready(page)
        device = page.evaluate("localStorage.getItem('dockhand.device_id')")
        open_screen(page, "#/receive", "Receive")
        scan(page, "WH1-DOCK-2")
        wait_step(page, "receive-screen", "item")
        scan(page, "PO-5001")  # the delivery note's Code 128
        page.wait_for_selector("#result.info:has-text('PO-5001')")
        assert page.input_value("#po-number") == "PO-5001"
        scan(page, ITEMS["DH-10001"][0])
        page.wait_for_selector("#received-count:text-is('1')")
        wait_waiting(page, 0)
        [movement] = live_server.movements_of_device(device)
        assert movement["ref"] == "PO-5001"
    finally:
        context.close()
