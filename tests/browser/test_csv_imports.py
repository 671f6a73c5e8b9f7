"""CSV imports on a tablet (issue 18): a supervisor picks an order file, "Check" lists every bad row with its reason
and changes nothing, "Import" creates exactly the good orders. Screenshots go to docs/screenshots/csv/ at tablet,
desktop and phone sizes for a person to look at."""
import uuid
from pathlib import Path

import pytest

from tests.browser.floor import open_screen, sign_in

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "csv"
TABLET = {"viewport": {"width": 1024, "height": 768}, "device_scale_factor": 1, "has_touch": True, "bypass_csp": True}
SIZES = {"tablet-landscape": (1024, 768), "tablet-portrait": (768, 1024), "desktop": (1440, 900), "phone": (390, 844)}


def shots(page, step: str) -> None:
    """The screen at every size; none may be wider than its window."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_selector("#flash", state="hidden")
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{step} at {name}: wider than the screen"
        page.screenshot(path=str(SHOTS / f"{step}-{name}.png"))
    page.set_viewport_size(TABLET["viewport"])


def test_a_supervisor_checks_an_order_file_then_imports_exactly_its_good_orders(chromium, live_server):
    tag = uuid.uuid4().hex[:5].upper()
    good, two_lines = f"CSV-{tag}-1", f"CSV-{tag}-2"
    data = (f"number,item,qty,ship_to_name\n"
            f"{good},DH-10290,1,Corner Shop\n"
            f"{two_lines},DH-10291,2,Deli\n"
            f"{two_lines},5012345002910,1,Deli\n"          # DH-10291 again, by its barcode
            f"CSV-{tag}-3,NO-SUCH-ITEM,1,Cafe\n"
            f"CSV-{tag}-4,DH-10292,lots,Bakery\n"
            f"CSV-{tag}-6,DH-10292,1,Market\n"
            f"CSV-{tag}-6,DH-10293,1,Other market\n").encode() + f"CSV-{tag}-5,DH-10292,1,Crêperie\n".encode("latin-1")
    context = chromium.new_context(**TABLET)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "maria")
        open_screen(page, "#/imports", "Imports")
        kinds = page.eval_on_selector_all(".import-kind", "(els) => els.map((e) => e.dataset.kind)")
        assert kinds == ["orders", "purchase-orders"]  # items are an admin's: a supervisor is not offered them
        page.set_input_files("#import-file", files=[{"name": "orders.csv", "mimeType": "text/csv", "buffer": data}])
        page.click("#import-check")
        page.wait_for_selector("#imports-screen[data-step='checked']")
        bad = page.eval_on_selector_all("#import-bad tbody tr", "(rows) => rows.map((r) => [Number(r.dataset.row), r.dataset.code])")
        assert bad == [[5, "unknown_item"], [6, "invalid_quantity"], [7, "duplicate_number"], [8, "duplicate_number"],
                       [9, "wrong_encoding"]]
        assert "NO-SUCH-ITEM" in page.inner_text("#import-bad") and "lots" in page.inner_text("#import-bad")
        assert page.inner_text("#import-created").split() == [good, two_lines]
        assert live_server.api("GET", f"/api/v1/orders/{good}", live_server.token("maria"))[0] == 404  # a check changes nothing
        shots(page, "1-checked")

        page.click("#import-run")
        page.wait_for_selector("#imports-screen[data-step='imported']")
        assert page.inner_text("#import-created").split() == [good, two_lines]
        assert "2 orders created" in page.inner_text("#import-result")
        status, order = live_server.api("GET", f"/api/v1/orders/{two_lines}", live_server.token("maria"))
        assert status == 200 and [(l["item"], l["qty"]) for l in order["lines"]] == [("DH-10291", 2), ("DH-10291", 1)]
        shots(page, "2-imported")
    finally:
        context.close()
