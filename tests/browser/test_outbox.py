"""The device outbox in real Chromium against the real server: scans survive, replay once, in order."""

import pytest

from tests.browser.floor import (
    ITEMS,
    device_id,
    move_stock,
    phone,
    receive_stock_on_server,
    sign_in,
    sign_in_then_go_offline,
    status_bar,
    wait_offline_ready,
    wait_connection,
    wait_ready,
    wait_waiting,
)

pytestmark = pytest.mark.browser


def test_fifty_offline_scans_survive_closing_the_page_and_apply_once(chromium, live_server):
    source, target = "WH1-B-01-01", "WH1-B-01-02"
    skus = list(ITEMS)
    receive_stock_on_server(live_server, source, 20, skus)
    before = {sku: (live_server.stock_at(sku, source), live_server.stock_at(sku, target)) for sku in skus}
    context = phone(chromium)
    try:
        page = context.new_page()
        device = sign_in_then_go_offline(page, live_server, "asha")
        # Each confirmation shows only after the outbox transaction committed, with the beep and the green flash.
        move_stock(page, source, [ITEMS[skus[n % len(skus)]][0] for n in range(1, 51)], target)
        assert page.get_attribute("#flash", "data-kind") == "ok"
        page.close()  # right after the last confirmation: no polite wait

        page = context.new_page()  # still offline: the shell comes from the service worker
        page.goto(live_server.url + "/")
        wait_ready(page)
        wait_waiting(page, 50)
        wait_connection(page, online=False)
        assert live_server.movements_of_device(device) == []

        live_server.network.restore()
        wait_waiting(page, 0)
        bar = status_bar(page)
        assert bar["lastSync"] and "Synced" in bar["text"]
        movements = live_server.movements_of_device(device)
        assert len(movements) == 50
        assert len({m["id"] for m in movements}) == 50
        assert {(m["kind"], m["scanned_by"]) for m in movements} == {("transfer", "asha")}
        assert [m["device_seq"] for m in movements] == sorted(m["device_seq"] for m in movements)
        for sku in skus:
            moved = sum(1 for n in range(1, 51) if skus[n % len(skus)] == sku)
            assert live_server.stock_at(sku, source) == before[sku][0] - moved
            assert live_server.stock_at(sku, target) == before[sku][1] + moved
    finally:
        context.close()


def test_connection_cut_mid_replay_loses_and_doubles_nothing(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "asha")
        wait_offline_ready(page)
        device = device_id(page)
        page.evaluate("localStorage.setItem('dockhand.batch_size', '4')")  # test hook: small batches
        page.reload()
        wait_ready(page)
        live_server.network.cut()
        move_stock(page, "WH1-C-01-01", [ITEMS["DH-10003"][0]] * 10, "WH1-C-01-02")
        wait_waiting(page, 10)

        calls = []

        def cut_after_the_server_applied_the_first_batch(route):
            calls.append(len(route.request.post_data_json["movements"]))
            if len(calls) == 1:
                response = route.fetch()  # the server applies the batch…
                assert response.status == 200
                route.abort("connectionreset")  # …and the answer never reaches the phone
            else:
                route.continue_()

        context.route("**/api/v1/sync", cut_after_the_server_applied_the_first_batch)
        live_server.network.restore()
        wait_waiting(page, 0, timeout_ms=30_000)
        assert calls[0] == 4 and len(calls) >= 4  # batches of 4, the first one sent twice
        movements = live_server.movements_of_device(device)
        assert len(movements) == 10
        assert len({m["id"] for m in movements}) == 10
        assert page.evaluate("async () => (await import('/pwa/db.js')).outboxCount()") == 0
    finally:
        context.close()


