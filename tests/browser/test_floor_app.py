"""The floor app (PWA) in real Chromium against the real server: the offline shell, scanning, people."""

import pytest

from tests.browser.floor import (
    ITEMS,
    device_id,
    move_stock,
    open_screen,
    phone,
    scan,
    sign_in,
    sign_in_then_go_offline,
    status_bar,
    wait_offline_ready,
    wait_connection,
    wait_ready,
    wait_step,
    wait_waiting,
)

pytestmark = pytest.mark.browser


def test_app_opens_offline_after_one_online_visit(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        live_server.network.cut()
        response = page.reload()
        assert response.ok and response.from_service_worker  # the cached shell, not the network
        wait_ready(page)
        wait_connection(page, online=False)  # no answer from the server, whatever navigator.onLine says
        assert "Offline" in status_bar(page)["text"]
        assert page.inner_text("#app h1") == "Hi asha"
        assert page.locator("#work-move").is_visible()
        open_screen(page, "#/move", "Move stock")  # and a working screen, not only the home page
        assert page.inner_text("#prompt") == "Scan FROM location"
    finally:
        context.close()


def test_rejected_scan_lands_in_needs_attention_with_reason(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")  # a picker: the server refuses receipts from her
        wait_offline_ready(page)
        open_screen(page, "#/receive", "Receive")
        scan(page, "WH1-DOCK-2")
        wait_step(page, "receive-screen", "item")
        scan(page, ITEMS["DH-10004"][0])
        page.wait_for_selector("#received-count:text-is('1')")
        page.wait_for_selector("#statusbar[data-attention='1']", timeout=20_000)
        wait_waiting(page, 0)

        page.click("#statusbar a.sb-link")
        page.wait_for_selector("#app[data-screen='Status']")
        card = page.locator("#attention-list .card.attention")
        assert card.count() == 1
        assert "forbidden_kind" in card.inner_text() and "roles" in card.inner_text()
        assert "receive" in card.inner_text()

        page.reload()  # it stays until a person dismisses it
        wait_ready(page)
        page.wait_for_selector("#attention-list .card.attention")
        assert "forbidden_kind" in page.inner_text("#attention-list")
        assert status_bar(page)["attention"] == "1"

        page.click("#attention-list .card.attention button")
        page.click("dialog.confirm button[value=ok]")
        page.wait_for_selector("#statusbar[data-attention='0']")
        assert page.locator("#attention-list .card.attention").count() == 0
    finally:
        context.close()


def test_scanner_burst_in_a_text_field_is_a_scan_and_slow_typing_is_not(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "ravi")
        wait_offline_ready(page)
        device = device_id(page)
        open_screen(page, "#/receive", "Receive")
        page.click("#po-number")
        page.keyboard.type("PO-4711", delay=80)  # a quick typist: stays in the field, is no scan
        page.keyboard.press("Enter")
        assert page.input_value("#po-number") == "PO-4711"
        assert page.get_attribute("#receive-screen", "data-step") == "to"
        scan(page, "WH1-DOCK-3")  # the scanner fires while the cursor is still in the PO field
        wait_step(page, "receive-screen", "item")
        assert page.input_value("#po-number") == "PO-4711"
        # A GS1-128 label: GTIN, lot (variable length, so FNC1 after it, sent as Ctrl+]) and expiry.
        page.keyboard.type("0105012345000053" + "10LOT42", delay=5)
        page.keyboard.press("Control+BracketRight")
        page.keyboard.type("17270331", delay=5)
        page.keyboard.press("Enter")
        page.wait_for_selector("#received-count:text-is('1')")
        wait_waiting(page, 0)
        [movement] = live_server.movements_of_device(device)
        assert (movement["kind"], movement["to_code"], movement["ref"]) == ("receive", "WH1-DOCK-3", "PO-4711")
        assert (movement["lot"], movement["expiry"], movement["qty_base"]) == ("LOT42", "2027-03-31", 1)
        assert movement["scanned_by"] == "ravi"
    finally:
        context.close()


def test_unknown_barcode_or_location_buzzes_and_queues_nothing(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        live_server.network.cut()
        open_screen(page, "#/move", "Move stock")
        scan(page, "WH1-X-99-99")
        page.wait_for_selector("#flash.bad")
        assert page.get_attribute("#move-screen", "data-step") == "from"
        scan(page, "WH1-AMB")  # a zone: stock never sits there
        page.wait_for_selector("#result.bad:has-text('zone')")
        scan(page, "WH1-A-05-01")
        wait_step(page, "move-screen", "item")
        scan(page, "4006381333931")  # a real GTIN, but not one of ours
        page.wait_for_selector("#result.bad:has-text('4006381333931')")
        assert page.get_attribute("#move-screen", "data-step") == "item"
        scan(page, ITEMS["DH-10002"][1])  # the case barcode
        wait_step(page, "move-screen", "to")
        assert "1 CS = 24" in page.inner_text("#step-item")
        scan(page, "WH1-A-05-01")  # TO = FROM
        page.wait_for_selector("#result.bad:has-text('Same place')")
        assert page.inner_text("#moved-count") == "0"
        assert status_bar(page)["waiting"] == "0"
        scan(page, "WH1-A-05-02")
        page.wait_for_selector("#moved-count:text-is('1')")
        wait_waiting(page, 1)
        [queued] = page.evaluate("async () => (await import('/pwa/db.js')).outboxInOrder(10)")
        assert (queued["kind"], queued["item"], queued["qty"], queued["uom"]) == ("transfer", "DH-10002", 1, "CS")
        assert (queued["from"], queued["to"], queued["scanned_by"]) == ("WH1-A-05-01", "WH1-A-05-02", "asha")
    finally:
        context.close()


def test_sign_out_warns_keeps_scans_and_sends_them_as_the_person_who_scanned(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "ravi")
        wait_offline_ready(page)
        device = device_id(page)
        live_server.network.cut()
        open_screen(page, "#/receive", "Receive")
        scan(page, "WH1-DOCK-4")
        wait_step(page, "receive-screen", "item")
        for n in range(1, 4):
            scan(page, ITEMS["DH-10005"][0])
            page.wait_for_selector(f"#received-count:text-is('{n}')")
        open_screen(page, "#/", "Home")
        page.click("#sign-out")
        dialog = page.locator("dialog.confirm[open]")
        assert "3 scans are not sent yet" in dialog.inner_text()
        dialog.locator("button[value=cancel]").click()  # changed her mind: still signed in
        page.wait_for_selector("dialog.confirm", state="detached")
        assert page.url.endswith("/#/")
        page.click("#sign-out")
        page.locator("dialog.confirm[open] button[value=ok]").click()
        page.wait_for_url(live_server.url + "/login")  # the sign-in page, from the service worker's cache
        assert live_server.movements_of_device(device) == []

        live_server.network.restore()
        sign_in(page, live_server.url, "asha")  # another person, same handheld
        wait_waiting(page, 0)
        movements = live_server.movements_of_device(device)
        assert [(m["kind"], m["scanned_by"], m["sent_by"]) for m in movements] == [("receive", "ravi", "asha")] * 3
    finally:
        context.close()


def test_expired_session_keeps_scans_until_signed_in_again(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        device = sign_in_then_go_offline(page, live_server, "asha")
        move_stock(page, "WH1-D-02-01", [ITEMS["DH-10004"][0]], "WH1-D-02-02")
        context.clear_cookies()  # the server session is gone (expired, or signed out elsewhere)
        live_server.network.restore()
        page.wait_for_selector("#sb-signin:visible", timeout=20_000)  # 401: asks to sign in…
        assert status_bar(page)["waiting"] == "1"  # …and keeps the scan
        assert live_server.movements_of_device(device) == []
        page.click("#sb-signin")
        page.wait_for_url(live_server.url + "/login")
        page.fill("#username", "asha")
        page.fill("#password", "dockhand-demo")
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        wait_waiting(page, 0)
        assert page.locator("#sb-signin").is_hidden()
        assert [m["kind"] for m in live_server.movements_of_device(device)] == ["transfer"]
    finally:
        context.close()
