"""Picking real pick tasks (GET /api/v1/tasks): the app checks bin, item, quantity and the order's own tote
offline, then queues the pick; a short pick says how many are missing and the server finds them elsewhere."""

import pytest

from tests.browser.floor import (device_id, item_barcodes, open_screen, order_on_server, phone, receive_stock_on_server, release_order, scan, sign_in, stock_numbers,
                                 wait_offline_ready, wait_step, wait_waiting)

pytestmark = pytest.mark.browser


def open_task(page, order: str) -> None:
    open_screen(page, "#/pick", "Pick")
    page.click(f"#pick-list a[data-orders~='{order}']", timeout=15_000)
    page.wait_for_selector("#pick-screen[data-step='bin']")


def outbox_count(page) -> int:
    return page.evaluate("async () => (await import('/pwa/db.js')).outboxCount()")


def test_pick_checks_bin_item_and_tote_offline_and_short_reports_the_rest(chromium, live_server):
    order = "SO-PICK-1"
    a, b = "DH-10021", "DH-10022"
    task = release_order(live_server, order, [(a, 3), (b, 2)])
    steps = {s["item"]: s for s in task["steps"]}
    tote = steps[a]["tote"]
    assert steps[b]["tote"] == tote and tote  # one order, one tote
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        open_task(page, order)  # the task is on the device…
        device = device_id(page)
        live_server.network.cut()  # …so picking needs no connection
        page.reload()
        page.wait_for_selector("#pick-screen[data-step='bin']")
        first, second = task["steps"][0], task["steps"][1]
        assert first["location"] in page.inner_text("#prompt")  # walk order: the server's first step

        scan(page, second["location"])  # the other step's bin
        page.wait_for_selector("#result.bad:has-text('Wrong bin')")
        scan(page, first["location"])
        wait_step(page, "pick-screen", "item")
        scan(page, item_barcodes(second["item"])[0])  # the wrong item
        page.wait_for_selector("#result.bad:has-text('Wrong item')")
        for n in range(1, first["qty"] + 1):  # each unit scan counts one
            scan(page, item_barcodes(first["item"])[0])
            page.wait_for_selector(f"#counted:text-is('{n}')")
        wait_step(page, "pick-screen", "tote")
        scan(page, second["location"])  # a bin is not a tote
        page.wait_for_selector("#result.bad:has-text('Scan a tote')")
        assert outbox_count(page) == 0
        scan(page, tote)
        page.wait_for_selector(f"#result.ok:has-text('Picked {first['qty']}')")
        wait_step(page, "pick-screen", "bin")
        assert second["location"] in page.inner_text("#prompt")  # the next step

        page.click("#short")  # nothing there at all: all of it missing
        page.wait_for_selector("dialog.keypad-dialog[open]")
        assert page.inner_text("#keypad-display") == str(second["qty"])
        page.click("#keypad-ok")
        page.wait_for_selector("#prompt:has-text('All picked')")
        wait_waiting(page, 2)

        live_server.network.restore()
        wait_waiting(page, 0)
        movements = live_server.movements_of_device(device)
        assert [(m["kind"], m["from_code"], m["to_code"], m["qty_base"], m["ref"]) for m in movements] == [
            ("pick", first["location"], tote, first["qty"], order), ("short", second["location"], None, second["qty"], order)]
        assert "order_not_open" not in movements[0]["flags"]
        lines = {line["item"]: line["picked"] for line in order_on_server(live_server, order)["lines"]}
        assert lines == {first["item"]: first["qty"], second["item"]: 0}
    finally:
        context.close()