def test_a_batch_too_large_for_the_server_is_split(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        device = sign_in_then_go_offline(page, live_server, "asha")
        move_stock(page, "WH1-D-03-01", [ITEMS["DH-10001"][0]] * 5, "WH1-D-03-02")
        sizes = []

        def server_takes_at_most_two(route):
            batch = route.request.post_data_json["movements"]
            sizes.append(len(batch))
            if len(batch) > 2:
                route.fulfill(status=413, json={"error": {"code": "batch_too_large", "message": "at most 2 movements"}})
            else:
                route.continue_()

        context.route("**/api/v1/sync", server_takes_at_most_two)
        live_server.network.restore()
        wait_waiting(page, 0)
        assert sizes[:3] == [5, 3, 2]  # halved until it fits
        assert len(live_server.movements_of_device(device)) == 5
    finally:
        context.close()


def test_service_worker_sends_the_outbox_with_no_page_open(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        device = sign_in_then_go_offline(page, live_server, "asha")
        move_stock(page, "WH1-D-04-01", [ITEMS["DH-10003"][0]] * 2, "WH1-D-04-02")
        blank = context.new_page()  # keeps the context (the "browser") alive with no Dockhand page
        devtools = context.new_cdp_session(blank)
        registrations = []
        devtools.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
        devtools.send("ServiceWorker.enable")
        page.close()
        live_server.network.restore()
        blank.wait_for_timeout(200)
        for _ in range(50):
            if registrations:
                break
            blank.wait_for_timeout(100)
        # What the browser does when it believes the connection is back: fire the sync event.
        [registration] = [r for r in registrations if not r.get("isDeleted")]
        devtools.send("ServiceWorker.dispatchSyncEvent", {"origin": live_server.url, "registrationId":
                      registration["registrationId"], "tag": "dockhand-outbox", "lastChance": False})
        for _ in range(100):
            if len(live_server.movements_of_device(device)) == 2:
                break
            blank.wait_for_timeout(100)
        assert [m["kind"] for m in live_server.movements_of_device(device)] == ["transfer", "transfer"]
        app = context.new_page()
        app.goto(live_server.url + "/")
        wait_ready(app)
        wait_waiting(app, 0)
    finally:
        context.close()


def test_new_app_version_replaces_old_caches_and_keeps_waiting_scans(chromium, live_server):
    context = phone(chromium)
    try:
        page = context.new_page()
        device = sign_in_then_go_offline(page, live_server, "asha")
        move_stock(page, "WH1-D-05-01", [ITEMS["DH-10002"][0]], "WH1-D-05-02")
        context.route("**/api/v1/sync", lambda route: route.abort())  # the scan must still be waiting afterwards
        live_server.network.restore()
        caches = page.evaluate("""async () => {
            await (await caches.open('dockhand-shell-0-old')).put('/old', new Response('old shell'));
            await (await caches.open('someone-elses-cache')).put('/x', new Response('x'));
            const current = (await caches.keys()).filter((name) => name.startsWith('dockhand-shell-') && name !== 'dockhand-shell-0-old');
            // A new service worker script (another URL is a new version to the browser).
            const registration = await navigator.serviceWorker.register('/sw.js?build=next', {type: 'module', scope: '/'});
            const worker = registration.installing || registration.waiting;
            if (worker) await new Promise((done) => worker.addEventListener('statechange', () => worker.state === 'activated' && done()));
            return {current, after: await caches.keys(), script: registration.active.scriptURL};
        }""")
        assert caches["script"].endswith("/sw.js?build=next")
        assert "dockhand-shell-0-old" not in caches["after"]
        assert "someone-elses-cache" in caches["after"] and set(caches["current"]) <= set(caches["after"])
        page.reload()
        wait_ready(page)
        assert status_bar(page)["waiting"] == "1"  # IndexedDB untouched by the new version
        context.unroute("**/api/v1/sync")
        page.evaluate("async () => (await import('/pwa/outbox.js')).replay()")
        wait_waiting(page, 0)
        assert len(live_server.movements_of_device(device)) == 1
    finally:
        context.close()
