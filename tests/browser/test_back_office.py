"""The back office on a tablet (issue 18): an admin creates a person on the people screen; that person signs in
on a handheld and scans offline; the admin deactivates them; back online, the handheld is signed out on its
next action, says how many scans wait, and keeps them. And every back-office screen fits a tablet, a desk and a
phone (screenshots in docs/screenshots/office/)."""

import uuid
from pathlib import Path

import pytest

from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.floor import (ITEMS, device_id, move_stock, open_screen, order_on_server, phone, sign_in,
                                 sign_in_then_go_offline, status_bar, stock_numbers, wait_offline_ready, wait_waiting)

pytestmark = pytest.mark.browser
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True, "bypass_csp": True}
SIZES = {"tablet": (1024, 768), "desk": (1440, 900), "phone": (390, 844)}
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "office"


def test_a_person_deactivated_at_the_desk_is_signed_out_on_their_handhelds_next_action_and_their_scans_stay(
        chromium, live_server):
    name = f"temp-{uuid.uuid4().hex[:8]}"
    desk = chromium.new_context(**TABLET)
    handheld = phone(chromium)
    try:
        admin = desk.new_page()
        # The desk reaches the server directly: the handheld's network (the floor's) is cut below.
        sign_in(admin, live_server.direct_url, "admin")
        open_screen(admin, "#/admin/people", "People")
        admin.fill("#new-username", name)
        admin.fill("#new-password", DEMO_PASSWORD)
        admin.click("#new-role-receiver")  # picker (pressed by default) and receiver
        admin.click("#create-person")
        admin.wait_for_selector(f"#person-name:text-is('{name}')")
        assert _person(live_server, name) == {"username": name, "roles": ["picker", "receiver"], "active": True}

        floor = handheld.new_page()
        device = sign_in_then_go_offline(floor, live_server, name)
        move_stock(floor, "WH1-D-03-01", [ITEMS["DH-10004"][0]], "WH1-D-03-02")
        wait_waiting(floor, 1)

        admin.click("#deactivate-person")
        admin.click("dialog.confirm button[value=ok]")
        admin.wait_for_selector("#person-state:text-is('Deactivated: cannot sign in, tokens do not work')")
        assert _person(live_server, name)["active"] is False

        live_server.network.restore()
        open_screen(floor, "#/", "Home")
        move_stock(floor, "WH1-D-03-01", [ITEMS["DH-10004"][0]], "WH1-D-03-02")  # the next action: a scan, sent
        floor.wait_for_selector("#sb-signin:visible", timeout=20_000)
        assert "2 scans wait on this device" in floor.inner_text("#sb-signin")
        assert status_bar(floor)["waiting"] == "2"  # kept on the handheld, for whoever signs in next
        assert live_server.movements_of_device(device) == []
        assert device_id(floor) == device
    finally:
        live_server.network.restore()
        handheld.close()
        desk.close()


def _person(live_server, name: str) -> dict:
    status, page = live_server.api("GET", "/api/v1/users?limit=1000", live_server.token("admin"))
    assert status == 200, page
    [person] = [{k: p[k] for k in ("username", "roles", "active")} for p in page["items"] if p["username"] == name]
    return person


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {page.viewport_size}"


def test_every_back_office_screen_fits_a_tablet_a_desk_and_a_phone(chromium, live_server):
    number = f"DESK-{uuid.uuid4().hex[:6].upper()}"
    status, order = live_server.api("POST", "/api/v1/orders", live_server.token("maria"), {
        "number": number, "lines": [{"item": "DH-10001", "qty": 2, "unit_price": "3.20"}, {"item": "DH-10002", "qty": 1}],
        "ship_to": {"name": "Harbour Café", "lines": ["1 Quay Street", "Hull HU1 1AA"]}, "notes": "ring at the side door"})
    assert status == 201, order
    screens = [("#/admin/people", "People", "#people-list [data-person='asha']"),
               ("#/admin/devices", "Devices", "#devices-screen[data-loaded=true]"),
               ("#/admin/settings", "Settings", "#settings-screen[data-loaded=true]"),
               ("#/orders", "Orders", f"#order-list [data-order='{number}']"),
               (f"#/orders/{number}", "Order", "#order-lines tbody tr")]
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(viewport={"width": 1024, "height": 768}, bypass_csp=True)
    try:
        page = context.new_page()
        sign_in(page, live_server.direct_url, "admin")
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            for hash_path, title, ready in screens:
                open_screen(page, hash_path, title)
                page.wait_for_selector(ready)
                if title == "People":
                    page.click("[data-person='asha']")
                    page.wait_for_selector("#token-list, #no-tokens")
                _no_sideways_scroll(page)
                page.screenshot(path=str(SHOTS / f"{title.lower()}-{width}x{height}.png"), full_page=size != "phone")

    finally:
        context.close()