def test_picker_picks_an_order_offline_with_a_wrong_item_and_a_short_then_server_matches(chromium, live_server):
    order = "SO-PICK-OFFLINE"
    a, b = "DH-10011", "DH-10012"
    other_bin = "WH1-C-05-01"
    receive_stock_on_server(live_server, other_bin, 10, [b])  # a second bin of b, later in the walk
    before = {sku: stock_numbers(live_server, sku) for sku in (a, b)}
    task = release_order(live_server, order, [(a, 3), (b, 4)])
    step_a, step_b = task["steps"]
    assert (step_a["item"], step_a["qty"], step_b["item"], step_b["qty"]) == (a, 3, b, 4)  # walk order: a's bin first
    assert step_b["location"] != other_bin  # b comes from its first bin; the other one is the fallback
    tote = step_a["tote"]
    wrong_tote = "TOTE-40" if tote != "TOTE-40" else "TOTE-39"
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        open_screen(page, "#/pick", "Pick")
        page.wait_for_selector(f"#pick-list a[data-orders~='{order}']", timeout=15_000)
        device = device_id(page)

        live_server.network.cut()
        page.click(f"#pick-list a[data-orders~='{order}']")
        wait_step(page, "pick-screen", "bin")
        assert step_a["location"] in page.inner_text("#prompt") and tote in page.inner_text("#step-tote")
        scan(page, step_a["location"])
        wait_step(page, "pick-screen", "item")
        scan(page, item_barcodes(b)[0])  # the wrong item: refused, nothing queued
        page.wait_for_selector("#result.bad:has-text('Wrong item')")
        assert page.get_attribute("#flash", "data-kind") == "bad"
        assert outbox_count(page) == 0
        scan(page, item_barcodes(a)[0])
        wait_step(page, "pick-screen", "tote")
        page.click("#set-qty")  # counted by hand: the keypad sets the number
        page.wait_for_selector("dialog.keypad-dialog[open]")
        page.click("dialog.keypad-dialog [data-key='3']")
        page.click("#keypad-ok")
        page.wait_for_selector("#counted:text-is('3')")
        scan(page, wrong_tote)  # every order has its own tote
        page.wait_for_selector(f"#result.bad:has-text('Wrong tote'):has-text('{tote}')")
        assert outbox_count(page) == 0
        scan(page, tote)
        page.wait_for_selector("#result.ok:has-text('Picked 3')")
        wait_waiting(page, 1)

        wait_step(page, "pick-screen", "bin")
        assert step_b["location"] in page.inner_text("#prompt")
        scan(page, step_b["location"])
        wait_step(page, "pick-screen", "item")
        page.click("#short")  # only 2 of the 4 are in the bin
        page.wait_for_selector("dialog.keypad-dialog[open]")
        page.click("dialog.keypad-dialog [data-key='2']")
        assert page.inner_text("#keypad-display") == "2"
        page.click("#keypad-ok")
        page.wait_for_selector("#result.ok:has-text('Short 2')")
        wait_waiting(page, 2)
        wait_step(page, "pick-screen", "item")  # still at this bin: pick what is there
        assert page.inner_text("#step-left") == "2"
        scan(page, item_barcodes(b)[0])
        scan(page, item_barcodes(b)[0])
        page.wait_for_selector("#counted:text-is('2')")
        scan(page, tote)
        page.wait_for_selector("#result.ok:has-text('Picked 2')")
        page.wait_for_selector("#prompt:has-text('All picked')")
        wait_waiting(page, 3)
        assert live_server.movements_of_device(device) == []  # nothing reached the server while offline

        live_server.network.restore()
        wait_waiting(page, 0)
        # The server moved the missing 2 to the other bin; the device fetched its tasks again by itself.
        page.wait_for_selector(f"#prompt:has-text('{other_bin}')", timeout=20_000)

        movements = live_server.movements_of_device(device)
        assert [(m["kind"], m["from_code"], m["to_code"], m["qty_base"], m["ref"], m["scanned_by"]) for m in movements] == [
            ("pick", step_a["location"], tote, 3, order, "asha"),
            ("short", step_b["location"], None, 2, order, "asha"),
            ("pick", step_b["location"], tote, 2, order, "asha")]  # one movement per queued scan, in order
        assert all("order_not_open" not in (m["flags"] or "") for m in movements)
        server_order = order_on_server(live_server, order)
        assert server_order["state"] == "picking"
        assert {(l["item"], l["picked"], l["reserved"]) for l in server_order["lines"]} == {(a, 3, 0), (b, 2, 2)}

        status, exceptions = live_server.api("GET", "/api/v1/exceptions?limit=1000", live_server.token("maria"))
        shorts = [e for e in exceptions["items"] if e["code"] == "short_pick" and e["ref"] == order]
        assert [(e["item"], e["location"]) for e in shorts] == [(b, step_b["location"])]
        counts = live_server.sql("SELECT l.code, c.state FROM stock_count c JOIN count_location cl ON cl.count_id = c.id "
                                 "JOIN location l ON l.id = cl.location_id WHERE c.note LIKE :why", why=f"%{order}%")
        assert counts == [(step_b["location"], "counting")]
        task_now = [t for t in live_server.api("GET", "/api/v1/tasks", live_server.token("asha"))[1]["tasks"]
                    if t["kind"] == "pick" and order in t["orders"]]
        assert [(s["location"], s["item"], s["qty"], s["tote"]) for s in task_now[0]["steps"] if s["status"] == "open"] == [
            (other_bin, b, 2, tote)]

        # The five numbers: picked moved reserved → committed; nothing left the warehouse.
        after = {sku: stock_numbers(live_server, sku) for sku in (a, b)}
        for sku, picked, still_reserved in ((a, 3, 0), (b, 2, 2)):
            assert after[sku]["on_hand"] == before[sku]["on_hand"], sku
            assert after[sku]["committed"] - before[sku]["committed"] == picked, sku  # committed == picked
            assert after[sku]["reserved"] - before[sku]["reserved"] == still_reserved, sku
            assert after[sku]["available"] == after[sku]["on_hand"] - after[sku]["reserved"] - after[sku]["committed"]
        assert live_server.stock_at(b, tote) == 2 and live_server.stock_at(a, tote) == 3
    finally:
        context.close()


