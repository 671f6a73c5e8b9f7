"""Cycle count in a real Chromium: a counter counts a frozen bin offline (blind) on a phone, goes
online; a supervisor in a second browser context signs off (on a phone, then on a tablet); the variance
report opens.

Screenshots go to tests/browser/screenshots/ (390 × 844) for a person to look at.
"""
import re
from pathlib import Path

import pytest

from tests.browser.floor import (item_barcodes, open_screen, phone, scan, sign_in, sign_in_then_go_offline,
                                 wait_waiting)

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).parent / "screenshots"
SKU = "DH-10040"


TABLET = {"viewport": {"width": 1024, "height": 768}, "device_scale_factor": 1, "has_touch": True, "bypass_csp": True}


def shot(page, name: str, width: int = 390) -> None:
    from tests.browser.test_phone_screens import MIN_TARGET_PX, SMALL_TARGETS

    page.wait_for_selector("#flash", state="hidden")
    assert page.evaluate(SMALL_TARGETS) == [], f"{name}: targets under {MIN_TARGET_PX}px or off-screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name}: wider than the screen"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def an_empty_bin(live_server) -> str:
    [(code,)] = live_server.sql(
        "SELECT code FROM location WHERE kind = 'bin' AND code LIKE 'WH1-A-%' AND frozen = :no AND id NOT IN "
        "(SELECT location_id FROM stock_level) ORDER BY code DESC LIMIT 1", no=False)
    return code


def test_a_frozen_bin_counted_offline_is_signed_off_by_a_supervisor_and_the_report_opens(chromium, live_server):
    from tests.browser.floor import receive_stock_on_server

    bin_code = an_empty_bin(live_server)
    receive_stock_on_server(live_server, bin_code, 30, [SKU])
    boss = live_server.token("maria")
    status, count = live_server.api("POST", "/api/v1/counts", boss, {"locations": [bin_code], "assign_to": "chen"})
    assert status == 201, count
    ref = str(count["id"])
    unit, case = item_barcodes(SKU)

    counter_phone = phone(chromium)
    supervisor_tablet = phone(chromium)
    supervisor_desk = chromium.new_context(**TABLET)
    try:
        page = counter_phone.new_page()
        device = sign_in_then_go_offline(page, live_server, "chen")
        open_screen(page, "#/count", "Count")
        page.wait_for_selector(f"#count-tasks li[data-count='{ref}'] .chip[data-location='{bin_code}']")
        task_text = page.inner_text(f"#count-tasks li[data-count='{ref}']")
        assert not re.search(r"\b30\b", task_text), task_text  # blind: nothing says what the system holds (30)
        shot(page, "count-tasks")
        scan(page, bin_code)
        page.wait_for_selector(f"#result.info:has-text('for count {ref}')")
        scan(page, unit)
        scan(page, unit)
        scan(page, case)  # a case of 12
        page.wait_for_selector("#count-lines li[data-qty='1']:has-text('CS')")
        page.click("#count-qty")  # the keypad: two cases, not one
        page.click(".key[data-key='2']")
        page.click("#keypad-ok")
        page.wait_for_selector("#count-lines li[data-qty='2']:has-text('CS')")
        page.wait_for_selector("#count-lines li[data-qty='2']:has-text('×')")
        shot(page, "count-counting-offline")
        page.click("#save-count")
        page.wait_for_selector(f"#result.ok:has-text('Count of {bin_code} saved')")
        wait_waiting(page, 2)
        page.wait_for_selector(f"#count-tasks .chip[data-location='{bin_code}'][data-done='true']")
        shot(page, "count-saved-offline")
        live_server.network.restore()
        wait_waiting(page, 0)

        movements = live_server.movements_of_device(device)
        assert sorted((m["kind"], m["uom"], m["qty_scanned"], m["qty_base"], m["to_code"], m["ref"], m["scanned_by"])
                      for m in movements) == [("count", "CS", 2, 24, bin_code, ref, "chen"),
                                              ("count", "EA", 2, 2, bin_code, ref, "chen")]

        desk = supervisor_tablet.new_page()
        sign_in(desk, live_server.url, "maria")
        open_screen(desk, "#/signoff", "Sign-off")
        desk.click(f"#counts-counting button.close-count[data-count='{ref}']")
        desk.wait_for_selector("#signoff-count[data-state='needs_signoff']")
        line = desk.locator(f".variance-line[data-item='{SKU}']")
        assert line.get_attribute("data-status") == "needs_signoff"
        figures = line.locator(".variance-figures").inner_text()
        assert "30" in figures and "26" in figures and "-4" in figures, figures  # 2 units + 2 cases of 12
        line.locator(".history-button").click()
        desk.wait_for_selector(".bin-history li:has-text('count')")
        shot(desk, "signoff-line")
        line.locator(".approve-button").click()
        desk.wait_for_selector(".reason-code[data-reason='mis_pick']")
        desk.locator(".reason-picker").scroll_into_view_if_needed()
        shot(desk, "signoff-reasons")
        desk.click(".reason-code[data-reason='mis_pick']")
        desk.wait_for_selector("#signoff-count[data-state='closed']")
        shot(desk, "signoff-closed")

        tablet = supervisor_desk.new_page()
        sign_in(tablet, live_server.url, "maria")
        open_screen(tablet, f"#/signoff/{ref}", "Count sign-off")
        tablet.wait_for_selector(f".variance-line[data-item='{SKU}'][data-status='approved']")
        shot(tablet, "signoff-tablet", width=1024)

        report = desk.request.get(live_server.url + f"/api/v1/counts/{ref}/variance-report.pdf")
        assert report.status == 200 and report.headers["content-type"] == "application/pdf"
        assert report.body().startswith(b"%PDF")
        assert desk.get_attribute("#variance-report", "href") == f"/api/v1/counts/{ref}/variance-report.pdf"
        assert live_server.stock_at(SKU, bin_code) == 26
        assert live_server.sql("SELECT frozen FROM location WHERE code = :c", c=bin_code)[0][0] in (False, 0)
    finally:
        counter_phone.close()
        supervisor_tablet.close()
        supervisor_desk.close()
