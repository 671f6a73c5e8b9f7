"""The Returns screen on a phone (390x844), offline: a receiver scans the return number, where the goods go, picks
what happens to them and why with big buttons, and scans each unit; back online, the ledger holds each return with
its disposition and reason, the scrapped unit's write-off beside it, and the quarantined units are never available."""

from pathlib import Path

import pytest

from tests.browser.floor import (
    item_barcodes,
    open_screen,
    phone,
    scan,
    sign_in_then_go_offline,
    stock_numbers,
    wait_step,
    wait_waiting,
)

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "returns"
SKU, BIN, DOCK, QUARANTINE = "DH-10087", "WH1-A-05-01", "WH1-DOCK-4", "WH1-RET-Q1"


def returned(page, code: str, n: int) -> None:
    """Scan one unit and wait for the confirmation, shown only after the outbox transaction committed."""
    scan(page, code)
    page.wait_for_selector(f"#returned-count:text-is('{n}')")


def test_a_receiver_returns_units_offline_with_a_disposition_each_and_the_server_gets_them_once(chromium, live_server):
    status, body = live_server.api("POST", "/api/v1/locations", live_server.token("admin"),
                                   {"code": QUARANTINE, "kind": "quarantine", "parent": "WH1", "name": "Returns cage"})
    assert status in (201, 409), body  # 409: an earlier run in this session made it
    before = stock_numbers(live_server, SKU)
    unit = item_barcodes(SKU)[0]
    context = phone(chromium)  # 390x844
    try:
        page = context.new_page()
        device = sign_in_then_go_offline(page, live_server, "ravi")
        open_screen(page, "#/returns", "Returns")
        scan(page, "RMA-PHONE-1")
        wait_step(page, "returns-screen", "to")
        scan(page, BIN)
        wait_step(page, "returns-screen", "decide")
        page.click("#disposition-restock")
        page.click("#reason-unwanted")
        wait_step(page, "returns-screen", "item")
        returned(page, unit, 1)

        scan(page, QUARANTINE)  # restock into quarantine: the screen says so before anything is saved
        page.wait_for_selector("#result.bad:has-text('Check where it goes')")
        page.click("#disposition-quarantine")
        page.click("#reason-damaged")
        returned(page, unit, 2)
        returned(page, unit, 3)

        scan(page, DOCK)
        page.click("#disposition-scrap")
        page.click("#reason-defective")
        returned(page, unit, 4)
        wait_waiting(page, 4)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.wait_for_selector("#flash", state="hidden")
        page.screenshot(path=str(SHOTS / "returns-phone-390x844.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "wider than the phone"
        assert live_server.movements_of_device(device) == []  # nothing has reached the server yet

        live_server.network.restore()
        wait_waiting(page, 0, timeout_ms=30_000)
        for width, height in ((1024, 768), (768, 1024), (1440, 900)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=str(SHOTS / f"returns-{width}x{height}.png"))
    finally:
        context.close()

    story = [(m["kind"], m["to_code"] or m["from_code"], m["ref"]) for m in live_server.movements_of_device(device)]
    assert story == [("return", BIN, "RMA-PHONE-1"), ("return", QUARANTINE, "RMA-PHONE-1"),
                     ("return", QUARANTINE, "RMA-PHONE-1"), ("return", DOCK, "RMA-PHONE-1"),
                     ("scrap", DOCK, "RMA-PHONE-1")]
    reasons = live_server.sql("SELECT reason FROM movement WHERE device_id = :d ORDER BY seq", d=device)
    assert [r for (r,) in reasons] == ["restock:unwanted", "quarantine:damaged", "quarantine:damaged",
                                       "scrap:defective", "scrap:defective"]
    after = stock_numbers(live_server, SKU)
    assert after["on_hand"] - before["on_hand"] == 3  # the scrapped unit came back and left again
    assert after["quarantined"] - before["quarantined"] == 2
    assert after["available"] - before["available"] == 1  # quarantine is never available
    from webapp.extensions import db
    from webapp.services.projection import verify

    with db.unit_of_work() as s:
        assert verify(s) == []