def test_the_order_desk_adds_and_removes_lines_and_a_refused_setting_is_shown_at_its_field(chromium, live_server):
    number = f"DESK-{uuid.uuid4().hex[:6].upper()}"
    status, order = live_server.api("POST", "/api/v1/orders", live_server.token("maria"), {
        "number": number, "lines": [{"item": "DH-10001", "qty": 1}]})
    assert status == 201 and order["state"] == "validated", order
    reserved_before = stock_numbers(live_server, "DH-10003")["reserved"]
    context = chromium.new_context(**TABLET)
    admin_token = live_server.token("admin")
    try:
        page = context.new_page()
        sign_in(page, live_server.direct_url, "admin")
        open_screen(page, "#/orders", "Orders")
        page.fill("#find-customer", "")
        page.select_option("#find-state", "validated")
        page.click("#find-orders")
        page.click(f"#order-list [data-order='{number}']")
        page.wait_for_selector("#order-screen[data-lines='1']")
        page.fill("#add-item", "DH-10003")
        page.fill("#add-qty", "2")
        page.click("#add-line-button")
        page.wait_for_selector("#order-screen[data-lines='2']")
        assert "Line 2 added" in page.inner_text("#result")
        assert stock_numbers(live_server, "DH-10003")["reserved"] == reserved_before + 2
        page.fill("#add-item", "DH-10003")
        page.fill("#add-qty", "999999")
        page.click("#add-line-button")
        page.wait_for_selector("#result.bad")
        assert "Nothing was changed" in page.inner_text("#result")
        page.click("#order-lines tr[data-line='2'] .remove-line")
        page.click("dialog.confirm button[value=ok]")
        page.wait_for_selector("#order-screen[data-lines='1']")
        assert stock_numbers(live_server, "DH-10003")["reserved"] == reserved_before
        assert [e["action"] for e in order_on_server(live_server, number)["history"]][-2:] == ["line_added", "line_removed"]

        open_screen(page, "#/admin/settings", "Settings")
        page.wait_for_selector("#settings-screen[data-loaded=true]")
        before = page.input_value("#setting-stuck_order_minutes")
        page.fill("#setting-stuck_order_minutes", "-5")
        page.click("#save-settings")
        page.wait_for_selector("#setting-stuck_order_minutes-problem:not(:empty)")
        assert "stuck_order_minutes" in page.inner_text("#setting-stuck_order_minutes-problem")
        assert live_server.api("GET", "/api/v1/settings", admin_token)[1]["stuck_order_minutes"] == int(before)
        page.fill("#setting-stuck_order_minutes", str(int(before) + 1))
        page.click("#save-settings")
        page.wait_for_selector("#settings-history-list [data-key='stuck_order_minutes']")
        assert f"{before} → {int(before) + 1}" in page.inner_text("#settings-history-list")
        assert page.inner_text("#setting-stuck_order_minutes-problem") == ""
    finally:
        live_server.api("PATCH", "/api/v1/settings", admin_token, {"stuck_order_minutes": 30})  # as other tests expect
        context.close()


def test_an_admin_sees_a_handhelds_queue_from_its_last_sync_blocks_it_and_its_scans_wait_on_it(chromium, live_server):
    handheld = phone(chromium)
    desk = chromium.new_context(**TABLET)
    try:
        floor = handheld.new_page()
        sign_in(floor, live_server.url, "asha")
        wait_offline_ready(floor)
        device = device_id(floor)
        move_stock(floor, "WH1-D-03-02", [ITEMS["DH-10004"][0]], "WH1-D-03-01")
        wait_waiting(floor, 0)
        floor.wait_for_selector("#statusbar:not([data-last-sync=''])")
        assert live_server.sql("SELECT queued_scans FROM device WHERE id = :d", d=device) == [(0,)]  # the app said

        admin = desk.new_page()
        sign_in(admin, live_server.direct_url, "admin")
        open_screen(admin, "#/admin/devices", "Devices")
        card = f"#device-list [data-device='{device}']"
        admin.wait_for_selector(card)
        assert "0 scans waiting at last sync" in admin.inner_text(card)
        assert "Last signed in: asha" in admin.inner_text(card)
        admin.click(f"{card} .block")
        admin.click("dialog.confirm button[value=ok]")
        admin.wait_for_selector(f"{card}[data-status='blocked']")

        open_screen(floor, "#/", "Home")
        move_stock(floor, "WH1-D-03-02", [ITEMS["DH-10004"][0]], "WH1-D-03-01")
        floor.wait_for_selector("#statusbar[data-waiting='1']")
        status, answer = live_server.api("POST", "/api/v1/sync", live_server.token("asha"),
                                         {"device_id": device, "movements": []})
        assert status == 403 and answer["error"]["code"] == "device_blocked"
        assert status_bar(floor)["waiting"] == "1"  # refused, so kept on the handheld
        admin.click(f"{card} .make-active")
        admin.wait_for_selector(f"{card}[data-status='active']")
    finally:
        handheld.close()
        desk.close()


def test_an_api_token_is_shown_once_works_and_stops_working_when_revoked(chromium, live_server):
    desk = chromium.new_context(**TABLET)
    try:
        admin = desk.new_page()
        sign_in(admin, live_server.direct_url, "admin")
        open_screen(admin, "#/admin/people", "People")
        admin.click("#people-list [data-person='erp']")
        admin.wait_for_selector("#person-name:text-is('erp')")
        admin.fill("#token-name", "weighing scales")
        admin.click("#create-token")
        token = admin.inner_text("#token-value")
        assert live_server.api("GET", "/api/v1/me", token)[0] == 200
        row = "#token-list .token-row:has-text('weighing scales')"
        admin.wait_for_selector(row)
        assert token not in admin.inner_text("#token-list")  # listed by name, never the token again
        admin.click(f"{row} .revoke-token")
        admin.click("dialog.confirm button[value=ok]")
        admin.wait_for_selector(row, state="detached")
        assert admin.is_hidden("#token-once")
        assert live_server.api("GET", "/api/v1/me", token)[0] == 401
    finally:
        desk.close()
