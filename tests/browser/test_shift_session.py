"""A night shift's handheld: the app starts from what the device holds within a second whatever the network
does, the session lasts the shift across a browser restart, and a sign-in the server asks for fills the screen
with how many scans wait on the device."""

import time

import pytest

from tests.browser.floor import (ITEMS, move_stock, phone, sign_in, sign_in_then_go_offline, wait_offline_ready,
                                 wait_ready, wait_waiting)

pytestmark = pytest.mark.browser
START_BUDGET_MS = 1000


@pytest.mark.parametrize("network", ["silence", "cut"])
def test_the_app_starts_from_the_device_within_a_second_when_the_server_is_unreachable(chromium, live_server, network):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        getattr(live_server.network, network)()
        page.reload()
        wait_ready(page)
        started_ms = int(page.get_attribute("body", "data-ready-ms"))
        assert started_ms < START_BUDGET_MS, f"started after {started_ms} ms with the server {network}"
        assert page.inner_text("#app h1") == "Hi asha"  # the cached person, at once
    finally:
        context.close()


def test_the_session_cookie_outlives_a_browser_restart_for_a_shift(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        [cookie] = [c for c in context.cookies() if c["name"] == "dockhand_session"]
        assert cookie["expires"] > time.time() + 11.5 * 3600, cookie  # not a session cookie (-1): survives a restart
    finally:
        context.close()


def test_a_sign_in_the_server_asks_for_fills_the_screen_and_counts_the_waiting_scans(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in_then_go_offline(page, live_server, "asha")
        move_stock(page, "WH1-D-03-01", [ITEMS["DH-10004"][0]], "WH1-D-03-02")
        wait_waiting(page, 1)
        context.clear_cookies()  # the server session is gone (revoked, or expired)
        live_server.network.restore()
        page.reload()  # a restarted app: starts from the device, then hears 401 from the server
        wait_ready(page)
        page.wait_for_selector("#sb-signin:visible", timeout=20_000)
        box = page.eval_on_selector("#sb-signin", "el => el.getBoundingClientRect().toJSON()")
        viewport = page.viewport_size
        assert box["width"] >= viewport["width"] - 1 and box["height"] >= viewport["height"] - 1  # the whole screen
        assert "1 scan wait" in page.inner_text("#sb-signin")
        page.click("#sb-signin")
        page.wait_for_url(live_server.url + "/login")
    finally:
        context.close()
