"""Phone-size screens: nothing too small to hit with a gloved thumb, nothing wider than the phone.

Also saves the screens as PNGs (default /tmp/dockhand-shots, or $DOCKHAND_SHOTS) for a person to look at.
"""

import os
from pathlib import Path

import pytest

from tests.browser.floor import (ITEMS, item_barcodes, open_screen, phone, pick_through_api, release_order, scan, sign_in,
                                 wait_offline_ready, wait_step)

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("DOCKHAND_SHOTS", "/tmp/dockhand-shots"))
MIN_TARGET_PX = 64
PICK_ORDER, PACK_ORDER = "SO-PHONE-PICK", "SO-PHONE-PACK"

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
    pick_task = release_order(live_server, PICK_ORDER, [("DH-10025", 3), ("DH-10026", 2)])
    release_order(live_server, PACK_ORDER, [("DH-10027", 2), ("DH-10028", 1)])
    pack_task = pick_through_api(live_server, PACK_ORDER)
    context = phone(chromium)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/login")
        check_and_save(page, "login")
        sign_in(page, live_server.url, "maria")  # a supervisor sees every kind of work
        wait_offline_ready(page)
        page.wait_for_selector("#work-pick .work-count:has-text('open')")
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
        page.click(f"#pick-list a[data-orders~='{PICK_ORDER}']", timeout=15_000)
        page.wait_for_selector("#pick-screen[data-step='bin']")
        first = pick_task["steps"][0]
        assert first["location"] in page.inner_text("#prompt")  # walk order: the server's first step
        scan(page, first["location"])
        page.wait_for_selector("#pick-screen[data-step='item']")
        check_and_save(page, "pick")
        page.click("#short")
        page.wait_for_selector("dialog.keypad-dialog[open]")
        page.click("dialog.keypad-dialog [data-key='1']")
        check_and_save(page, "pick-short")
        page.click("dialog.keypad-dialog button[value=cancel]")  # nothing reported
        page.wait_for_selector("dialog.keypad-dialog", state="detached")

        open_screen(page, "#/pack", "Pack")
        scan(page, "WH1-PACK-1")
        wait_step(page, "pack-screen", "order")
        scan(page, PACK_ORDER)  # the packing slip's or pick list's order barcode
        wait_step(page, "pack-screen", "tote")
        scan(page, pack_task["steps"][0]["tote"])
        wait_step(page, "pack-screen", "carton")
        check_and_save(page, "pack-order")
        page.click("#open-carton-button")
        wait_step(page, "pack-screen", "item")
        sscc = page.get_attribute("#open-carton", "data-sscc")
        scan(page, item_barcodes("DH-10027")[0])
        page.wait_for_selector("#pack-lines li[data-item='DH-10027'][data-packed='1']")
        check_and_save(page, "pack-carton")
        scan(page, item_barcodes("DH-10027")[0])
        scan(page, item_barcodes("DH-10028")[0])
        page.wait_for_selector("#pack-lines li[data-item='DH-10028'][data-packed='1']")
        page.click("#close-carton-button")
        page.wait_for_selector("#result.ok:has-text('closed')")
        page.wait_for_selector("#packing-slip")
        page.wait_for_selector("#order-state:text-is('packed')", timeout=10_000)  # the server's word, fetched again
        check_and_save(page, "pack-closed")

        open_screen(page, "#/dispatch", "Dispatch")
        scan(page, "WH1-OUT-1")
        wait_step(page, "dispatch-screen", "carton")
        scan(page, "]C100" + sscc)
        page.wait_for_selector("#dispatched-count:text-is('1')")
        check_and_save(page, "dispatch")

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

        live_server.network.cut()  # a refused scan and one waiting, for the status screen
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
