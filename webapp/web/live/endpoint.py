"""GET /api/v1/live: the WebSocket live screens listen on (CONTRACT.md, "Live").

Server first: hello (which process, the latest seq). Client: subscribe {warehouse?, topics, since?}; with
`since`, what the client missed (and the few seconds before it) is sent first. Then events as they commit.
Roles are checked before the upgrade: a caller who may not listen gets a plain 401/403 JSON answer.
"""
import functools
import json
import socket
import threading
import time
from urllib.parse import urlsplit

from flask import Response, current_app, request
from simple_websocket import ConnectionClosed, Server

from webapp.domain.roles import SUPERVISORS
from webapp.extensions import db
from webapp.services import events
from webapp.services.catalogue import find_location
from webapp.web.api import api
from webapp.web.api.registry import WEBSOCKETS, require_roles
from webapp.web.errors import ApiError
from webapp.web.live.credentials import credentials_check
from webapp.web.live.hub import HUB, Subscriber, encoded
from webapp.web.live.outbox import Outbox, text_frame

MAX_MESSAGE_CHARS = 4096
# A socket outlives its request: this often it checks that its session or token still stands (sign-out,
# deactivation, a revoked token or a lost role end it, with an error message and close code 1008).
SESSION_RECHECK_S = 2.0
# A client that takes nothing for this long while the server has something to write to it is gone.
WRITE_TIMEOUT_S = 10.0
BEHIND = "too far behind: reconnect with since"
SEND_BUFFER_BYTES = 128 * 1024  # the kernel's share of what waits for one client (it doubles it); events are small

WEBSOCKETS.append({
    "path": "/api/v1/live", "x-roles": list(SUPERVISORS),
    "summary": "WebSocket of live events (movements, exceptions, orders, counts, stock, alerts); a request that "
               "is not a WebSocket upgrade → 426 upgrade_required",
    "client": {"type": "subscribe", "warehouse": "code (optional)", "topics": list(events.TOPICS),
               "since": "seq (optional): resend what came after it"},
    "server": [{"type": "hello", "worker": "host:pid", "last_seq": 0, "subscribed_sockets": 0},
               {"type": "event", "seq": 0, "topic": "movements", "at": "…Z", "data": {}},
               {"type": "error", "error": {"code": "…", "message": "…"}}],
})


def _check_caller() -> None:
    require_roles(SUPERVISORS)
    # A browser sends the session cookie with a WebSocket from any site: only our own pages may use it.
    origin = request.headers.get("Origin")
    if not request.headers.get("Authorization", "").startswith("Bearer ") and origin \
            and urlsplit(origin).netloc != request.host:
        raise ApiError(403, "cross_origin", "a live socket opened with the session cookie must come from this site")


def live_not_upgraded():
    _check_caller()
    raise ApiError(426, "upgrade_required", "GET /api/v1/live is a WebSocket: send Upgrade: websocket")


def live_socket():
    _check_caller()
    HUB.start(db)
    # The hello promises that this process hears every commit from now on: its listener is connected.
    if not HUB.listening.wait(timeout=10):
        raise ApiError(503, "live_unavailable", "this server cannot listen for events now; try again")
    wake = threading.Event()
    ws = _Socket(request.environ, wake, current_app.config["LIVE_MAX_BEHIND_BYTES"],
                 **current_app.config.get("SOCK_SERVER_OPTIONS", {}))
    conversation = _Conversation(ws, wake, credentials_check())
    try:
        with db.read_snapshot() as s:
            last_seq = events.latest_seq(s)
        conversation.say({"type": "hello", "worker": HUB.worker, "last_seq": last_seq,
                          "subscribed_sockets": HUB.subscribed_sockets()})
        conversation.run()
    except (ConnectionClosed, OSError):  # the client went away, or stopped reading for WRITE_TIMEOUT_S
        pass
    except Exception:  # noqa: BLE001 - the HTTP answer is long gone: log it and close the socket
        current_app.logger.exception("live socket failed")
        try:
            ws.close(reason=1011, message="server error")
        except Exception:  # noqa: BLE001
            pass
    finally:
        HUB.unsubscribe(conversation.subscriber)  # a gone socket is not written to again
        try:
            ws.close()
        except Exception:  # noqa: BLE001 - already closed by the client
            pass
        ws.outbox.shut()
    return _handled_response(ws)


class _Doorbell(threading.Event):
    """simple_websocket's "a message came" event, ringing the conversation's wake too."""

    def __init__(self, also: threading.Event) -> None:
        super().__init__()
        self.also = also

    def set(self) -> None:
        super().set()
        self.also.set()


class _Socket(Server):
    """simple_websocket's server, writing through an Outbox (outbox.py) once the handshake is answered."""

    def __init__(self, environ, wake: threading.Event, limit_bytes: int, **options) -> None:
        self.wake, self.limit_bytes = wake, limit_bytes
        super().__init__(environ, event_class=functools.partial(_Doorbell, wake), **options)

    def handshake(self) -> None:
        super().handshake()  # before the reader thread starts: it only ever sees the outbox
        # A fixed kernel buffer: left to itself it grows to megabytes for a client that does not read, and
        # such a client would only be noticed (and closed) after that much.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
        self.sock.settimeout(None)  # Python polls a socket with a timeout before each send, MSG_DONTWAIT or not
        self.sock = self.outbox = Outbox(self.sock, self.wake, self.limit_bytes)


