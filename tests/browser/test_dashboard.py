"""The supervisor's live dashboard in a real Chromium on a tablet (1024 × 768): a second context (a receiver's
phone) moves stock and another device's scan raises an exception and an alert; the dashboard shows each
without a reload (WebSocket). The supervisor resolves the exception, acknowledges the alert and reconciles the
SKU. Screenshots at tablet, desktop and phone sizes go to docs/screenshots/dashboard/ for a person to look at."""
import uuid
from pathlib import Path

import pytest

from tests.browser.floor import (
    item_barcodes,
    move_stock,
    open_screen,
    phone,
    receive_stock_on_server,
    sign_in,
)

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "dashboard"
TABLET = {"viewport": {"width": 1024, "height": 768}, "device_scale_factor": 1, "has_touch": True, "bypass_csp": True}
DESKTOP = {"viewport": {"width": 1440, "height": 900}, "device_scale_factor": 1, "bypass_csp": True}
SKU = "DH-10093"


def two_empty_bins(live_server) -> tuple[str, str]:
    rows = live_server.sql(
        "SELECT code FROM location WHERE kind = 'bin' AND code LIKE 'WH1-B-%' AND frozen = :no AND id NOT IN "
        "(SELECT location_id FROM stock_level) ORDER BY code DESC LIMIT 2", no=False)
    return rows[0][0], rows[1][0]


def zone_moves(page, zone: str) -> int:
    return int(page.get_attribute(f".dash-zone[data-zone='{zone}']", "data-movements"))


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_selector("#flash", state="hidden")
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name}: wider than the screen"
    page.screenshot(path=str(SHOTS / f"{name}.png"))  # what a person sees: the action bar stays put


def open_dashboard(page, base: str) -> None:
    sign_in(page, base, "maria")
    open_screen(page, "#/dashboard", "Dashboard")
    page.wait_for_selector("#dash-live[data-state=live]", timeout=15_000)


def test_the_dashboard_updates_live_while_a_second_device_syncs_and_a_supervisor_acts_on_it(chromium, live_server):
    source, target = two_empty_bins(live_server)
    receive_stock_on_server(live_server, source, 6, [SKU])
    [(zone,)] = live_server.sql("SELECT z.code FROM location b JOIN location a ON a.id = b.parent_id "
                                "JOIN location z ON z.id = a.parent_id WHERE b.code = :code", code=source)
    tablet = chromium.new_context(**TABLET)
    floor = phone(chromium)
    try:
        board = tablet.new_page()
        open_dashboard(board, live_server.url)
        board.evaluate("window.__notReloaded = true")
        before = zone_moves(board, zone)

        # A receiver's phone moves two units through the floor app: its sync reaches the dashboard live.
        hands = floor.new_page()
        sign_in(hands, live_server.url, "ravi")
        unit, _ = item_barcodes(SKU)
        move_stock(hands, source, [unit, unit], target)
        board.wait_for_function(f"Number(document.querySelector(\".dash-zone[data-zone='{zone}']\").dataset.movements)"
                                f" >= {before + 2}", timeout=20_000)

        # Another device picks what the bin does not hold: an exception and a negative-stock alert appear.
        status, body = live_server.api("POST", "/api/v1/sync", live_server.token("ravi"), {
            "device_id": "dash-test-gun", "movements": [{"id": str(uuid.uuid4()), "device_seq": 1, "kind": "transfer", "item": SKU,
                                                         "qty": 9, "from": target, "to": source,
                                                         "occurred_at": "2026-11-27T10:00:00Z"}]})
        assert status == 200 and "negative_stock" in body["results"][0].get("flags", []), body
        exception = f"#dash-exceptions .dash-row[data-code='negative_stock']:has-text('{target}')"
        board.wait_for_selector(exception, timeout=10_000)
        alert = f"#dash-alerts .dash-row[data-kind='negative_stock']:has-text('{target}')"
        board.wait_for_selector(alert, timeout=15_000)
        assert board.evaluate("window.__notReloaded") is True
        shot(board, "tablet-1024x768")

        board.click(f"{exception} button:has-text('Resolve')")
        board.fill("#dash-dialog-text", "bin recounted by hand")
        board.click("#dash-dialog-ok")
        board.wait_for_selector(exception, state="detached", timeout=10_000)
        board.click(f"{alert} button:has-text('Seen')")
        board.wait_for_selector(alert, state="detached", timeout=10_000)

        board.fill("#reconcile-sku", SKU)
        board.click("#dash-reconcile button[type=submit]")
        board.wait_for_selector("#reconcile-result.ok", timeout=10_000)
        assert "agree with the ledger" in board.inner_text("#reconcile-result")
        assert board.evaluate("window.__notReloaded") is True

        board.set_viewport_size({"width": 768, "height": 1024})
        shot(board, "tablet-768x1024")
        desktop = tablet.new_page()
        desktop.set_viewport_size(DESKTOP["viewport"])
        desktop.goto(live_server.url + "/#/dashboard")
        desktop.wait_for_selector("#dash-live[data-state=live]", timeout=15_000)
        shot(desktop, "desktop-1440x900")
    finally:
        tablet.close()
        floor.close()

    small = phone(chromium)
    try:
        page = small.new_page()
        open_dashboard(page, live_server.url)
        from tests.browser.test_phone_screens import SMALL_TARGETS

        assert page.evaluate(SMALL_TARGETS) == [], "targets under 64 px or off-screen on a phone"
        shot(page, "phone-390x844")
    finally:
        small.close()
