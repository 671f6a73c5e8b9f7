"""Receiving at phone size, offline, the last floor gaps: a label without a count asks how many on the big keypad
(tapped keys, or typed digits + Enter; over 1,000,000 buzzes and cannot be confirmed), and "Damaged" on a whole
pallet (SSCC) marks every one of its lines damaged with the photo. Online again, each lands in the ledger once."""
import uuid

import pytest

from tests.browser.conftest import CHROMIUM_ARGS, PHONE, chromium_path
from tests.browser.floor import (RECORD_SCANS, open_screen, scan, sign_in, wait_offline_ready, wait_step,
                                 wait_waiting)
from tests.browser.test_receiving import _items, _shot, damaged_case_video
from webapp.domain.sscc import make_sscc

pytestmark = pytest.mark.browser


def test_a_count_keyed_on_the_keypad_and_a_damaged_pallet_reach_the_ledger_once(
        playwright_driver, live_server, tmp_path):
    tag = uuid.uuid4().hex[:6]
    items = _items(live_server, tag)
    oat, rye, jars, towels = items
    pallet_1, pallet_2 = make_sscc("5012345", int(tag, 16) * 2), make_sscc("5012345", int(tag, 16) * 2 + 1)
    number = f"ASN-K{tag}"
    status, body = live_server.api("POST", "/api/v1/inbound-shipments", live_server.token("maria"), {
        "number": number, "warehouse": "WH1", "pallets": [
            {"sscc": pallet_1, "lines": [{"item": oat, "qty": 6}, {"item": rye, "qty": 4}]},
            {"sscc": pallet_2, "lines": [{"item": jars, "qty": 12}, {"item": towels, "qty": 5}]}]})
    assert status == 201, body
    video = tmp_path / "case.y4m"
    damaged_case_video(video)
    browser = playwright_driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS + [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", f"--use-file-for-fake-video-capture={video}"])
    try:
        context = browser.new_context(**PHONE, permissions=["camera"])
        context.add_init_script(RECORD_SCANS)
        page = context.new_page()
        sign_in(page, live_server.url, "ravi")
        wait_offline_ready(page)
        open_screen(page, "#/receiving", "Receive a delivery")
        page.wait_for_selector(f"#receiving-{number}")
        page.wait_for_function("async (code) => !!(await (await import('/pwa/db.js')).getBarcode(code))",
                               arg=items[towels], timeout=20_000)
        device = page.evaluate("localStorage.getItem('dockhand.device_id')")
        live_server.network.cut()

        scan(page, number)
        page.wait_for_selector(f"#app[data-screen='Receive {number}']")
        scan(page, "WH1-DOCK-2")
        wait_step(page, "receiving-screen", "scan")

        # A crushed pallet: Damaged, a photo, then its SSCC — both its lines are damaged.
        page.click("#damaged-toggle")
        page.click("#photo-button")
        page.wait_for_function("document.querySelector('#photo-video')?.readyState >= 2")
        page.click("#photo-take")
        page.wait_for_selector("#photo-status:has-text('Photo kept')")
        scan(page, f"(00){pallet_1}")
        page.wait_for_selector("#result:has-text('Pallet received: 2 lines (damaged, flagged)')")
        assert page.get_attribute("#damaged-toggle", "aria-pressed") == "false"  # the next scan is sound again

        # A plain EAN: the keypad asks, 1 prefilled; a finger slip to 1,000,001 buzzes and cannot be confirmed.
        scan(page, items[jars])
        page.wait_for_selector("#keypad-display:has-text('1')")
        for key in "1000001":
            page.click(f".keypad-dialog [data-key='{key}']")
        page.wait_for_selector("#keypad-problem:has-text('From 1 to 1000000')")
        assert page.is_disabled("#keypad-ok")
        page.wait_for_selector("#flash[data-kind='bad']", state="attached")  # the buzz's red
        page.click(".keypad-dialog [data-key='clear']")
        page.click(".keypad-dialog [data-key='1']")
        page.click(".keypad-dialog [data-key='2']")
        _shot(page, "08-keypad-quantity")
        page.click("#keypad-ok")
        page.wait_for_selector("#result:has-text('Received 12 × Glass jars 6x')")
        assert page.get_attribute("#line-3", "data-status") == "done"

        # A GS1 label with a lot but no count: digits on the handheld's keys, then Enter.
        scan(page, f"(01)0{items[towels]}(10)TW9")
        page.wait_for_selector(".keypad-dialog[open]")
        page.keyboard.press("5")
        page.keyboard.press("Enter")
        page.wait_for_selector("#result:has-text('Received 5 × Paper towels')")
        assert page.get_attribute("#line-4", "data-status") == "done"
        _shot(page, "09-keypad-received")
        wait_waiting(page, 4)

        live_server.network.restore()
        wait_waiting(page, 0, timeout_ms=30_000)
        page.wait_for_function("async () => (await (await import('/pwa/photos.js')).waitingPhotos()) === 0",
                               timeout=30_000)
    finally:
        browser.close()

    moved = [(m["kind"], m["qty_base"], m["lot"], m["flags"]) for m in live_server.movements_of_device(device)]
    assert moved == [
        ("receive", 6, "", "damaged"),
        ("receive", 4, "", "damaged"),
        ("receive", 12, "", ""),
        ("receive", 5, "TW9", ""),
    ]
    status, notice = live_server.api("GET", f"/api/v1/inbound-shipments/{number}", live_server.token("maria"))
    assert [(l["item"], l["received"], l["open"]) for p in notice["pallets"] for l in p["lines"]] == [
        (oat, 6, 0), (rye, 4, 0), (jars, 12, 0), (towels, 5, 0)]
    exceptions = live_server.sql(
        "SELECT e.code, e.photo FROM exception_record e WHERE e.ref = :ref ORDER BY e.id", ref=number)
    assert [code for code, _ in exceptions] == ["damaged", "damaged"]
    photos = {photo for _, photo in exceptions}
    assert len(photos) == 1 and None not in photos  # one photo of the pallet, on both lines
    from webapp.extensions import db
    from webapp.services.projection import verify

    with db.unit_of_work() as s:
        assert verify(s) == []
