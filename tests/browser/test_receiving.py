"""Receiving a delivery at phone size, offline: a three-line notice (one pallet SSCC for two lines, one item
label marked damaged with a photo from the fake camera), an item that is not on the notice, two lines put away
from the dock; then online: the ledger, the exceptions and the photo are on the server."""
import uuid
from pathlib import Path

import pytest
from PIL import Image

from tests.browser.conftest import CHROMIUM_ARGS, PHONE, chromium_path
from tests.browser.floor import (RECORD_SCANS, open_screen, scan, sign_in, wait_offline_ready, wait_step,
                                 wait_waiting)
from webapp.domain.checkdigit import with_check_digit
from webapp.domain.sscc import make_sscc

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "receiving"
WIDTH, HEIGHT = 640, 480


def damaged_case_video(path: Path) -> None:
    """What the fake camera shows: a brown case with a dark crushed corner (YUV4MPEG2, 4:2:0)."""
    frame = Image.new("RGB", (WIDTH, HEIGHT), (190, 150, 100))
    frame.paste((60, 40, 30), (420, 0, WIDTH, 160))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F30:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(3):
            out.write(b"FRAME\n" + planes)


def _items(live_server, tag: str) -> dict:
    """Four items of this test's own (so no other test's stock moves): SKU → unit GTIN-13."""
    admin = live_server.token("admin")
    items = {}
    for n, name in enumerate(("Oat milk 1l", "Rye crackers", "Glass jars 6x", "Paper towels"), start=1):
        sku, gtin = f"RCV-{tag}-{n}", with_check_digit(f"20{int(tag, 16) % 10**9:09d}{n}")
        status, body = live_server.api("POST", "/api/v1/items", admin, {"sku": sku, "name": name, "barcodes": [gtin]})
        assert status == 201, body
        items[sku] = gtin
    return items


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_selector("#flash", state="hidden")  # the scan's flash has had its time
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_notice_received_offline_with_a_pallet_a_stray_item_and_a_damaged_case_reaches_the_server(
        playwright_driver, live_server, tmp_path):
    tag = uuid.uuid4().hex[:6]
    items = _items(live_server, tag)
    oat, rye, jars, towels = items
    pallet_1, pallet_2 = make_sscc("5012345", int(tag, 16) * 2), make_sscc("5012345", int(tag, 16) * 2 + 1)
    number = f"ASN-{tag}"
    status, body = live_server.api("POST", "/api/v1/inbound-shipments", live_server.token("maria"), {
        "number": number, "warehouse": "WH1", "pallets": [
            {"sscc": pallet_1, "lines": [{"item": oat, "qty": 6, "lot": "OAT7", "expiry": "2027-05-31"},
                                         {"item": rye, "qty": 4}]},
            {"sscc": pallet_2, "lines": [{"item": jars, "qty": 2}]}]})
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
        page.wait_for_selector(f"#receiving-{number}")  # the notice came down with the receiver's tasks
        page.wait_for_function("async (code) => !!(await (await import('/pwa/db.js')).getBarcode(code))",
                               arg=items[towels], timeout=20_000)  # and this test's items with the catalogue
        device = page.evaluate("localStorage.getItem('dockhand.device_id')")
        live_server.network.cut()
        _shot(page, "01-deliveries")

        scan(page, number)  # the notice's number, scanned from the delivery note
        page.wait_for_selector(f"#app[data-screen='Receive {number}']")
        scan(page, "WH1-DOCK-2")
        wait_step(page, "receiving-screen", "scan")
        _shot(page, "02-notice-open")
        scan(page, f"(00){pallet_1}")  # one pallet label: both its lines received
        page.wait_for_selector("#result:has-text('Pallet received: 2 lines')")
        assert page.get_attribute("#line-1", "data-status") == "done"
        assert page.get_attribute("#line-2", "data-status") == "done"
        assert page.get_attribute("#line-3", "data-status") == "open"
        scan(page, f"(01)0{items[towels]}(30)3")  # not on the notice: a warning, still recorded
        page.wait_for_selector("#result:has-text('not on this delivery')")
        page.wait_for_selector(f"#unexpected-lines li[data-item='{towels}']")
        _shot(page, "03-pallet-and-stray-item")

        page.click("#damaged-toggle")
        page.click("#photo-button")
        page.wait_for_function("document.querySelector('#photo-video')?.readyState >= 2")
        _shot(page, "04-damaged-photo")
        page.click("#photo-take")
        page.wait_for_selector("#photo-status:has-text('Photo kept')")
        scan(page, f"(01)0{items[jars]}(10)JAR1(17)271231(30)2")
        page.wait_for_selector("#result:has-text('damaged, flagged')")
        assert page.get_attribute("#line-3", "data-status") == "done"
        _shot(page, "05-all-received")

        page.click("#putaway-mode")
        for sku, target in ((oat, "WH1-A-01-01"), (rye, "WH1-A-01-02")):
            scan(page, items[sku])
            wait_step(page, "receiving-screen", "to")
            scan(page, target)
            page.wait_for_selector(f"#result:has-text('{target}')")
        _shot(page, "06-put-away")
        wait_waiting(page, 6)  # 2 pallet lines, the stray item, the damaged case, 2 putaways

        live_server.network.restore()
        wait_waiting(page, 0, timeout_ms=30_000)
        page.wait_for_function("async () => (await (await import('/pwa/photos.js')).waitingPhotos()) === 0",
                               timeout=30_000)
        _shot(page, "07-sent")
    finally:
        browser.close()

    moved = [(m["kind"], m["qty_base"], m["from_code"], m["to_code"], m["ref"], m["lot"], m["flags"])
             for m in live_server.movements_of_device(device)]
    assert moved == [
        ("receive", 6, None, "WH1-DOCK-2", number, "OAT7", ""),
        ("receive", 4, None, "WH1-DOCK-2", number, "", ""),
        ("receive", 3, None, "WH1-DOCK-2", number, "", "unexpected_item"),
        ("receive", 2, None, "WH1-DOCK-2", number, "JAR1", "damaged"),
        ("putaway", 6, "WH1-DOCK-2", "WH1-A-01-01", number, "OAT7", ""),
        ("putaway", 4, "WH1-DOCK-2", "WH1-A-01-02", number, "", ""),
    ]
    status, notice = live_server.api("GET", f"/api/v1/inbound-shipments/{number}", live_server.token("maria"))
    assert [(l["item"], l["received"], l["open"]) for p in notice["pallets"] for l in p["lines"]] == [
        (oat, 6, 0), (rye, 4, 0), (jars, 2, 0)]
    exceptions = live_server.sql(
        "SELECT e.code, e.photo FROM exception_record e WHERE e.ref = :ref ORDER BY e.id", ref=number)
    assert [code for code, _ in exceptions] == ["unexpected_item", "damaged"]
    photo_id = exceptions[1][1]
    [(size, head)] = live_server.sql("SELECT size, content_type FROM photo WHERE id = :id", id=photo_id)
    assert size > 1000 and head == "image/jpeg"
    from webapp.extensions import db
    from webapp.services.projection import verify

    with db.unit_of_work() as s:
        assert verify(s) == []
