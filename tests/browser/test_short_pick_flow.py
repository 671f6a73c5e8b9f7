"""A short pick leads somewhere: the picker is sent to packing, the packer packs what is there and sees what
follows, the slip is offered, and dispatching the partial order warns (and still goes)."""

import pytest

from tests.browser.floor import (item_barcodes, open_screen, phone, release_order, scan, sign_in, wait_offline_ready,
                                 wait_step, wait_waiting)

pytestmark = pytest.mark.browser


def test_a_picker_short_by_one_is_sent_to_packing_and_the_packer_ships_two_with_one_to_follow(chromium, live_server):
    order, sku = "SO-SHORT-FLOW", "DH-10051"
    task = release_order(live_server, order, [(sku, 3)])
    [step] = task["steps"]
    tote = step["tote"]
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        open_screen(page, "#/pick", "Pick")
        page.click(f"#pick-list a[data-orders~='{order}']", timeout=15_000)
        wait_step(page, "pick-screen", "bin")
        scan(page, step["location"])
        wait_step(page, "pick-screen", "item")
        unit = item_barcodes(sku)[0]
        scan(page, unit)
        scan(page, unit)
        page.wait_for_selector("#counted:text-is('2')")
        scan(page, tote)
        page.wait_for_selector("#result.ok:has-text('Picked 2')")
        page.click("#short")
        page.wait_for_selector("dialog.keypad-dialog[open]")
        assert page.inner_text("#keypad-display") == "1"
        page.click("#keypad-ok")
        page.wait_for_selector("#pick-screen[data-step=done]")
        assert page.inner_text("#prompt") == f"All picked: take {tote} to packing", page.inner_text("#pick-screen")
        wait_waiting(page, 0)
        page.wait_for_timeout(1500)  # the tasks fetched again after the sync: the walk is closed on the server
        assert "took it back" not in page.inner_text("#pick-screen")

        open_screen(page, "#/pack", "Pack")
        scan(page, "WH1-PACK-2")
        wait_step(page, "pack-screen", "order")
        scan(page, order)  # this device picked it: it knows the tote
        wait_step(page, "pack-screen", "carton")
        assert tote in page.inner_text("#step-tote")
        line = f"#pack-lines li[data-item='{sku}']"
        assert page.get_attribute(line, "data-qty") == "2" and "1 to follow" in page.inner_text(line)
        page.click("#open-carton-button")
        wait_step(page, "pack-screen", "item")
        sscc = page.get_attribute("#open-carton", "data-sscc")
        scan(page, unit)
        scan(page, unit)
        page.wait_for_selector(f"{line}[data-packed='2']")
        page.click("#close-carton-button")
        page.wait_for_selector("#result.ok:has-text('closed')")
        page.wait_for_selector("#packing-slip")  # the order is packed with what is there
        page.wait_for_selector("#prompt:has-text('Order packed')")

        open_screen(page, "#/dispatch", "Dispatch")
        scan(page, "WH1-OUT-1")
        wait_step(page, "dispatch-screen", "carton")
        scan(page, "]C100" + sscc)
        page.wait_for_selector("#flash.warn")
        page.wait_for_selector("#result.warn:has-text('1 to follow')")
        page.wait_for_selector("#dispatched-count:text-is('1')")  # still dispatched
        wait_waiting(page, 0)
        flags = [m["flags"] for m in live_server.movements_of_device(page.evaluate("localStorage.getItem('dockhand.device_id')"))
                 if m["kind"] == "dispatch"]
        assert flags and all("partial_order" in f for f in flags)
    finally:
        context.close()
