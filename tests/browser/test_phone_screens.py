"""Phone-size screens: nothing too small to hit with a gloved thumb, nothing wider than the phone.

Also saves the screens as PNGs (default /tmp/dockhand-shots, or $DOCKHAND_SHOTS) for a person to look at.
"""

import os
from pathlib import Path

import pytest

from tests.browser.floor import ITEMS, open_screen, phone, scan, sign_in, wait_offline_ready, wait_step

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("DOCKHAND_SHOTS", "/tmp/dockhand-shots"))
MIN_TARGET_PX = 64
PICK_TASKS = {"tasks": [{"kind": "pick", "order": "SO-1", "state": "picking", "lines": [
    {"line": 1, "item": "DH-10002", "name": "Basmati Rice 400g", "qty": 3, "picked": 0,
     "bins": [{"location": "WH1-A-02-01", "walk_key": "1-00-001-1"}]},
    {"line": 2, "item": "DH-10001", "name": "Basmati Rice 250g", "qty": 2, "picked": 0,
     "bins": [{"location": "WH1-A-01-01", "walk_key": "1-00-000-1"}]},
]}]}

SMALL_TARGETS = """() => [...document.querySelectorAll('button, a, input')]
    .filter((el) => el.offsetParent !== null && !el.closest('dialog:not([open])'))
    .map((el) => ({what: el.id || el.className || el.tagName, text: el.innerText || el.placeholder || '',
                   rect: el.getBoundingClientRect().toJSON()}))
    .filter(({rect}) => rect.height < %d || rect.left < 0 || rect.right > innerWidth)""" % MIN_TARGET_PX


def check_and_save(page, name: str) -> None:
    page.wait_for_selector("#flash", state="hidden")
    assert page.evaluate(SMALL_TARGETS) == [], f"{name}: targets under {MIN_TARGET_PX}px or off-screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name}: wider than the phone"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_phone_screens_have_big_targets_and_fit_the_screen(chromium, live_server):
    context = phone(chromium)
    try:
        context.route("**/api/v1/tasks", lambda route: route.fulfill(json=PICK_TASKS))
        page = context.new_page()
        page.goto(live_server.url + "/login")
        check_and_save(page, "login")
        sign_in(page, live_server.url, "maria")  # a supervisor sees every kind of work
        wait_offline_ready(page)
        page.wait_for_selector("#work-pick .work-count:text-is('1 open')")
        check_and_save(page, "home")

        open_screen(page, "#/move", "Move stock")
        scan(page, "WH1-A-03-01")
        wait_step(page, "move-screen", "item")
        scan(page, ITEMS["DH-10002"][1])  # a case: "1 CS = 24"
        wait_step(page, "move-screen", "to")
        assert "1 CS = 24" in page.inner_text("#step-item")
        check_and_save(page, "move-item")
        scan(page, "WH1-A-03-02")
        page.wait_for_selector("#moved-count:text-is('1')")
        page.wait_for_selector("#flash.ok")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "move-flash.png"))
        check_and_save(page, "move-done")

        open_screen(page, "#/pick", "Pick")
        page.click("#pick-list a")
        page.wait_for_selector("#pick-screen[data-step='bin']")
        assert "WH1-A-01-01" in page.inner_text("#prompt")  # walk order: the nearer bin first
        scan(page, "WH1-A-01-01")
        page.wait_for_selector("#pick-screen[data-step='item']")
        check_and_save(page, "pick")

        open_screen(page, "#/count", "Count")
        scan(page, "WH1-A-04-01")
        page.wait_for_selector("#result.info:has-text('Counting')")
        scan(page, ITEMS["DH-10003"][0])
        scan(page, ITEMS["DH-10003"][0])
        page.wait_for_selector("#count-lines li:has-text('2 ×')")
        check_and_save(page, "count")
        page.click("#save-count")
        page.wait_for_selector("#result.ok:has-text('Count of WH1-A-04-01 saved')")
        page.wait_for_selector("#statusbar[data-waiting='0']")
        assert page.eval_on_selector("#statusbar", "bar => bar.dataset.attention") == "0"  # applied, not refused

        context.set_offline(True)  # a refused scan and one waiting, for the status screen
        open_screen(page, "#/receive", "Receive")
        scan(page, "WH1-DOCK-1")
        wait_step(page, "receive-screen", "item")
        scan(page, "0000000000000")
        page.wait_for_selector("#result.bad")
        check_and_save(page, "receive-refused")
        scan(page, ITEMS["DH-10003"][0])
        page.wait_for_selector("#received-count:text-is('1')")
        page.evaluate("""async () => {  // a rejection, as the server would have answered it
            const db = await import('/pwa/db.js');
            const [movement] = await db.outboxInOrder(1);
            await db.settleResults([{movement, result: {status: 'rejected', error: {code: 'unknown_location',
                message: 'no location WH1-Z-99-99'}}}]);
        }""")
        scan(page, ITEMS["DH-10004"][0])
        page.wait_for_selector("#received-count:text-is('2')")
        page.click("#statusbar a.sb-link")
        page.wait_for_selector("#attention-list .card.attention")
        check_and_save(page, "status")
    finally:
        context.close()
