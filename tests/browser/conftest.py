"""Browser-test fixtures: one headless Chromium per session, driven by Playwright, and one live Dockhand.

The live server is the real app (fresh SQLite, migrated, demo warehouse) on 127.0.0.1, which
browsers treat as a secure context, so the service worker, IndexedDB and Background Sync run
for real. The app's `db` is a process-wide singleton: the live server is session-scoped and
tests/browser runs last, so nothing else reconfigures it while these tests run.
"""

import json
import logging
import os
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.network import FloorNetwork
from tests.needs import missing

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# bypass_csp: Playwright's wait_for_function evaluates its predicate as a string in the page, which the
# app's strict Content-Security-Policy rightly refuses. test_csp.py runs the app under its real policy.
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "bypass_csp": True}
DEMO_PASSWORD = "dockhand-demo"


def find_chromium() -> str | None:
    """The Chromium to test with: $CHROMIUM_PATH, else the Debian package's /usr/bin/chromium."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def chromium_path() -> str:
    """The Chromium to launch; missing → a failure under CI=true, a skip with its reason locally (tests/needs.py)."""
    executable = find_chromium()
    if executable is None:
        missing("Chromium not found (install the Debian package `chromium` or set CHROMIUM_PATH)")
    return executable


@pytest.fixture(scope="session")
def playwright_driver():
    chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class LiveServer:
    """The running app, and what the tests check on the server side (SQL and the API with a token).

    Browsers reach it at `url`, through the floor's network (`network`), which a test may cut or silence;
    the test's own API calls go straight to the server (`direct_url`)."""

    def __init__(self, direct_url: str, network: FloorNetwork):
        self.direct_url = direct_url
        self.network = network
        self.url = f"http://127.0.0.1:{network.port}"

    def token(self, username: str) -> str:
        from webapp.extensions import db
        from webapp.services.users import issue_token

        with db.unit_of_work() as s:
            return issue_token(s, username)

    def api(self, method: str, path: str, token: str, body=None) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.direct_url + path, data=data, method=method, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"{}")

    def sql(self, query: str, **params) -> list[tuple]:
        from sqlalchemy import text

        from webapp.extensions import db

        with db.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(query), params)]

    def movements_of_device(self, device_id: str) -> list[dict]:
        """The ledger rows a device's sync created, oldest first."""
        columns = ("id", "kind", "qty_base", "uom", "qty_scanned", "device_seq", "scanned_by", "sent_by",
                   "from_code", "to_code", "ref", "lot", "expiry", "flags")
        rows = self.sql(
            "SELECT m.id, m.kind, m.qty_base, m.uom, m.qty_scanned, m.device_seq, scanner.username, sender.username, "
            "src.code, dst.code, m.ref, m.lot, m.expiry, m.flags FROM movement m "
            "LEFT JOIN person scanner ON scanner.id = m.scanned_by_id LEFT JOIN person sender ON sender.id = m.sent_by_id "
            "LEFT JOIN location src ON src.id = m.from_location_id LEFT JOIN location dst ON dst.id = m.to_location_id "
            "WHERE m.device_id = :d ORDER BY m.seq", d=device_id)
        return [dict(zip(columns, row)) for row in rows]

    def stock_at(self, sku: str, location: str) -> int:
        rows = self.sql(
            "SELECT COALESCE(SUM(s.qty), 0) FROM stock_level s JOIN item i ON i.id = s.item_id "
            "JOIN location l ON l.id = s.location_id WHERE i.sku = :sku AND l.code = :loc", sku=sku, loc=location)
        return rows[0][0]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from werkzeug.serving import make_server

    from webapp import create_app
    from webapp.db.migrate import upgrade
    from webapp.extensions import db
    from webapp.services.demo import seed_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'dockhand.sqlite3'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
    with db.unit_of_work() as s:
        seed_demo(s)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns a failure's output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    network = FloorNetwork(server.server_port)
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", network)
    network.close()
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(autouse=True)
def _floor_network_back_up(request):
    """Whatever a test did to the floor's network, the next test starts with the server reachable."""
    yield
    if "live_server" in request.fixturenames:
        request.getfixturevalue("live_server").network.restore()