# Every tone the app plays, by frequency (feedback.js: 140 Hz is the refusal buzz).
RECORD_TONES = """
window.__tones = [];
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) { window.__tones.push(Math.round(this.frequency.value)); return start.apply(this, args); };
"""


def test_a_picker_who_took_2_of_3_and_scans_the_tote_records_2_and_a_fourth_scan_buzzes(chromium, live_server):
    order = "SO-PICK-COUNT"
    item = "DH-10041"
    task = release_order(live_server, order, [(item, 3)])
    [step] = task["steps"]
    context = phone(chromium)
    context.add_init_script(RECORD_TONES)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        device = device_id(page)
        open_task(page, order)
        scan(page, step["location"])
        wait_step(page, "pick-screen", "item")
        unit = item_barcodes(item)[0]
        scan(page, unit)
        page.wait_for_selector("#counted:text-is('1')")
        assert "of 3" in page.inner_text("#pick-screen .counted")
        scan(page, unit)
        page.wait_for_selector("#counted:text-is('2')")
        assert "Put 2 in" in page.inner_text("#prompt")  # the number being confirmed, where the eye is
        scan(page, step["tote"])
        page.wait_for_selector("#result.ok:has-text('Picked 2')")
        wait_waiting(page, 0)
        [pick] = live_server.movements_of_device(device)
        assert (pick["kind"], pick["qty_base"], pick["to_code"]) == ("pick", 2, step["tote"])

        # The last one: the bin is remembered; a second unit is one too many.
        wait_step(page, "pick-screen", "item")
        scan(page, unit)
        page.wait_for_selector("#counted:text-is('1')")
        page.evaluate("window.__tones = []")
        scan(page, unit)
        page.wait_for_selector("#result.bad:has-text('Too many')")
        assert page.inner_text("#counted") == "1"
        assert 140 in page.evaluate("window.__tones"), "an over-scan buzzes"
        scan(page, step["tote"])
        page.wait_for_selector("#prompt:has-text('All picked')")
        wait_waiting(page, 0)
        assert [m["qty_base"] for m in live_server.movements_of_device(device)] == [2, 1]
    finally:
        context.close()
