"""What a person does with the floor app, as steps the browser tests share."""

import time

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from tests.browser.conftest import DEMO_PASSWORD, PHONE

# Demo items (webapp/services/demo.py): SKU → unit GTIN-13, case GTIN-14.
ITEMS = {
    "DH-10001": ("5012345000015", "15012345000012"),
    "DH-10002": ("5012345000022", "15012345000029"),
    "DH-10003": ("5012345000039", "15012345000036"),
    "DH-10004": ("5012345000046", "15012345000043"),
    "DH-10005": ("5012345000053", "15012345000050"),
}
BOOT_TIMEOUT_MS = 15_000


# Diagnostics for a failed wait: the codes the app received and the gaps between keys.
RECORD_SCANS = """
window.__scans = [];
addEventListener('scanned', (e) => window.__scans.push(e.detail));
let __last = 0;
window.__keys = [];
addEventListener('keydown', (e) => { window.__keys.push([e.key, Math.round(e.timeStamp - __last)]); __last = e.timeStamp;
  if (window.__keys.length > 60) window.__keys.shift(); }, true);
"""


def phone(browser, **extra):
    """A fresh phone: its own storage, service worker and cookies."""
    context = browser.new_context(**{**PHONE, **extra})
    context.add_init_script(RECORD_SCANS)
    return context


def sign_in(page: Page, base: str, username: str) -> None:
    """Through the sign-in page, as a person would."""
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    wait_ready(page)


def wait_ready(page: Page) -> None:
    page.wait_for_selector("body[data-ready=true]", timeout=BOOT_TIMEOUT_MS)


def wait_offline_ready(page: Page) -> None:
    """The service worker controls the page and the catalogue is on the device."""
    try:
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=BOOT_TIMEOUT_MS)
        page.wait_for_function("Number(document.querySelector('#catalog-info')?.dataset.items) >= 300",
                               timeout=BOOT_TIMEOUT_MS)
    except Exception:
        print("not ready for offline:", page.evaluate("""async () => ({controller: !!navigator.serviceWorker.controller,
            registration: await navigator.serviceWorker.getRegistration().then((r) => r && {
                active: r.active?.state, installing: r.installing?.state, waiting: r.waiting?.state}),
            catalog: document.querySelector('#catalog-info')?.innerText, url: location.href})"""))
        raise


def scan(page: Page, code: str) -> None:
    """A keyboard-wedge scanner: the code as a fast burst of keys, then Enter."""
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def open_screen(page: Page, hash_path: str, screen_title: str) -> None:
    page.evaluate("(hash) => { location.hash = hash; }", hash_path)
    page.wait_for_selector(f"#app[data-screen='{screen_title}']")


def wait_step(page: Page, screen_id: str, step: str) -> None:
    try:
        page.wait_for_selector(f"#{screen_id}[data-step='{step}']", timeout=10_000)
    except Exception:
        print("scans:", page.evaluate("window.__scans"), "\nkeys:", page.evaluate("window.__keys"),
              "\nresult:", page.inner_text("#result"))
        raise


def status_bar(page: Page) -> dict:
    return page.eval_on_selector("#statusbar", "bar => ({...bar.dataset, text: bar.innerText})")


def wait_waiting(page: Page, n: int, timeout_ms: int = 20_000) -> None:
    """The status bar says `n` scans wait, and `n` really do in the outbox: the bar is refreshed once scanning
    pauses, so just after a scan it may still show the count from before it (0 while the scan waits to go)."""
    deadline = time.monotonic() + timeout_ms / 1000
    page.wait_for_selector(f"#statusbar[data-waiting='{n}']", timeout=timeout_ms)
    while _outbox_count(page) != n:
        assert time.monotonic() < deadline, f"the status bar says {n} waiting, the outbox disagrees"
        page.wait_for_timeout(50)
    page.wait_for_selector(f"#statusbar[data-waiting='{n}']", timeout=max(1, int((deadline - time.monotonic()) * 1000)))


def _outbox_count(page: Page) -> int | None:
    try:
        return page.evaluate("async () => (await import('/pwa/db.js')).outboxCount()")
    except PlaywrightError:  # the page is between two documents (a reload): ask again
        return None


def device_id(page: Page) -> str:
    return page.evaluate("localStorage.getItem('dockhand.device_id')")


