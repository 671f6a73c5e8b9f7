"""Online means the server answered: the floor app's connection state in real Chromium.

The floor's network is broken the way a floor breaks it (tests/browser/network.py): the server cannot be
reached, or it accepts connections and never answers. The browser's own offline flag is never touched, so
`navigator.onLine` stays true throughout, as it does on a phone whose Wi-Fi is up.
"""

import pytest

from tests.browser.floor import (
    ITEMS,
    device_id,
    move_stock,
    phone,
    sign_in,
    status_bar,
    wait_connection,
    wait_offline_ready,
    wait_ready,
    wait_waiting,
)

pytestmark = pytest.mark.browser


def test_a_server_that_stops_answering_shows_offline_and_the_scans_wait_for_it(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        wait_connection(page, online=True)
        device = device_id(page)

        live_server.network.silence()  # Wi-Fi up, server hung: connections open, no answer ever
        assert page.evaluate("navigator.onLine") is True
        wait_connection(page, online=False, timeout_ms=30_000)
        assert "Offline" in status_bar(page)["text"]
        move_stock(page, "WH1-D-06-01", [ITEMS["DH-10005"][0]] * 2, "WH1-D-06-02")
        wait_waiting(page, 2)
        assert live_server.movements_of_device(device) == []

        live_server.network.restore()  # nothing tells the browser: the app has to ask
        wait_connection(page, online=True)
        wait_waiting(page, 0)
        assert len(live_server.movements_of_device(device)) == 2
        assert "Online" in status_bar(page)["text"]
    finally:
        context.close()


def test_the_app_starts_from_the_device_when_the_server_is_silent(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        live_server.network.silence()
        page.reload()  # the shell from the service worker, the person from the device: no endless wait on /me
        wait_ready(page)
        wait_connection(page, online=False)
        assert page.inner_text("#app h1") == "Hi asha"
    finally:
        context.close()
