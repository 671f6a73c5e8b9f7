"""A slow handheld: a main-thread stall in the middle of a label must not split it into two codes."""

import pytest

from tests.browser.floor import open_screen, phone, scan, sign_in, wait_offline_ready, wait_step

pytestmark = pytest.mark.browser
STALL = "() => { setTimeout(() => { const end = performance.now() + 400; while (performance.now() < end) {} }, 0); }"


def test_a_stall_of_400_ms_in_the_middle_of_a_label_still_yields_one_scan(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        open_screen(page, "#/move", "Move stock")
        page.evaluate("window.__scans = []")
        page.keyboard.type("WH1-A-0", delay=5)
        page.evaluate(STALL)  # the page is busy for 0.4 s while the scanner goes on sending
        page.keyboard.type("3-01", delay=5)
        page.keyboard.press("Enter")
        wait_step(page, "move-screen", "item")
        assert [s["code"] for s in page.evaluate("window.__scans")] == ["WH1-A-03-01"]
        assert "Unknown" not in page.inner_text("#result")
    finally:
        context.close()


def test_a_scanner_that_sends_no_enter_still_scans_after_a_short_silence(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        open_screen(page, "#/move", "Move stock")
        page.evaluate("window.__scans = []")
        page.keyboard.type("WH1-A-03-01", delay=5)  # no terminator configured on this scanner
        wait_step(page, "move-screen", "item")
        assert [s["code"] for s in page.evaluate("window.__scans")] == ["WH1-A-03-01"]
        scan(page, "WH1-A-03-02")  # and the next label with Enter is one scan, not glued to the first
        page.wait_for_function("window.__scans.length === 2")
        assert page.evaluate("window.__scans")[1]["code"] == "WH1-A-03-02"
    finally:
        context.close()
