"""The live fan-out under strain, through real gunicorn processes: a supervisor's screen that stops reading does
not hold up the others, and is closed with a reason once too much waits for it (it resumes with `since`);
a burst of events committed together is read by a worker's listener in one query and reaches a socket as
one whole frame each."""
import json
import socket
import threading
import time

import psycopg
import pytest
import websocket

from tests.integration.floor import scan, small_warehouse
from tests.integration.live_server import LiveServer
from tests.integration.test_live_socket import DELIVERY_LIMIT_S, events_until, open_socket, post_scans
from webapp.extensions import db
from webapp.services import events
from webapp.web.live.hub import Hub, Subscriber, next_burst
from webapp.web.live.outbox import Outbox

BATCH = 200
BATCHES = 5
BEHIND_LIMIT = 16 * 1024
CLOSE_1013 = b"\x88\x02\x03\xf5"  # a close frame, code 1013 (try again later)


@pytest.fixture
def strained(app, database_url, make_user):
    small_warehouse()
    tokens = {"sam": make_user("sam", "supervisor"), "boss": make_user("boss", "admin")}
    server = LiveServer(database_url, workers=1, threads=8,
                        env={"DOCKHAND_LIVE_MAX_BEHIND_BYTES": str(BEHIND_LIMIT)}).start()
    yield {"server": server, "tokens": tokens, "database_url": database_url}
    server.stop()


