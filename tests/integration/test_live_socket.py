"""GET /api/v1/live through real gunicorn processes: a scan synced through one worker reaches the sockets held
by every worker within a second (PostgreSQL LISTEN/NOTIFY; SQLite fans out within its one process), and a
client that reconnects with its last seq gets what it missed, once."""
import json
import socket
import time

import psycopg
import pytest
import requests
import websocket

from tests.integration.floor import scan, small_warehouse
from tests.integration.live_server import LiveServer

DELIVERY_LIMIT_S = 1.0


@pytest.fixture
def live(app, database_url, make_user):
    small_warehouse()
    tokens = {"sam": make_user("sam", "supervisor"), "asha": make_user("asha", "picker"),
              "boss": make_user("boss", "admin")}
    server = LiveServer(database_url, workers=2 if database_url.startswith("postgresql") else 1, threads=8).start()
    yield {"server": server, "tokens": tokens, "database_url": database_url}
    server.stop()


def connect(live, token="sam", raw: socket.socket | None = None) -> websocket.WebSocket:
    return websocket.create_connection(live["server"].url.replace("http://", "ws://") + "/api/v1/live", socket=raw,
                                       header=[f"Authorization: Bearer {live['tokens'][token]}"], timeout=5)


def receive(ws: websocket.WebSocket, timeout_s: float = 5) -> dict | None:
    ws.settimeout(max(timeout_s, 0.001))
    try:
        return json.loads(ws.recv())
    except websocket.WebSocketTimeoutException:
        return None


def open_socket(live, token="sam", raw: socket.socket | None = None, **subscription) -> tuple[websocket.WebSocket, dict]:
    ws = connect(live, token, raw)
    hello = receive(ws)
    assert hello["type"] == "hello" and isinstance(hello["last_seq"], int), hello
    ws.send(json.dumps({"type": "subscribe", "topics": ["movements"], **subscription}))
    ack = receive(ws)
    assert ack["type"] == "subscribed", ack
    return ws, hello


def post_scans(live, *movements) -> list[dict]:
    response = requests.post(live["server"].url + "/api/v1/sync", json={"device_id": "handheld-1", "movements": list(movements)},
                             headers={"Authorization": f"Bearer {live['tokens']['boss']}"}, timeout=10)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert all(r["status"] == "applied" for r in results), results
    return results


def events_until(ws: websocket.WebSocket, wanted: int, deadline_s: float) -> list[dict]:
    got, deadline = [], time.monotonic() + deadline_s
    while len(got) < wanted and (left := deadline - time.monotonic()) > 0:
        message = receive(ws, left)
        if message is not None:
            got.append(message)
    return got


def test_a_scan_reaches_a_supervisors_socket_within_a_second(live):
    ws, hello = open_socket(live)
    started = time.monotonic()
    [applied] = post_scans(live, scan("pick", "SKU-1", 2, from_="A-01", to="TOTE-1"))
    [message] = events_until(ws, 1, DELIVERY_LIMIT_S)
    assert time.monotonic() - started < DELIVERY_LIMIT_S + 0.5  # the sync's own round trip included
    assert message["type"] == "event" and message["topic"] == "movements" and message["seq"] > hello["last_seq"]
    assert message["data"]["seq"] == applied["seq"] and message["data"]["from"] == "A-01"
    assert message["data"]["kind"] == "pick" and message["at"].endswith("Z")
    ws.close()


def test_only_supervisors_may_listen_and_are_refused_before_the_upgrade(live):
    url = live["server"].url + "/api/v1/live"
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    picker = requests.get(url, headers={**upgrade, "Authorization": f"Bearer {live['tokens']['asha']}"}, timeout=5)
    assert picker.status_code == 403 and picker.json()["error"]["code"] == "forbidden"
    nobody = requests.get(url, headers=upgrade, timeout=5)
    assert nobody.status_code == 401 and nobody.json()["error"]["code"] == "unauthenticated"
    plain = requests.get(url, headers={"Authorization": f"Bearer {live['tokens']['boss']}"}, timeout=5)
    assert plain.status_code == 426 and plain.json()["error"]["code"] == "upgrade_required"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        connect(live, "asha")
    assert refused.value.status_code == 403


def test_a_bad_subscription_is_answered_with_an_error_and_the_socket_stays_open(live):
    ws = connect(live)
    assert receive(ws)["type"] == "hello"
    for bad in ("not json", json.dumps({"type": "subscribe", "topics": ["gossip"]}),
                json.dumps({"type": "subscribe", "topics": ["movements"], "warehouse": "NOWHERE"}),
                json.dumps({"type": "subscribe", "topics": ["movements"], "since": -1})):
        ws.send(bad)
        answer = receive(ws)
        assert answer["type"] == "error" and answer["error"]["code"], answer
    ws.send(json.dumps({"type": "subscribe", "topics": ["movements"], "warehouse": "WH1"}))
    assert receive(ws)["type"] == "subscribed"
    ws.close()


