"""Issue 16's audit trail and issue 18's adjustment and expiry screens, on a supervisor's tablet: the movement
history reads who did what; "Correct this" posts one adjustment even when its answer is lost; what expires soon
is listed. Screenshots of the screens at tablet, desktop and phone sizes go to docs/screenshots/night/."""

import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser.floor import open_screen, phone, scan, sign_in, wait_offline_ready, wait_step

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "night"
TABLET = {"viewport": {"width": 1024, "height": 768}, "device_scale_factor": 1}


@pytest.fixture
def mistake(live_server):
    """Its own item and bin (the demo warehouse is shared): ravi receives 10 of lot L-NIGHT there from his handheld,
    then moves 3 of them out by mistake (he meant 1)."""
    tag = uuid.uuid4().hex[:6].upper()
    sku, bin_code, spare = f"NIGHT-{tag}", f"WH1-NIGHT-{tag}", f"WH1-NIGHT-{tag}-B"
    admin = live_server.token("admin")
    assert live_server.api("POST", "/api/v1/items", admin, {"sku": sku, "name": f"Night oil {tag}"})[0] == 201
    for code in (bin_code, spare):
        status, body = live_server.api("POST", "/api/v1/locations", admin, {"code": code, "kind": "bin", "parent": "WH1"})
        assert status == 201, body
    expiry = (date.today() + timedelta(days=3)).isoformat()
    status, body = live_server.api("POST", "/api/v1/sync", live_server.token("ravi"), {"device_id": f"handheld-{tag}", "movements": [
        {"id": f"night-{tag}-1", "device_seq": 1, "kind": "receive", "item": sku, "qty": 10, "to": bin_code,
         "lot": "L-NIGHT", "expiry": expiry, "occurred_at": "2026-11-27T08:00:00Z"},
        {"id": f"night-{tag}-2", "device_seq": 2, "kind": "transfer", "item": sku, "qty": 3, "from": bin_code,
         "to": spare, "lot": "L-NIGHT", "expiry": expiry, "occurred_at": "2026-11-27T08:05:00Z"}]})
    assert [r["status"] for r in body["results"]] == ["applied", "applied"], body
    return {"sku": sku, "bin": bin_code, "spare": spare, "device": f"handheld-{tag}", "move_seq": body["results"][1]["seq"]}