def receive_stock_on_server(live_server, location: str, qty_each: int, skus) -> None:
    """Stock put in place by another device (ravi's, over the API), so the app's transfers have something to move."""
    token = live_server.token("ravi")
    movements = [{"id": f"seed-{location}-{sku}", "device_seq": n, "kind": "receive", "item": sku, "qty": qty_each,
                  "to": location, "occurred_at": "2026-11-25T08:00:00Z"} for n, sku in enumerate(skus, start=1)]
    status, body = live_server.api("POST", "/api/v1/sync", token, {"device_id": "seed-handheld", "movements": movements})
    assert status == 200 and {r["status"] for r in body["results"]} <= {"applied", "duplicate"}, body


# ---- orders on the server, as the order system and the supervisor make them ------------------

def item_barcodes(sku: str) -> tuple[str, str]:
    """A demo item's unit GTIN-13 and case GTIN-14 (webapp/services/demo.py: DH-1nnnn → 5012345 + nnnnn)."""
    from webapp.domain.checkdigit import with_check_digit

    body = "5012345" + f"{int(sku.split('-')[1]) - 10000:05d}"
    return with_check_digit(body), with_check_digit("1" + body)


def release_order(live_server, number: str, lines: list[tuple[str, int]]) -> dict:
    """A real order, reserved (validated) and released to the floor; its pick task as GET /api/v1/tasks gives it."""
    boss = live_server.token("maria")
    status, body = live_server.api("POST", "/api/v1/orders", boss, {
        "number": number, "lines": [{"item": sku, "qty": qty} for sku, qty in lines],
        "ship_to": {"name": "Ann Baker", "lines": ["12 Mill Lane", "York YO1 7HH"]}})
    assert status == 201 and body["state"] == "validated", body
    status, body = live_server.api("POST", f"/api/v1/orders/{number}/transition", boss, {"to": "picking"})
    assert status == 200 and body["state"] == "picking", body
    return pick_task(live_server, number)


def pick_task(live_server, number: str) -> dict:
    status, body = live_server.api("GET", "/api/v1/tasks", live_server.token("asha"))
    assert status == 200, body
    [task] = [t for t in body["tasks"] if t["kind"] == "pick" and number in t["orders"]]
    return task


def pick_through_api(live_server, number: str) -> dict:
    """asha picks every open step of the order's task into its tote (another handheld, straight to the server)."""
    task = pick_task(live_server, number)
    steps = [s for s in task["steps"] if s["order"] == number and s["status"] == "open"]
    movements = [{"id": f"api-pick-{number}-{s['step']}", "device_seq": n, "kind": "pick", "item": s["item"],
                  "qty": s["qty"] - s["picked"], "from": s["location"], "to": s["tote"], "ref": number,
                  "occurred_at": "2026-11-26T09:00:00Z"} for n, s in enumerate(steps, start=1)]
    status, body = live_server.api("POST", "/api/v1/sync", live_server.token("asha"),
                                   {"device_id": f"api-picker-{number}", "movements": movements})
    assert status == 200 and {r["status"] for r in body["results"]} == {"applied"}, body
    return task


def stock_numbers(live_server, sku: str) -> dict:
    status, body = live_server.api("GET", f"/api/v1/stock/{sku}", live_server.token("maria"))
    assert status == 200, body
    return body


def order_on_server(live_server, number: str) -> dict:
    status, body = live_server.api("GET", f"/api/v1/orders/{number}", live_server.token("maria"))
    assert status == 200, body
    return body


def sign_in_then_go_offline(page: Page, live_server, username: str) -> str:
    """Sign in online, wait until the app works offline (service worker, catalogue), then cut the floor's
    network (the server can no longer be reached; the browser is not told). Returns this phone's device id."""
    sign_in(page, live_server.url, username)
    wait_offline_ready(page)
    device = device_id(page)
    live_server.network.cut()
    return device


def wait_connection(page: Page, online: bool, timeout_ms: int = 20_000) -> None:
    """The app's own idea of the connection (what the server last answered), as its status bar shows it."""
    page.wait_for_selector(f"#statusbar[data-online='{str(online).lower()}']", timeout=timeout_ms)


def move_stock(page: Page, source: str, item_codes, target: str) -> None:
    """On the Move screen: scan the source bin once, then each item and the target bin.

    Waits for each confirmation, which the app shows only after the outbox transaction committed."""
    open_screen(page, "#/move", "Move stock")
    scan(page, source)
    wait_step(page, "move-screen", "item")
    for n, code in enumerate(item_codes, start=1):
        scan(page, code)
        wait_step(page, "move-screen", "to")
        scan(page, target)
        page.wait_for_selector(f"#moved-count:text-is('{n}')")