class _Conversation:
    """One socket after the hello: the client's subscriptions; its own thread sleeps until it must act (a
    message came, the fan-out left bytes it could not write at once, the socket fell behind, a session check)."""

    def __init__(self, ws: _Socket, wake: threading.Event, still_allowed) -> None:
        self.ws, self.wake = ws, wake
        self.still_allowed = still_allowed
        self.checked_at = time.monotonic()
        self.subscriber: Subscriber | None = None

    def say(self, message: dict) -> None:
        self.ws.outbox.send(text_frame(json.dumps(message).encode()), WRITE_TIMEOUT_S)

    def run(self) -> None:
        while True:
            if time.monotonic() - self.checked_at >= SESSION_RECHECK_S:
                self.checked_at = time.monotonic()
                if not self.still_allowed():
                    self.say({"type": "error", "error": {
                        "code": "session_ended", "message": "your session ended: sign in again"}})
                    self.ws.close(reason=1008, message="session ended")
                    return
            self.ws.outbox.flush(WRITE_TIMEOUT_S)  # what the fan-out could not write at once
            if self.ws.outbox.behind:
                self.say({"type": "error", "error": {"code": "too_far_behind", "message": BEHIND}})
                self.ws.close(reason=1013, message=BEHIND)
                return
            while (raw := self.ws.receive(timeout=0)) is not None:
                self._subscribe(raw)
            self.wake.wait(timeout=max(0.0, SESSION_RECHECK_S - (time.monotonic() - self.checked_at)))
            self.wake.clear()  # before looking again: a ring after this is not lost

    def _subscribe(self, raw) -> None:
        try:
            topics, warehouse_id, since = _subscription(raw)
        except ApiError as err:
            self.say({"type": "error", "error": {"code": err.code, "message": err.message}})
            return
        HUB.unsubscribe(self.subscriber)
        self.subscriber = Subscriber(topics, warehouse_id, self.ws.outbox)
        if since is not None:
            self.ws.outbox.hold()  # live events wait until what was missed is sent: no seq twice, none lost
        HUB.subscribe(self.subscriber)  # before reading back, so nothing committed in between is missed
        self.say({"type": "subscribed", "topics": sorted(topics), "since": since})
        if since is not None:
            with db.read_snapshot() as s:
                missed = events.events_to_resume(s, since, topics, warehouse_id)
            self.ws.outbox.send(b"".join(encoded(message) for message in missed), WRITE_TIMEOUT_S)
            self.ws.outbox.release({message["seq"] for message in missed}, WRITE_TIMEOUT_S)


def _subscription(raw) -> tuple[set[str], int | None, int | None]:
    if not isinstance(raw, str) or len(raw) > MAX_MESSAGE_CHARS:
        raise ApiError(400, "invalid_message", f"send JSON text of at most {MAX_MESSAGE_CHARS} characters")
    try:
        message = json.loads(raw)
    except ValueError:
        raise ApiError(400, "invalid_message", "not JSON") from None
    if not isinstance(message, dict) or message.get("type") != "subscribe":
        raise ApiError(400, "invalid_message", 'send {"type": "subscribe", "topics": [...], "warehouse"?, "since"?}')
    topics = message.get("topics")
    if not isinstance(topics, list) or not topics or not all(isinstance(t, str) and t in events.TOPICS for t in topics):
        raise ApiError(400, "invalid_field", f"topics is a list of some of {', '.join(events.TOPICS)}")
    since = message.get("since")
    if since is not None and (isinstance(since, bool) or not isinstance(since, int) or not 0 <= since < 2**63):
        raise ApiError(400, "invalid_field", "since is the seq of the last event you saw")
    warehouse_id = None
    if message.get("warehouse") is not None:
        code = message["warehouse"]
        with db.read_snapshot() as s:
            warehouse = find_location(s, code) if isinstance(code, str) and len(code) <= 64 else None
            warehouse_id = warehouse.id if warehouse is not None and warehouse.kind == "warehouse" else None
        if warehouse_id is None:
            raise ApiError(404, "unknown_warehouse", f"no warehouse {code!r}")
    return set(topics), warehouse_id, since


def _handled_response(ws: Server) -> Response:
    """The connection is over and was written by the socket: the server must not write an HTTP answer."""

    class WebSocketResponse(Response):
        def __call__(self, *args, **kwargs):
            if ws.mode == "gunicorn":
                raise StopIteration()
            if ws.mode == "werkzeug":
                return super().__call__(*args, **kwargs)
            return []

    return WebSocketResponse()


api.add_url_rule("/live", endpoint="live_socket", view_func=live_socket, websocket=True)
api.add_url_rule("/live", endpoint="live_not_upgraded", view_func=live_not_upgraded)