def test_a_supervisor_corrects_a_movement_from_its_history_and_a_lost_answer_posts_it_once(chromium, live_server, mistake):
    context = phone(chromium, **TABLET)
    keys = []

    def lose_the_first_answer(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            assert route.fetch().status == 201  # the server posted the adjustment…
            route.abort("connectionreset")  # …and the answer never reached the tablet
        else:
            route.continue_()

    try:
        page = context.new_page()
        sign_in(page, live_server.url, "maria")
        context.route("**/api/v1/adjustments", lose_the_first_answer)
        open_screen(page, f"#/history?item={mistake['sku']}", "History")
        row = page.locator(f".hist-row[data-seq='{mistake['move_seq']}']")
        row.wait_for(timeout=15_000)
        text = row.inner_text()
        for expected in ("Moved 3", mistake["bin"], mistake["spare"], "ravi", mistake["device"], "2026-11-27",
                         "L-NIGHT", f"{mistake['bin']} 7", f"{mistake['spare']} 3"):
            assert expected in text, (expected, text)
        assert page.locator("#hist-stock").inner_text().count("L-NIGHT") == 2  # the item's lots, bin by bin
        page.screenshot(path=str(SHOTS / "history-item-1024x768.png"))

        row.locator(".hist-correct").click()
        page.wait_for_selector("#correct-screen[data-step='form']")
        page.click(f"#correct-where [data-location='{mistake['spare']}']")
        page.click("#correct-remove")
        page.fill("#correct-qty", "2")
        page.fill("#correct-reason", "moved 3, meant 1")
        assert page.inner_text("#correct-preview") == f"Remove 2 × {mistake['sku']} from {mistake['spare']}, correcting #{mistake['move_seq']}"
        page.screenshot(path=str(SHOTS / "correct-1024x768.png"))
        page.click("#correct-post")
        page.wait_for_selector("#result.bad:has-text('Not posted')")
        page.click("#correct-post")  # the supervisor presses again
        page.wait_for_selector(f"#result.ok:has-text('{mistake['spare']} now 1')")
        assert len(keys) == 2 and keys[0] and keys[0] == keys[1]

        rows = live_server.sql("SELECT kind, qty_base, reason, corrects_seq FROM movement WHERE corrects_seq = :seq",
                               seq=mistake["move_seq"])
        assert rows == [("adjust_out", 2, "moved 3, meant 1", mistake["move_seq"])]
        page.click("#correct-history")  # back to the item's history: the correction on top, pointing at the move
        page.wait_for_selector(f".hist-row.correction[data-kind='adjust_out'] :text('#{mistake['move_seq']}')")
        _, stock = live_server.api("GET", f"/api/v1/stock/{mistake['sku']}", live_server.token("maria"))
        assert {place["location"]: place["qty"] for place in stock["locations"]} == {mistake["bin"]: 7, mistake["spare"]: 1}
        from webapp.extensions import db
        from webapp.services.projection import verify

        with db.unit_of_work() as s:
            assert verify(s) == []
    finally:
        context.close()


SIZES = {"1024x768": (1024, 768), "768x1024": (768, 1024), "1440x900": (1440, 900), "390x844": (390, 844)}


def test_the_supervisor_screens_fit_tablet_desktop_and_phone_and_list_what_expires(chromium, live_server, mistake):
    for name, (width, height) in SIZES.items():
        context = phone(chromium, viewport={"width": width, "height": height}, device_scale_factor=1)
        try:
            page = context.new_page()
            sign_in(page, live_server.url, "maria")
            open_screen(page, "#/expiry?days=7", "Expiry")
            row = page.locator(f".expiry-row[data-item='{mistake['sku']}'][data-location='{mistake['bin']}']")
            row.wait_for(timeout=15_000)
            assert "L-NIGHT" in row.inner_text() and "in 3 days" in row.inner_text() and "7" in row.inner_text()
            page.screenshot(path=str(SHOTS / f"expiry-{name}.png"))
            assert page.evaluate("document.documentElement.scrollWidth") <= width, "expiry wider than the screen"
            row.locator(f"a:has-text('{mistake['bin']}')").click()  # one tap from a bin to its history
            page.wait_for_selector(f".hist-row[data-seq='{mistake['move_seq']}']")
            page.screenshot(path=str(SHOTS / f"history-bin-{name}.png"))
            assert page.evaluate("document.documentElement.scrollWidth") <= width, "history wider than the screen"
            if name in ("1440x900", "390x844"):
                open_screen(page, f"#/correct/{mistake['move_seq']}", "Correct")
                page.wait_for_selector("#correct-screen[data-step='form']")
                page.screenshot(path=str(SHOTS / f"correct-{name}.png"))
                assert page.evaluate("document.documentElement.scrollWidth") <= width
        finally:
            context.close()


def test_from_a_scan_the_server_flagged_a_supervisor_reaches_the_items_history_in_one_tap(chromium, live_server, mistake):
    context = phone(chromium, **TABLET)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "maria")
        wait_offline_ready(page)
        open_screen(page, "#/move", "Move stock")
        scan(page, mistake["bin"])
        wait_step(page, "move-screen", "item")
        scan(page, mistake["sku"])
        wait_step(page, "move-screen", "to")
        page.fill("#qty", "900")  # the bin holds 7: green on the device, flagged by the server
        scan(page, mistake["spare"])
        page.wait_for_selector("#sb-alerts:visible:has-text('1 flagged')", timeout=20_000)
        page.click("#sb-alerts")
        page.click("#alert-list .alert-history")
        page.wait_for_selector(f"#app[data-screen='History'] .hist-row.flagged[data-kind='transfer']:has-text('900')")
        assert page.url.endswith(f"#/history?item={mistake['sku']}")
    finally:
        context.close()
