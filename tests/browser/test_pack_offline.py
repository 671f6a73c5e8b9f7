"""Packing offline on two handhelds: each opens, fills and closes cartons with SSCCs from its own block; after the
network is back every carton is on the server, every SSCC unique and valid, and the labels print."""

import pytest

from tests.browser.floor import (item_barcodes, open_screen, phone, pick_through_api, release_order, scan, sign_in,
                                 wait_offline_ready, wait_step, wait_waiting)
from webapp.domain.sscc import is_valid_sscc

pytestmark = pytest.mark.browser
POOL = "async () => (await import('/pwa/db.js')).ssccPoolSize()"


def ready_to_pack(page, live_server, user, order):
    sign_in(page, live_server.url, user)
    wait_offline_ready(page)
    open_screen(page, "#/pack", "Pack")
    scan(page, "WH1-PACK-3")
    wait_step(page, "pack-screen", "order")
    scan(page, order)  # the order comes to the device while online
    page.wait_for_selector(f"#step-order:has-text('{order}')")
    page.wait_for_function(f"({POOL})().then((n) => n >= 10)", timeout=15_000)  # this device's SSCCs are here


def pack_carton(page, tote, codes):
    if page.get_attribute("#pack-screen", "data-step") == "tote":
        scan(page, tote)
    wait_step(page, "pack-screen", "carton")
    page.click("#open-carton-button")
    wait_step(page, "pack-screen", "item")
    sscc = page.get_attribute("#open-carton", "data-sscc")
    for code in codes:
        count = page.evaluate("Number(document.getElementById('flash').dataset.count || 0)")
        scan(page, code)
        page.wait_for_function(f"Number(document.getElementById('flash').dataset.count || 0) > {count}")
        assert page.get_attribute("#flash", "data-kind") == "ok", page.inner_text("#result")
    page.click("#close-carton-button")
    page.wait_for_selector(f"#result.ok:has-text('{sscc} closed')")
    return sscc


def test_two_handhelds_pack_offline_and_every_sscc_is_unique_and_valid_after_replay(chromium, live_server):
    orders = {"SO-OFFPACK-A": [("DH-10061", 2), ("DH-10062", 1)], "SO-OFFPACK-B": [("DH-10063", 2)]}
    totes = {}
    for number, lines in orders.items():
        release_order(live_server, number, lines)
        task = pick_through_api(live_server, number)
        totes[number] = task["steps"][0]["tote"]
    phones = [phone(chromium), phone(chromium)]
    try:
        a, b = (context.new_page() for context in phones)
        ready_to_pack(a, live_server, "asha", "SO-OFFPACK-A")
        ready_to_pack(b, live_server, "maria", "SO-OFFPACK-B")
        live_server.network.cut()  # the whole floor is offline

        unit = lambda sku: item_barcodes(sku)[0]  # noqa: E731
        first = pack_carton(a, totes["SO-OFFPACK-A"], [unit("DH-10061"), unit("DH-10061")])
        second = pack_carton(a, totes["SO-OFFPACK-A"], [unit("DH-10062")])
        third = pack_carton(b, totes["SO-OFFPACK-B"], [unit("DH-10063"), unit("DH-10063")])
        assert a.locator(f"#label-{first}.label-waiting").count() == 1  # the label waits for the network
        assert live_server.sql("SELECT COUNT(*) FROM carton WHERE sscc IN (:x, :y, :z)", x=first, y=second, z=third) == [(0,)]

        live_server.network.restore()
        for page in (a, b):
            wait_waiting(page, 0, timeout_ms=30_000)
        a.wait_for_selector(f"a#label-{second}", timeout=30_000)  # closed on the server: the label prints
        b.wait_for_selector(f"a#label-{third}", timeout=30_000)

        ssccs = [first, second, third]
        assert len(set(ssccs)) == 3 and all(is_valid_sscc(s) for s in ssccs)
        rows = live_server.sql("SELECT c.sscc, o.number, c.status FROM carton c JOIN sales_order o ON o.id = c.order_id "
                               "WHERE o.number LIKE 'SO-OFFPACK-%' ORDER BY c.sscc")
        assert sorted(rows) == sorted([(first, "SO-OFFPACK-A", "closed"), (second, "SO-OFFPACK-A", "closed"),
                                       (third, "SO-OFFPACK-B", "closed")])
        blocks = live_server.sql("SELECT device_id, company_prefix, first_serial, count FROM sscc_block")
        devices = [page.evaluate("localStorage.getItem('dockhand.device_id')") for page in (a, b)]

        def issued_to(sscc):
            return [d for d, prefix, start, n in blocks if sscc[1:1 + len(prefix)] == prefix
                    and start <= int(sscc[1 + len(prefix):17]) < start + n]

        assert [issued_to(s) for s in ssccs] == [[devices[0]], [devices[0]], [devices[1]]]  # each from its own block
        for number in orders:
            status, order = live_server.api("GET", f"/api/v1/orders/{number}", live_server.token("maria"))
            assert order["state"] == "packed", order
        a.wait_for_selector("#packing-slip")
    finally:
        for context in phones:
            context.close()
