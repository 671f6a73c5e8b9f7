"""The alert webhook: each alert is POSTed as Slack-compatible JSON to the URL in settings, retried with backoff
after a 500, and a webhook that hangs never slows a scan. Real HTTP servers in threads; SQLite only (the sender
is the same code on both databases; what it reads and writes is plain rows)."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, sync, verify_clean
from webapp.db.alert_tables import Alert
from webapp.extensions import db
from webapp.services.webhook import SENDER

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


class Webhook:
    """A webhook receiver that answers each POST with the next status in `statuses` (the last one repeats), or
    never answers while `hang` is set."""

    def __init__(self, statuses=(200,), hang: bool = False) -> None:
        self.statuses, self.received, self.release = list(statuses), [], threading.Event()
        if not hang:
            self.release.set()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.received.append((json.loads(body), self.headers["Content-Type"], time.monotonic()))
                hook.release.wait(30)
                status = hook.statuses.pop(0) if len(hook.statuses) > 1 else hook.statuses[0]
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site(app, client, make_user):
    small_warehouse()
    return {"boss": make_user("boss", "admin"), "sup": make_user("sam", "supervisor")}


def set_webhook(client, token, url: str) -> None:
    assert client.patch("/api/v1/settings", json={"webhook_url": url}, headers=bearer(token)).status_code == 200


def until(condition, timeout_s: float = 10) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def switch_off(client, token, hook: Webhook) -> None:
    """No sender thread outlives its test: with the URL cleared, what is pending is dropped."""
    hook.stop()
    set_webhook(client, token, "")
    SENDER.kick(db, {})
    assert SENDER.wait_idle(30)


def webhook_rows() -> list[Alert]:
    with db.unit_of_work() as s:
        return list(s.scalars(select(Alert).order_by(Alert.id)))


def test_an_alert_reaches_the_webhook_as_slack_json(app, client, site):
    hook = Webhook()
    try:
        set_webhook(client, site["boss"], hook.url)
        sync(client, site["boss"], [scan("pick", "SKU-1", 3, from_="A-01", to="TOTE-1")])
        assert until(lambda: hook.received), "the webhook heard nothing"
        [(body, content_type, _)] = hook.received
        assert content_type == "application/json"
        assert body == {"text": ":rotating_light: Dockhand negative stock: Negative stock: SKU-1 at A-01 is -3"}
        assert until(lambda: [r.webhook_state for r in webhook_rows()] == ["sent"])
        SENDER.wait_idle(10)
        assert len(hook.received) == 1  # sent once
    finally:
        switch_off(client, site["boss"], hook)


def test_a_webhook_answering_500_is_retried_with_backoff_until_it_takes_the_alert(app, client, site):
    app.config["WEBHOOK_BACKOFF_S"] = 0.2
    hook = Webhook(statuses=(500, 500, 200))
    try:
        set_webhook(client, site["boss"], hook.url)
        sync(client, site["boss"], [scan("pick", "SKU-2", 1, from_="A-02", to="TOTE-1")])
        assert until(lambda: [r.webhook_state for r in webhook_rows()] == ["sent"], 15)
        [row] = webhook_rows()
        assert row.webhook_attempts == 3 and len(hook.received) == 3
        gaps = [b[2] - a[2] for a, b in zip(hook.received, hook.received[1:])]
        assert gaps[0] >= 0.2 and gaps[1] >= 0.4  # 0.2 s, then twice that
    finally:
        switch_off(client, site["boss"], hook)


def test_a_hanging_webhook_never_slows_a_scan(app, client, site):
    app.config["WEBHOOK_TIMEOUT_S"] = 20
    hook = Webhook(hang=True)
    try:
        set_webhook(client, site["boss"], hook.url)
        started = time.monotonic()
        first = sync(client, site["boss"], [scan("pick", "SKU-1", 1, from_="A-01", to="TOTE-1")])
        assert first.status_code == 200 and time.monotonic() - started < 1.5
        assert until(lambda: hook.received), "the sender never reached the webhook"
        # The sender is now stuck inside the hanging POST; scans, more negative stock included, still answer fast.
        for n in range(5):
            started = time.monotonic()
            again = sync(client, site["boss"], [scan("pick", "SKU-3", 1, from_=f"A-0{n % 4 + 1}", to="TOTE-2")])
            assert again.status_code == 200 and again.get_json()["results"][0]["status"] == "applied"
            assert time.monotonic() - started < 1.5
        assert len(hook.received) == 1
        verify_clean(app)
    finally:
        switch_off(client, site["boss"], hook)
