"""A movement the server keeps refusing must not hold up the scans behind it (real Chromium, real server).

The server's fault is injected at the floor's edge: the sync request that carries one chosen movement is
answered 400 or 500 while /healthz is fine, as a server with a bug for that one payload would."""

import pytest

from tests.browser.floor import ITEMS, move_stock, phone, sign_in_then_go_offline, wait_waiting

pytestmark = pytest.mark.browser


def _poison_one(context, status: int) -> dict:
    seen = {"poison": None, "batches": []}

    def server_with_a_bug_for_one_payload(route):
        batch = route.request.post_data_json["movements"]
        if seen["poison"] is None:
            seen["poison"] = batch[2]["id"]  # the third scan of the first batch
        seen["batches"].append(len(batch))
        if any(m["id"] == seen["poison"] for m in batch):
            route.fulfill(status=status, json={"error": {"code": "boom", "message": f"the server failed ({status})"}})
        else:
            route.continue_()

    context.route("**/api/v1/sync", server_with_a_bug_for_one_payload)
    return seen


@pytest.mark.parametrize("status", [400, 500])
def test_one_movement_the_server_keeps_refusing_goes_to_needs_attention_and_the_rest_flow(
        chromium, live_server, status):
    context = phone(chromium)
    try:
        page = context.new_page()
        device = sign_in_then_go_offline(page, live_server, "asha")
        move_stock(page, "WH1-D-07-01", [ITEMS["DH-10002"][0]] * 6, "WH1-D-07-02")
        wait_waiting(page, 6)
        seen = _poison_one(context, status)
        live_server.network.restore()

        wait_waiting(page, 0, timeout_ms=40_000)
        page.wait_for_selector("#statusbar[data-attention='1']")
        sent = live_server.movements_of_device(device)
        assert len(sent) == 5 and seen["poison"] not in {m["id"] for m in sent}
        assert seen["batches"][0] == 6 and 1 in seen["batches"]  # halved down to the one bad movement
        page.click("#statusbar a.sb-link")
        card = page.locator("#attention-list .card.attention")
        card.wait_for()
        assert f"the server failed ({status})" in card.inner_text()
    finally:
        context.close()
