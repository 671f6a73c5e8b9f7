"""What the floor app does with the server's rules (issues 11 and 12): a release whose answer was lost is sent
again with the same Idempotency-Key and creates one walk; the quantity limit is the one the server gave."""

import pytest

from tests.browser.floor import (
    ITEMS,
    open_screen,
    phone,
    scan,
    sign_in,
    wait_offline_ready,
    wait_step,
)

pytestmark = pytest.mark.browser


def test_a_release_whose_answer_was_lost_is_retried_with_its_key_and_makes_one_walk(chromium, live_server):
    number = "SO-RETRY-1"
    status, body = live_server.api("POST", "/api/v1/orders", live_server.token("maria"),
                                   {"number": number, "lines": [{"item": "DH-10007", "qty": 1}]})
    assert status == 201 and body["state"] == "validated", body
    context = phone(chromium)
    keys = []

    def lose_the_first_answer(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            assert route.fetch().status == 201  # the server released the order…
            route.abort("connectionreset")  # …and the answer never reached the tablet
        else:
            route.continue_()

    try:
        page = context.new_page()
        sign_in(page, live_server.url, "maria")
        context.route("**/api/v1/pick-tasks", lose_the_first_answer)
        open_screen(page, "#/release", "Release")
        page.wait_for_selector(f".release-order[data-order='{number}']", timeout=15_000)
        page.click(f".release-order[data-order='{number}']")
        page.click("#release-button")
        page.wait_for_selector("#result.bad:has-text('Not released')")
        page.click("#release-button")  # the supervisor taps again
        page.wait_for_selector(f"#result.ok:has-text('Released {number}')")
        assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
        walks = live_server.sql("SELECT COUNT(DISTINCT s.task_id) FROM pick_step s JOIN order_line l ON l.id = s.order_line_id "
                                "JOIN sales_order o ON o.id = l.order_id WHERE o.number = :n", n=number)
        assert walks == [(1,)]
    finally:
        context.close()


def test_the_keypad_refuses_more_than_the_server_allows(chromium, live_server):
    context = phone(chromium)

    def a_server_with_a_limit_of_five(route):
        response = route.fetch()
        body = response.json()
        body["limits"] = {**body["limits"], "max_qty": 5}
        route.fulfill(response=response, json=body)

    try:
        context.route("**/api/v1/me", a_server_with_a_limit_of_five)
        context.route("**/api/v1/login", a_server_with_a_limit_of_five)
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)  # the bins and items are on the device before the first scan
        open_screen(page, "#/move", "Move stock")
        scan(page, "WH1-A-01-01")
        wait_step(page, "move-screen", "item")
        scan(page, ITEMS["DH-10001"][0])
        wait_step(page, "move-screen", "to")
        assert page.evaluate("async () => (await import('/pwa/db.js')).getMeta('limits')")["max_qty"] == 5
        assert page.evaluate("async () => (await import('/pwa/views/ui.js')).validQty(6)") is False
        assert page.evaluate("async () => (await import('/pwa/views/ui.js')).validQty(5)") is True
    finally:
        context.close()