def test_a_screen_that_stops_reading_does_not_delay_the_others_and_is_closed_to_resume(strained):
    stuck = socket.socket()
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a tablet whose page froze: reads nothing
    stuck.connect(("127.0.0.1", strained["server"].port))
    frozen, _ = open_socket(strained, raw=stuck)
    fast, _ = open_socket(strained)

    synced = []
    for _ in range(BATCHES):
        applied = post_scans(strained, *[scan("receive", "SKU-1", 1, to="A-01") for _ in range(BATCH)])
        answered = time.monotonic()
        got = events_until(fast, BATCH, DELIVERY_LIMIT_S)
        assert time.monotonic() - answered < DELIVERY_LIMIT_S
        assert sorted(m["data"]["seq"] for m in got) == [r["seq"] for r in applied]
        synced += [r["seq"] for r in applied]

    # The frozen screen wakes up: whole frames up to where it fell behind, then the reason, then the close.
    frozen.settimeout(5)
    seen, said = [], None
    while True:
        opcode, data = frozen.recv_data(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            break
        message = json.loads(data)
        if message["type"] == "event":
            seen.append(message["data"]["seq"])
        else:
            said = message
    assert said == {"type": "error", "error": {"code": "too_far_behind", "message": "too far behind: reconnect with since"}}
    assert int.from_bytes(data[:2], "big") == 1013  # try again later
    assert 0 < len(seen) < len(synced) and seen == synced[:len(seen)]

    resumed, _ = open_socket(strained, since=seen[-1])
    again = [m["data"]["seq"] for m in events_until(resumed, len(synced), 3)]
    assert len(again) == len(set(again))
    assert set(seen) | set(again) == set(synced)
    for ws in (fast, resumed):
        ws.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # LISTEN/NOTIFY is PostgreSQL's
def test_events_committed_together_are_read_in_one_query_and_reach_a_screen_as_one_frame_each(app, database_url):
    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    hub = Hub()
    screen, server_end = socket.socketpair()
    hub.subscribe(Subscriber({"movements"}, None, Outbox(server_end, threading.Event(), limit_bytes=1 << 20)))
    with CountingConnection.connect(dsn, autocommit=True) as listener:
        listener.execute(f"LISTEN {events.CHANNEL}")
        with db.unit_of_work() as s:
            published = [events.publish(s, "movements", None, {"n": n}) for n in range(50)]
        seqs = next_burst(listener)
        assert seqs == sorted(p.seq for p in published)
        listener.statements.clear()
        hub._deliver(listener, seqs)
        assert len(listener.statements) == 1
    screen.settimeout(1)
    stream, frames = b"", []
    while len(frames) < len(seqs):
        stream += screen.recv(1 << 20)
        while len(stream) >= 2 and len(stream) >= 2 + (stream[1] & 0x7F) + (2 if stream[1] & 0x7F == 126 else 0):
            size, head = stream[1] & 0x7F, 2
            if size == 126:
                size, head = int.from_bytes(stream[2:4], "big"), 4
            if len(stream) < head + size:
                break
            assert stream[0] == 0x81  # one whole text frame per event: the protocol is unchanged
            frames.append(json.loads(stream[head:head + size]))
            stream = stream[head + size:]
    with db.read_snapshot() as s:
        assert frames == events.events_by_seq(s, seqs)  # the listener's plain read sends what a resume sends
    screen.close()
    server_end.close()


def test_each_screen_gets_only_its_warehouse_and_topics_and_a_frame_begun_is_finished_before_a_close():
    hub, pairs = Hub(), []
    for topics, warehouse_id in (({"movements"}, 1), ({"movements"}, 2), ({"exceptions", "movements"}, None)):
        screen, server_end = tcp_pair()
        outbox = Outbox(server_end, threading.Event(), limit_bytes=8192)
        hub.subscribe(Subscriber(topics, warehouse_id, outbox))
        pairs.append((screen, outbox))
    padding = "x" * 300
    hub.dispatch([message(1, "movements", 1, padding), message(2, "movements", 2, padding),
                  message(3, "exceptions", 1, padding), message(4, "movements", None, padding)])
    assert [seqs_in(read_all(screen)) for screen, _ in pairs] == [[1, 4], [2, 4], [1, 2, 3, 4]]

    # Screen 1 stops reading: once 8 KiB wait for it (past the kernel's small buffers) it is behind and gets no
    # more, and the burst the kernel took part of is finished (a frame cut in half would garble the close after).
    frozen, outbox = pairs[0]
    hub.dispatch([message(seq, "movements", 1, padding) for seq in range(5, 45)])  # 16 KiB at once
    assert outbox.behind
    hub.dispatch([message(400, "movements", 1, padding)])
    closing = threading.Thread(target=outbox.send, args=(CLOSE_1013,))  # what its own thread does next
    closing.start()
    stream = b""
    frozen.settimeout(5)
    while not stream.endswith(CLOSE_1013):
        stream += frozen.recv(1 << 20)
    closing.join()
    assert 400 not in seqs_in(stream[:-4])
    assert seqs_in(stream[:-4]) == list(range(5, seqs_in(stream[:-4])[-1] + 1))  # whole frames, in order
    for screen, outbox in pairs:
        screen.close()
        outbox.close()


def message(seq: int, topic: str, warehouse_id: int | None, note: str) -> dict:
    return {"type": "event", "seq": seq, "topic": topic, "at": "2026-11-27T10:00:00.000000Z",
            "warehouse_id": warehouse_id, "data": {"note": note}}


def tcp_pair() -> tuple[socket.socket, socket.socket]:
    """(a screen's end, the server's end) of a real TCP connection with small kernel buffers."""
    with socket.create_server(("127.0.0.1", 0)) as listening:
        screen = socket.socket()
        screen.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        screen.connect(listening.getsockname())
        server_end, _ = listening.accept()
    server_end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    return screen, server_end


def read_all(screen: socket.socket) -> bytes:
    screen.setblocking(False)
    stream = b""
    while True:
        try:
            chunk = screen.recv(1 << 20)
        except BlockingIOError:
            return stream
        if not chunk:
            return stream
        stream += chunk


def seqs_in(stream: bytes) -> list[int]:
    """The seqs of the whole text frames in `stream`; fails on a broken or partial frame."""
    seqs = []
    while stream:
        size, head = stream[1] & 0x7F, 2
        if size == 126:
            size, head = int.from_bytes(stream[2:4], "big"), 4
        assert stream[0] == 0x81 and len(stream) >= head + size, "not a whole text frame"
        seqs.append(json.loads(stream[head:head + size])["seq"])
        stream = stream[head + size:]
    return seqs


class CountingConnection(psycopg.Connection):
    """A real connection that notes each statement it is asked to run."""

    def execute(self, query, *args, **kwargs):
        self.__dict__.setdefault("statements", []).append(query)
        return super().execute(query, *args, **kwargs)
