"""Issue 15 point 5: a scanner whose hardware frames each label with a prefix and a suffix. Set on the device's
scanner screen, the frame makes a label exactly what lies between the two, however long the handheld stalls."""

from pathlib import Path

import pytest

from tests.browser.floor import open_screen, phone, sign_in, wait_offline_ready, wait_step

pytestmark = pytest.mark.browser
STALL = "() => { setTimeout(() => { const end = performance.now() + 400; while (performance.now() < end) {} }, 0); }"


def framed(page, *parts: str, pause_ms: int = 0) -> None:
    """A framed label ("~", the code, "$"), its parts sent with `pause_ms` of silence between them."""
    for n, part in enumerate(parts):
        if n:
            page.evaluate(STALL)  # the page is busy…
            page.wait_for_timeout(pause_ms)  # …and the rest of the label comes late
        page.keyboard.type(part, delay=5)


def test_with_a_prefix_and_suffix_set_a_label_typed_with_a_long_stall_in_the_middle_is_one_scan(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        open_screen(page, "#/status", "Status")
        page.click("#scanner-setup")  # reached from the status screen
        page.wait_for_selector("#app[data-screen='Scanner']")
        page.fill("#scanner-prefix", "~")
        page.fill("#scanner-suffix", "$")
        page.click("#scanner-save")
        page.wait_for_selector("#scanner-screen[data-prefix='~'][data-suffix='$']")

        framed(page, "~WH1-A-03-01$")  # the test label
        page.wait_for_selector("#scanner-test[data-ok='true']")
        assert page.inner_text("#scanner-test-code") == "WH1-A-03-01"
        assert "Framed by ~" in page.inner_text("#scanner-test")
        page.screenshot(path=str(Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "night" / "scanner-390x844.png"))

        open_screen(page, "#/move", "Move stock")
        page.evaluate("window.__scans = []")
        # 2.5 s of nothing in the middle: longer than any unframed burst survives (and than the 1 s after which a
        # burst with no terminator is taken as a whole label). The frame says where the label ends.
        framed(page, "~WH1-A-0", "3-01$", pause_ms=2500)
        wait_step(page, "move-screen", "item")
        assert [s["code"] for s in page.evaluate("window.__scans")] == ["WH1-A-03-01"]
        assert "Unknown" not in page.inner_text("#result")
        assert page.input_value(".manual input") == ""  # none of the scanner's keys landed in the typing field

        page.reload()  # the setting is the device's: kept across a restart
        page.wait_for_selector("body[data-ready=true]")
        open_screen(page, "#/scanner", "Scanner")
        assert page.input_value("#scanner-prefix") == "~" and page.input_value("#scanner-suffix") == "$"
        page.fill("#scanner-prefix", "A")  # a letter appears inside codes: refused, nothing saved
        page.click("#scanner-save")
        page.wait_for_selector("#result.bad:has-text('letter')")
        assert page.evaluate("localStorage.getItem('dockhand.scanner_prefix')") == "~"
    finally:
        context.close()


def test_a_stall_right_after_a_labels_first_key_does_not_cut_that_key_off(chromium, live_server):
    """A busy handheld (the last scan's redraw and sync) held the first key of the next label alone for a moment;
    the wedge took what followed for a new burst and read "H1-A-03-01": unknown."""
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        open_screen(page, "#/move", "Move stock")
        page.evaluate("window.__scans = []")
        page.keyboard.type("W", delay=5)
        page.evaluate(STALL)
        page.wait_for_timeout(450)
        page.keyboard.type("H1-A-03-01", delay=5)
        page.keyboard.press("Enter")
        wait_step(page, "move-screen", "item")
        assert [s["code"] for s in page.evaluate("window.__scans")] == ["WH1-A-03-01"]
    finally:
        context.close()
