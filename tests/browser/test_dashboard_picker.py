"""The dashboard's warehouse picker in a real Chromium, with two warehouses: a supervisor picks the north DC on a
tablet; the pick survives a reload (kept on the device); a receipt in the other warehouse does not show while one
in the picked warehouse shows live; back on All, the other warehouse's movements show live again; a remembered
warehouse that no longer exists falls back to All. Screenshots at tablet and phone sizes go to
docs/screenshots/dashboard/.

Two warehouses must not reach the shared demo server (its orders name no warehouse), so this test runs its own
server in another process (tests/browser/own_server.py)."""
import uuid

import pytest

from tests.browser.floor import open_screen, phone, sign_in
from tests.browser.own_server import own_demo_server
from tests.browser.test_dashboard import TABLET, shot
from tests.browser.test_phone_screens import SMALL_TARGETS

pytestmark = pytest.mark.browser
NORTH, NORTH_BIN, HOME_LANE, SKU = "WH9", "WH9-B-01", "WH1-OUT-2", "DH-10093"


@pytest.fixture(scope="module")
def two_warehouses(tmp_path_factory):
    with own_demo_server(tmp_path_factory, "picker") as (network, api, _):
        for body in ({"code": NORTH, "kind": "warehouse", "name": "North DC"},
                     {"code": "WH9-Z", "kind": "zone", "parent": NORTH},
                     {"code": NORTH_BIN, "kind": "bin", "parent": "WH9-Z"}):
            assert api("POST", "/api/v1/locations", "admin", body)[0] == 201, body
        yield {"url": f"http://127.0.0.1:{network.port}", "api": api}


def receive(api, qty: int, to: str) -> None:
    status, body = api("POST", "/api/v1/sync", "ravi", {"device_id": "picker-test-gun", "movements": [{
        "id": str(uuid.uuid4()), "device_seq": 1, "kind": "receive", "item": SKU, "qty": qty, "to": to,
        "occurred_at": "2026-11-27T10:00:00Z"}]})
    assert status == 200 and body["results"][0]["status"] == "applied", body


def showing(page, board: str) -> None:
    """The panels are read for `board` and the socket subscribed for it."""
    page.wait_for_selector(f"#dashboard-screen[data-board='{board}'] #dash-live[data-state=live]", timeout=15_000)


def pick(page, code: str, board: str) -> None:
    page.click(f"#dash-picker .dash-pick[data-warehouse='{code}']")
    showing(page, board)
    assert page.get_attribute(f"#dash-picker .dash-pick[data-warehouse='{code}']", "aria-pressed") == "true"


def test_a_supervisor_picks_a_warehouse_and_sees_only_its_floor_live_and_the_tablet_keeps_the_pick(
        chromium, two_warehouses):
    base, api = two_warehouses["url"], two_warehouses["api"]
    tablet = chromium.new_context(**TABLET)
    try:
        board = tablet.new_page()
        sign_in(board, base, "maria")
        open_screen(board, "#/dashboard", "Dashboard")
        showing(board, "all")  # a new device starts on All
        assert board.locator("#dash-picker .dash-pick .dash-pick-code").all_text_contents() == ["All", "WH1", "WH9"]
        assert board.locator("#dash-picker .dash-pick .dash-pick-name").all_text_contents() == [
            "2 warehouses", "Dockhand Demo DC", "North DC"]

        pick(board, NORTH, NORTH)
        assert board.inner_text(".dash-head h1") == "Floor WH9"
        assert board.locator(".dash-zone").evaluate_all("zones => zones.map((z) => z.dataset.zone)") == ["WH9-Z"]
        board.reload()  # the wall tablet restarts: it comes back to its warehouse
        showing(board, NORTH)
        board.evaluate("window.__notReloaded = true")

        # The other warehouse first: were it delivered, it would arrive before the picked one's.
        receive(api, 7, HOME_LANE)
        receive(api, 3, NORTH_BIN)
        board.wait_for_selector(f"#dash-recent li:has-text('receive 3 × {SKU}')", timeout=10_000)
        board.wait_for_selector(".dash-zone[data-zone='WH9-Z'][data-movements='1']")
        assert HOME_LANE not in board.inner_text("#dash-recent")
        shot(board, "picker-tablet-1024x768")

        pick(board, "", "all")  # back to All: the socket now carries every warehouse again
        assert board.inner_text(".dash-head h1") == "Floor · all warehouses"
        receive(api, 5, HOME_LANE)
        board.wait_for_selector(f"#dash-recent li:has-text('receive 5 × {SKU} → {HOME_LANE}')", timeout=10_000)
        assert board.evaluate("window.__notReloaded") is True
        assert board.evaluate("localStorage.getItem('dockhand.dashboard.warehouse')") is None
    finally:
        tablet.close()

    small = phone(chromium)
    try:
        page = small.new_page()
        sign_in(page, base, "maria")
        page.evaluate("localStorage.setItem('dockhand.dashboard.warehouse', 'WH-CLOSED')")  # a warehouse since gone
        open_screen(page, "#/dashboard", "Dashboard")
        showing(page, "all")
        assert page.evaluate("localStorage.getItem('dockhand.dashboard.warehouse')") is None
        pick(page, NORTH, NORTH)
        assert page.evaluate(SMALL_TARGETS) == [], "targets under 64 px or off-screen on a phone"
        shot(page, "picker-phone-390x844")
    finally:
        small.close()