def test_a_client_that_reconnects_with_its_last_seq_gets_what_it_missed_once(live):
    ws, _ = open_socket(live)
    [first] = post_scans(live, scan("receive", "SKU-1", 5, to="A-01"))
    [seen] = events_until(ws, 1, DELIVERY_LIMIT_S)
    ws.close()
    missed = post_scans(live, *[scan("transfer", "SKU-1", 1, from_="A-01", to=f"A-0{n}") for n in (2, 3, 4)])
    again, _ = open_socket(live, since=seen["seq"])
    after = post_scans(live, scan("transfer", "SKU-1", 1, from_="A-02", to="A-03"))
    stream = events_until(again, 99, 1.5)
    seqs = [m["data"]["seq"] for m in stream]
    assert len(seqs) == len(set(seqs)), f"a seq came twice on one socket: {seqs}"
    newer = [s for s in seqs if s > first["seq"]]
    assert newer == [r["seq"] for r in missed + after]  # the missed ones first, in order, then the live one
    assert set(seqs) - set(newer) <= {first["seq"]}  # at most the few seconds before `since`, resent
    again.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # several workers share events through PostgreSQL; SQLite serves from one process
def test_on_postgresql_a_sync_through_one_worker_reaches_sockets_held_by_the_other(request, database_url):
    live = request.getfixturevalue("live")
    sockets, workers = [], {}
    # gunicorn hands each connection to whichever worker accepts first, and an idle worker that is woken first
    # takes a row of connections one by one: connections queued together are shared out. Two on each are kept.
    for _ in range(20):
        queued = [socket.create_connection(("127.0.0.1", live["server"].port)) for _ in range(6)]
        for raw in queued:
            ws, hello = open_socket(live, raw=raw)
            if workers.get(hello["worker"], 0) >= 2 or len(sockets) == 4:
                ws.close()  # a socket holds a thread of its worker: do not fill one worker up
                continue
            sockets.append((ws, hello["worker"]))
            workers[hello["worker"]] = workers.get(hello["worker"], 0) + 1
        if len(sockets) == 4:
            break
    assert len(workers) == 2, f"every socket landed on one worker: {workers}"
    dsn = live["database_url"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        listeners = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND query = 'LISTEN dockhand_events'").fetchone()[0]
    assert listeners == 2, "one LISTEN connection per worker, no polling"
    for round_ in range(3):  # whichever worker serves each sync, the sockets of the other one must hear it
        started = time.monotonic()
        [applied] = post_scans(live, scan("receive", "SKU-2", 1, to="A-02"))
        for ws, worker in sockets:
            got = events_until(ws, 1, DELIVERY_LIMIT_S - (time.monotonic() - started) + 0.2)
            assert [m["data"]["seq"] for m in got] == [applied["seq"]], f"round {round_}, socket on {worker}"
    for ws, _ in sockets:
        ws.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # the LISTEN connection is PostgreSQL's
def test_on_postgresql_a_worker_whose_listen_connection_dropped_reads_back_what_it_missed(request, database_url):
    live = request.getfixturevalue("live")
    ws, _ = open_socket(live)
    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        dropped = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND query = 'LISTEN dockhand_events'").fetchone()[0]
    assert dropped >= 1
    [applied] = post_scans(live, scan("receive", "SKU-3", 4, to="A-03"))  # while no worker is listening
    got = events_until(ws, 1, 5)
    assert [m["data"]["seq"] for m in got] == [applied["seq"]]
    [later] = post_scans(live, scan("receive", "SKU-3", 1, to="A-03"))  # listening again, and nothing twice
    assert [m["data"]["seq"] for m in events_until(ws, 2, 1.5)] == [later["seq"]]
    ws.close()


# SQLite serves sockets from one worker, so every socket lands on the process whose count the hello gives.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_closed_socket_is_forgotten_by_its_worker(request, database_url):
    live = request.getfixturevalue("live")
    first, _ = open_socket(live)
    second, hello = open_socket(live)
    assert hello["subscribed_sockets"] == 1
    first.close()
    second.close()
    deadline = time.monotonic() + 3
    while True:  # the server notices a close within its poll interval
        third = connect(live)
        count = receive(third)["subscribed_sockets"]
        third.close()
        if count == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert count == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_supervisors_socket_closes_when_they_sign_out_or_are_deactivated(live):
    url = live["server"].url
    browser = requests.Session()
    signed_in = browser.post(url + "/api/v1/login", json={"username": "sam", "password": "correct-horse"}, timeout=10)
    assert signed_in.status_code == 200, signed_in.text
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    ws = websocket.create_connection(url.replace("http://", "ws://") + "/api/v1/live", header=[f"Cookie: {cookie}"],
                                     origin=url, timeout=5)
    assert receive(ws)["type"] == "hello"
    ws.send(json.dumps({"type": "subscribe", "topics": ["movements"]}))
    assert receive(ws)["type"] == "subscribed"
    assert receive(ws, 2.5) is None  # still signed in: the socket stays open
    assert browser.post(url + "/api/v1/logout", headers={"X-CSRF-Token": signed_in.json()["csrf_token"]},
                        timeout=10).status_code == 204
    ended = receive(ws, 5)
    assert ended == {"type": "error", "error": {"code": "session_ended", "message": "your session ended: sign in again"}}
    opcode, data = ws.recv_data(control_frame=True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE and int.from_bytes(data[:2], "big") == 1008  # policy: signed out

    # A token's socket ends when its person is deactivated.
    ws, _ = open_socket(live, "sam")
    deactivated = requests.patch(url + "/api/v1/users/sam", json={"active": False},
                                 headers={"Authorization": f"Bearer {live['tokens']['boss']}"}, timeout=10)
    assert deactivated.status_code == 200, deactivated.text
    assert receive(ws, 5)["error"]["code"] == "session_ended"
