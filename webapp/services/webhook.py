"""The alert webhook: each alert raised while a webhook URL is set is POSTed as Slack-compatible JSON
({"text": …}), retried with backoff, from the `alert` table as an outbox.

It runs in a background thread of the process that raised the alert (or in `flask alerts check`), after the
commit: a slow, hanging or failing webhook never holds up a scan. Several processes may send at once: each
try is claimed with a conditional update first, so one alert is not posted twice at the same moment.
"""
import json
import logging
import threading
import urllib.error
import urllib.request
from datetime import timedelta

from sqlalchemy import func, select, update

from webapp.db.alert_tables import Alert
from webapp.domain import alerts as rules
from webapp.domain.clock import utcnow
from webapp.services import alerts, settings

log = logging.getLogger(__name__)
DEFAULT_TIMEOUT_S = 5.0
DEFAULT_BACKOFF_S = 2.0
LONGEST_NAP_S = 60.0  # a sender thread waits at most this for a retry; later ones wait for cron or the next kick


def post(url: str, text: str, timeout_s: float) -> str | None:
    """None when the webhook took it (2xx); else why not."""
    request = urllib.request.Request(url, data=json.dumps({"text": text}).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": "Dockhand-alerts"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # http(s) only: the setting says so
            return None if 200 <= response.status < 300 else f"HTTP {response.status}"
    except urllib.error.HTTPError as err:
        return f"HTTP {err.code}"
    except Exception as err:  # noqa: BLE001 - timeouts, refused connections, bad hosts: all are a failed try
        return f"{type(err).__name__}: {err}"[:500]


def send_due(database, config: dict) -> tuple[int, float | None]:
    """Try every alert whose webhook is due now, once each. Returns (how many were sent, seconds until the
    next retry is due, or None when nothing is pending)."""
    timeout_s = float(config.get("WEBHOOK_TIMEOUT_S", DEFAULT_TIMEOUT_S))
    backoff_s = float(config.get("WEBHOOK_BACKOFF_S", DEFAULT_BACKOFF_S))
    sent = 0
    with database.unit_of_work() as s:
        url = settings.value(s, "webhook_url", config)
        due = s.execute(select(Alert.id, Alert.webhook_attempts, Alert.kind, Alert.message)
                        .where(Alert.webhook_state == "pending", Alert.webhook_next_at <= utcnow())
                        .order_by(Alert.id).limit(100)).all()
        if not url:  # the webhook was switched off: nothing to send the pending ones to
            s.execute(update(Alert).where(Alert.webhook_state == "pending").values(webhook_state="", webhook_next_at=None))
            return 0, None
    for alert_id, attempts, kind, message in due:
        if not _claim(database, alert_id, attempts, timeout_s):
            continue  # another process is trying this one
        error = post(url, rules.webhook_text(kind, message), timeout_s)
        _record(database, alert_id, attempts + 1, error, backoff_s)
        sent += error is None
    with database.unit_of_work() as s:
        next_at = s.scalar(select(func.min(Alert.webhook_next_at)).where(Alert.webhook_state == "pending"))
    return sent, None if next_at is None else max(0.0, (next_at - utcnow()).total_seconds())


def _claim(database, alert_id: int, attempts: int, timeout_s: float) -> bool:
    with database.unit_of_work() as s:
        claimed = s.execute(update(Alert).where(Alert.id == alert_id, Alert.webhook_state == "pending",
                                                Alert.webhook_attempts == attempts)
                            .values(webhook_next_at=utcnow() + timedelta(seconds=timeout_s * 2 + 5)))
        return claimed.rowcount == 1


def _record(database, alert_id: int, attempts: int, error: str | None, backoff_s: float) -> None:
    with database.unit_of_work() as s:
        if error is None:
            values = {"webhook_state": "sent", "webhook_next_at": None, "webhook_error": ""}
        elif attempts >= rules.WEBHOOK_MAX_ATTEMPTS:
            values = {"webhook_state": "failed", "webhook_next_at": None, "webhook_error": error}
        else:
            values = {"webhook_next_at": utcnow() + timedelta(seconds=rules.webhook_backoff_s(attempts, backoff_s)),
                      "webhook_error": error}
        s.execute(update(Alert).where(Alert.id == alert_id).values(webhook_attempts=attempts, **values))
    if error is not None:
        log.warning("alert webhook try %s for alert %s failed: %s", attempts, alert_id, error)


class BackgroundSender:
    """At most one sender thread per process; a kick while it runs makes it look again instead of starting another."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._again = threading.Event()
        self._check_first = False

    def kick(self, database, config: dict, *, check_first: bool = False) -> None:
        config = dict(config)
        with self._lock:
            self._again.set()
            self._check_first = self._check_first or check_first
            if self._thread is not None:
                return  # it looks again before it stops
            self._thread = threading.Thread(target=self._run, args=(database, config),
                                            name="dockhand-alert-webhook", daemon=True)
            self._thread.start()

    def _run(self, database, config: dict) -> None:
        try:
            while True:
                with self._lock:  # the stop decision and a kick cannot cross
                    if not self._again.is_set():
                        self._thread = None
                        return
                    self._again.clear()
                    check_first, self._check_first = self._check_first, False
                if check_first:
                    with database.unit_of_work() as s:
                        alerts.check(s, config)
                _, wait_s = send_due(database, config)
                if wait_s is not None and wait_s <= LONGEST_NAP_S:
                    self._again.wait(timeout=wait_s)  # a kick wakes it early
                    self._again.set()
        except Exception:  # whatever stopped it, the next kick or cron tries again
            log.exception("alert webhook sender stopped")
            with self._lock:
                self._thread = None

    def wait_idle(self, timeout_s: float) -> bool:
        """For tests and the CLI: True once no sender thread runs."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
        return thread is None or not thread.is_alive()


SENDER = BackgroundSender()
