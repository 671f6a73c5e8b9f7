"""A supervisor on a tablet makes reorder drafts, changes one line's quantity, approves the draft, and a real
purchase order exists with that quantity; then the reports screen shows its tables. Screenshots of both screens at
tablet, desktop and phone sizes go to docs/screenshots/reorder/ for a person to look at."""
import os
from pathlib import Path

import pytest

from tests.browser.floor import open_screen, phone, sign_in

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("DOCKHAND_SHOTS_REORDER", REPO / "docs" / "screenshots" / "reorder"))
TABLET = {"width": 1024, "height": 768}
SIZES = {"tablet-portrait": {"width": 768, "height": 1024}, "desktop": {"width": 1440, "height": 900},
         "phone": {"width": 390, "height": 844}}
SUPPLIER = "BT-REORDER"


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_a_supervisor_edits_a_reorder_draft_on_a_tablet_and_approving_it_makes_the_purchase_order(chromium,
                                                                                                 live_server):
    admin = live_server.token("admin")
    status, _ = live_server.api("POST", "/api/v1/suppliers", admin, {"code": SUPPLIER, "name": "Browser Test Parts",
                                                                     "lead_time_days": 4})
    assert status == 201
    for sku in ("BT-RO-1", "BT-RO-2"):  # nothing on hand, a point of 10: both below it
        status, body = live_server.api("POST", "/api/v1/items", admin, {"sku": sku, "name": f"Reorder test {sku}",
                                                                       "reorder_point": 10, "reorder_qty": 12, "unit_cost": 3.5})
        assert status == 201, body
        assert live_server.api("PATCH", f"/api/v1/items/{sku}", admin, {"supplier": SUPPLIER})[0] == 200

    context = phone(chromium, viewport=TABLET, device_scale_factor=1, is_mobile=False)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "maria")
        open_screen(page, "#/reorder", "Reorder")
        page.click("#make-drafts")
        card = f"article.draft[data-supplier='{SUPPLIER}']"
        page.wait_for_selector(card, timeout=15_000)
        assert page.locator(f"{card} tr.draft-line").count() == 2
        assert live_server.api("GET", "/api/v1/stock/BT-RO-1", admin)[1]["in_transit"] == 0  # drafted, not ordered
        page.locator(card).scroll_into_view_if_needed()
        _shoot(page, "reorder-tablet")

        page.click(f"{card} tr[data-item='BT-RO-1'] .qty-edit")
        page.wait_for_selector("#keypad-display")
        page.keyboard.type("30")
        page.click("#keypad-ok")
        page.wait_for_selector(f"{card} tr[data-item='BT-RO-1'] .qty-edit.changed:text-is('30')")

        page.click(f"{card} .approve-draft")
        page.click("dialog[open] button[value=ok]")
        page.wait_for_selector("#result.ok:has-text('purchase order')")
        page.wait_for_selector(card, state="detached")

        _, approved = live_server.api("GET", "/api/v1/reorder/drafts?state=approved", admin)
        number = next(d["purchase_order"] for d in approved["items"] if d["supplier"] == SUPPLIER)
        assert number in page.inner_text("#result")
        status, po = live_server.api("GET", f"/api/v1/purchase-orders/{number}", admin)
        assert status == 200 and po["state"] == "open" and po["supplier"] == SUPPLIER
        assert [(line["item"], line["ordered"]) for line in po["lines"]] == [("BT-RO-1", 30), ("BT-RO-2", 12)]
        assert live_server.api("GET", "/api/v1/stock/BT-RO-1", admin)[1]["in_transit"] == 30
        page.wait_for_selector("#flash", state="hidden")
        _shoot(page, "reorder-approved-tablet")

        open_screen(page, "#/reports/inventory-value-by-zone", "Reports")
        page.wait_for_selector("#report-table tbody tr")
        assert page.get_attribute("#download-csv", "href") == "/api/v1/reports/inventory-value-by-zone?format=csv"
        _shoot(page, "reports-value-by-zone-tablet")
        page.click("#report-tab-below-reorder-point")
        page.wait_for_selector("#reports-screen[data-report='below-reorder-point'] #report-table tbody tr")
        for name, size in SIZES.items():
            page.set_viewport_size(size)
            _shoot(page, f"reports-below-reorder-point-{name}")
        open_screen(page, "#/", "Home")
        open_screen(page, "#/reorder", "Reorder")
        page.wait_for_selector("#prompt:not(:has-text('Loading'))")
        for name, size in SIZES.items():
            page.set_viewport_size(size)
            _shoot(page, f"reorder-{name}")
    finally:
        context.close()
