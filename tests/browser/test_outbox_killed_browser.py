"""The outbox survives the browser being killed (SIGKILL) right after the beep, not after a polite wait.

Chromium runs here as our own process on a profile on disk, driven over CDP, so that the test can
kill it the instant the green confirmation shows and start it again on the same profile.
"""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.browser.floor import (
    ITEMS,
    move_stock,
    receive_stock_on_server,
    sign_in,
    sign_in_then_go_offline,
    status_bar,
    wait_connection,
    wait_ready,
    wait_waiting,
)

SCANS = 12


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnChromium:
    """A Chromium process of our own (so we hold its pid) on a persistent profile."""

    def __init__(self, playwright, profile: str) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [chromium_path(), "--headless=new", f"--user-data-dir={profile}", f"--remote-debugging-port={self.port}",
             "--window-size=390,844", *CHROMIUM_ARGS, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/version", timeout=1) as answer:
                    json.load(answer)
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError("Chromium did not open its DevTools port")
                time.sleep(0.1)
        self.browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{self.port}")
        self.context = self.browser.contexts[0]

    def new_page(self):
        """A page whose CSP the test harness may bypass (as Playwright's bypass_csp does), see conftest.PHONE."""
        page = self.context.new_page()
        self.context.new_cdp_session(page).send("Page.setBypassCSP", {"enabled": True})
        return page

    def kill(self) -> None:
        """SIGKILL every Chromium process of this profile: no shutdown, no flush, like a battery pulled."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)


def test_scans_confirmed_before_the_browser_is_killed_are_all_sent_after_restart(playwright_driver, live_server,
                                                                                  tmp_path):
    source, target = "WH1-C-02-01", "WH1-C-02-02"
    skus = list(ITEMS)
    receive_stock_on_server(live_server, source, 10, skus)
    profile = str(tmp_path / "profile")
    first = OwnChromium(playwright_driver, profile)
    try:
        page = first.new_page()
        device = sign_in_then_go_offline(page, live_server, "asha")
        move_stock(page, source, [ITEMS[skus[n % len(skus)]][0] for n in range(1, SCANS + 1)], target)
    finally:
        first.kill()  # the instant the last confirmation showed

    assert live_server.movements_of_device(device) == []
    second = OwnChromium(playwright_driver, profile)
    try:
        live_server.network.cut()
        page = second.context.new_page()  # only selector waits from here on: the app's own CSP stays in force
        console = []
        page.on("console", lambda message: console.append(message.text))
        page.goto(live_server.url + "/")  # offline: the service worker answers from its cache
        wait_ready(page)
        wait_waiting(page, SCANS)
        wait_connection(page, online=False)
        live_server.network.restore()
        # The killed browser lost its session cookie: the scans wait for a sign-in, then go.
        sign_in(page, live_server.url, "asha")
        try:
            wait_waiting(page, 0, timeout_ms=30_000)
        except Exception:
            print("STATUS", status_bar(page), page.evaluate("""async () => {
                const db = await import('/pwa/db.js');
                return {locks: await navigator.locks.query(), online: navigator.onLine,
                        meta: await db.getMetas(['user', 'csrf', 'signed_out', 'needs_signin', 'last_error', 'last_sync_at'])};
            }"""), "CONSOLE", console)
            print("SERVER", len(live_server.movements_of_device(device)))
            raise
        movements = live_server.movements_of_device(device)
        assert len(movements) == SCANS and len({m["id"] for m in movements}) == SCANS
        assert {(m["kind"], m["scanned_by"]) for m in movements} == {("transfer", "asha")}
    finally:
        second.kill()


def test_a_replay_lock_nobody_releases_does_not_wedge_the_outbox(chromium, live_server):
    """After a crash Chromium may leave the replay lock wedged; the app takes it over instead of waiting forever."""
    from tests.browser.floor import phone

    context = phone(chromium)
    try:
        page = context.new_page()
        device = sign_in_then_go_offline(page, live_server, "ravi")
        move_stock(page, "WH1-D-03-01", [ITEMS["DH-10003"][0]], "WH1-D-03-02")
        wait_waiting(page, 1)
        # Something takes the lock and never lets go.
        page.evaluate("navigator.locks.request('dockhand-outbox-replay', () => new Promise(() => {})); null")
        live_server.network.restore()
        wait_waiting(page, 0, timeout_ms=40_000)
        assert len(live_server.movements_of_device(device)) == 1
    finally:
        context.close()
