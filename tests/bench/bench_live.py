"""Live delivery benchmark on a real PostgreSQL (run on demand, not by pytest):

    .venv/bin/python tests/bench/bench_live.py [--sockets 200] [--rate 100] [--seconds 10] [--devices 4]
        [--concurrency 32] [--client selector|threads] [--profile DIR]

gunicorn with 2 workers; --sockets supervisors' WebSockets subscribed to movements; scans synced through
POST /api/v1/sync at --rate movements per second (one movement per request, from --devices handhelds; a sync
locks its device, so 4 devices apply at most 4 syncs at once). Prints the delivery latency (a socket receiving
the event − the server's recorded_at of the movement) p50/p99 over every socket and event, and the part of it
after the sync's answer (the fan-out's own share: the commit came before the answer), beside the sync latency
(request sent → answer) of the same run, the CPU of the client, each worker and PostgreSQL, and the load.
Goal: p99 ≤ 250 ms.

The client reads every socket from one thread and takes the frames apart after the run, so that it is not what
limits the figure (`--client threads`, the first client's thread per socket, took 85% of a core here and halved
the rate it measured). `--profile DIR` runs `py-spy record` on each worker during the run (pip install py-spy).
"""
import argparse
import os
import json
import resource
import selectors
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import requests  # noqa: E402
import websocket  # noqa: E402

from tests.integration.live_server import LiveServer  # noqa: E402
from tests.pg_server import PgServer, find_pg_bin  # noqa: E402


def setup(server: PgServer, name: str):
    from webapp import create_app
    from webapp.db.migrate import upgrade
    from webapp.extensions import db
    from webapp.services.catalogue import ItemSpec, create_item, create_location
    from webapp.services.users import create_user, issue_token

    server.admin(f"CREATE DATABASE {name}")
    url = server.url(name)
    upgrade(url)
    create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with db.unit_of_work() as s:
        create_location(s, "WH1", "warehouse")
        create_location(s, "Z", "zone", "WH1")
        for b in range(20):
            create_location(s, f"B-{b:03d}", "bin", "Z")
        for i in range(20):
            create_item(s, ItemSpec(sku=f"SKU-{i}", name=f"Item {i}"))
        create_user(s, "bench", "bench-password", ["supervisor"])
        token = issue_token(s, "bench")
    db.engine.dispose()
    return url, token


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    return [int(c) for t in Path(f"/proc/{pid}/task").iterdir() for c in (t / "children").read_text().split()]


def postgres_cpu(server: PgServer) -> float:
    """The postmaster, its backends now, and those that ended (cutime/cstime)."""
    postmaster = int((server.data_dir / "postmaster.pid").read_text().split()[0])
    fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    ended = (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
    return cpu_seconds(postmaster) + ended + sum(cpu_seconds(c) for c in children(postmaster) if Path(f"/proc/{c}").exists())


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def open_socket(url: str, token: str) -> tuple[websocket.WebSocket, str]:
    """A supervisor's socket subscribed to movements, after its hello: (socket, the worker holding it)."""
    for attempt in range(5):  # 200 connections at once may overflow the listen backlog: try again
        try:
            ws = websocket.create_connection(url, header=[f"Authorization: Bearer {token}"], timeout=30)
            break
        except (OSError, websocket.WebSocketException):
            if attempt == 4:
                raise
            time.sleep(1)
    worker = json.loads(ws.recv())["worker"]
    ws.send(json.dumps({"type": "subscribe", "topics": ["movements"]}))
    assert json.loads(ws.recv())["type"] == "subscribed"
    return ws, worker


class SelectorClient:
    """Every socket read by one thread: it only stamps and keeps what arrives; frames are taken apart after the
    run, so that the client's own CPU does not limit what is measured of the server."""

    def __init__(self, sockets: list[websocket.WebSocket]) -> None:
        self.sockets = sockets
        self.chunks: list[list[tuple[float, bytes]]] = [[] for _ in sockets]
        self.stop = threading.Event()
        self.cpu_s = 0.0
        self.thread = threading.Thread(target=self._read, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _read(self) -> None:
        started = time.thread_time()
        selector = selectors.DefaultSelector()
        for n, ws in enumerate(self.sockets):
            ws.sock.setblocking(False)
            selector.register(ws.sock, selectors.EVENT_READ, n)
        while not self.stop.is_set():
            for key, _ in selector.select(0.2):
                try:
                    data = key.fileobj.recv(1 << 20)
                except BlockingIOError:
                    continue
                if data:
                    self.chunks[key.data].append((time.time(), data))
                else:
                    selector.unregister(key.fileobj)
        self.cpu_s = time.thread_time() - started

    def finish(self) -> tuple[list[tuple[float, int, float]], int, int]:
        """((arrival, movement seq, its recorded_at) of each delivery, seqs received twice on one socket,
        sockets the server closed)."""
        self.stop.set()
        self.thread.join()
        recorded: dict[int, float] = {}
        latencies, repeats, closed = [], 0, 0
        for chunks in self.chunks:
            seen: set[int] = set()
            for arrived, payload, opcode in frames(chunks):
                if opcode == 8:
                    closed += 1
                    continue
                message = json.loads(payload)
                if message.get("type") != "event":
                    continue
                seq = message["seq"]
                if seq in seen:
                    repeats += 1
                    continue
                seen.add(seq)
                if seq not in recorded:
                    recorded[seq] = message["data"]["seq"], parse_instant(message["data"]["recorded_at"])
                latencies.append((arrived, *recorded[seq]))
        return latencies, repeats, closed


def frames(chunks: list[tuple[float, bytes]]):
    """(arrival time of its last byte, payload, opcode) of each whole server frame in what one socket received."""
    buffer = bytearray()
    for arrived, data in chunks:
        buffer += data
        at = 0
        while len(buffer) - at >= 2:
            opcode, size, head = buffer[at] & 0x0F, buffer[at + 1] & 0x7F, 2
            if size == 126:
                size, head = int.from_bytes(buffer[at + 2:at + 4], "big"), 4
            elif size == 127:
                size, head = int.from_bytes(buffer[at + 2:at + 10], "big"), 10
            if len(buffer) - at < head + size:
                break
            yield arrived, bytes(buffer[at + head:at + head + size]), opcode
            at += head + size
        del buffer[:at]


class ThreadClient:
    """The first client, kept to compare: a thread per socket (websocket-client), each parsing as it reads."""

    def __init__(self, sockets: list[websocket.WebSocket]) -> None:
        self.sockets = sockets
        self.latencies: list[tuple[float, int, float]] = []
        self.stop = threading.Event()
        self.cpu_s = float("nan")
        self.threads = [threading.Thread(target=self._read, args=(ws,), daemon=True) for ws in sockets]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def _read(self, ws: websocket.WebSocket) -> None:
        ws.settimeout(0.5)
        while not self.stop.is_set():
            try:
                raw = ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            arrived = time.time()
            data = json.loads(raw)["data"]
            self.latencies.append((arrived, data["seq"], parse_instant(data["recorded_at"])))

    def finish(self) -> tuple[list[tuple[float, int, float]], int, int]:
        self.stop.set()
        for thread in self.threads:
            thread.join()
        return self.latencies, 0, 0


def parse_instant(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--devices", type=int, default=4, help="handhelds the scans come from (a sync locks its device)")
    parser.add_argument("--concurrency", type=int, default=32, help="sync requests in flight at most")
    parser.add_argument("--client", choices=["selector", "threads"], default="selector",
                        help="one thread reading every socket (default), or the first client's thread per socket")
    parser.add_argument("--profile", metavar="DIR", help="py-spy record each gunicorn worker during the run into DIR")
    args = parser.parse_args()
    bin_dir = find_pg_bin()
    if bin_dir is None:
        sys.exit("PostgreSQL binaries not found")
    server = PgServer(bin_dir)
    server.start()
    live = None
    try:
        url, token = setup(server, "bench_live")
        threads = args.sockets + 40  # a socket holds a thread, and gunicorn may hand most of them to one worker
        live = LiveServer(url, workers=2, threads=threads).start()
        ws_url = live.url.replace("http://", "ws://") + "/api/v1/live"
        with ThreadPoolExecutor(max_workers=8) as pool:
            opened = list(pool.map(lambda _: open_socket(ws_url, token), range(args.sockets)))
        workers = Counter(worker for _, worker in opened)
        client = (SelectorClient if args.client == "selector" else ThreadClient)([ws for ws, _ in opened])
        client.start()
        sync_latencies, answered, sessions = [], {}, threading.local()

        def post(k: int) -> None:
            if not hasattr(sessions, "http"):
                sessions.http = requests.Session()
            body = {"device_id": f"bench-{k % args.devices}", "movements": [{
                "id": str(uuid.uuid4()), "device_seq": k // args.devices + 1, "kind": "receive", "item": f"SKU-{k % 20}", "qty": 1,
                "to": f"B-{k % 20:03d}", "occurred_at": "2026-11-25T10:00:00Z"}]}
            sent = time.monotonic()
            answer = sessions.http.post(live.url + "/api/v1/sync", json=body,
                                        headers={"Authorization": f"Bearer {token}"}, timeout=30)
            sync_latencies.append(time.monotonic() - sent)
            assert answer.status_code == 200, answer.text
            answered[answer.json()["results"][0]["seq"]] = time.time()

        total = int(args.rate * args.seconds)
        workers_pids = children(live.process.pid)
        cpu_before = own_cpu(), {p: cpu_seconds(p) for p in workers_pids}, postgres_cpu(server)
        spies = [subprocess.Popen(["py-spy", "record", "--nonblocking", "--format", "raw", "--rate", "50",
                                   "--duration", str(int(args.seconds)), "--pid", str(p),
                                   "--output", f"{args.profile}/worker-{p}.txt"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for p in workers_pids] if args.profile else []
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            for k in range(total):  # paced: movement k leaves at k / rate
                time.sleep(max(0.0, started + k / args.rate - time.monotonic()))
                pool.submit(post, k)
        elapsed = time.monotonic() - started
        time.sleep(2)  # the last deliveries
        busy = time.monotonic() - started
        client_cpu = (own_cpu() - cpu_before[0]) / busy
        server_cpu = {p: (cpu_seconds(p) - c) / busy for p, c in cpu_before[1].items()}
        database_cpu = (postgres_cpu(server) - cpu_before[2]) / busy
        load = os.getloadavg()[0]
        deliveries, repeats, closed = client.finish()
        reader_cpu = client.cpu_s / busy
        for spy in spies:
            spy.wait()
        expected = total * args.sockets
        ms = [(arrived - recorded) * 1000 for arrived, _, recorded in deliveries]
        after_answer_ms = [(arrived - answered[seq]) * 1000 for arrived, seq, _ in deliveries if seq in answered]
        sync_ms = [s * 1000 for s in sync_latencies]
        print(f"{args.sockets} sockets on {len(workers)} workers ({'+'.join(map(str, workers.values()))}), {total} movements in {elapsed:.1f} s "
              f"({total / elapsed:.0f}/s), {len(deliveries)}/{expected} deliveries, {repeats} repeated, "
              f"{closed} sockets closed by the server")
        print(f"delivery latency (recorded_at → socket): p50 {percentile(ms, 50):.1f} ms, "
              f"p99 {percentile(ms, 99):.1f} ms, max {max(ms or [0]):.1f} ms   (goal p99 ≤ 250 ms)")
        print(f"  of which after the sync's answer:       p50 {percentile(after_answer_ms, 50):.1f} ms, "
              f"p99 {percentile(after_answer_ms, 99):.1f} ms (the commit is before the answer: the fan-out's own share)")
        print(f"sync latency (request → answer):        p50 {percentile(sync_ms, 50):.1f} ms, "
              f"p99 {percentile(sync_ms, 99):.1f} ms, mean {statistics.mean(sync_ms or [0]):.1f} ms")
        print(f"CPU (share of one core): bench client {client_cpu:.0%} (socket reader {reader_cpu:.0%}), "
              f"gunicorn workers " + " + ".join(f"{c:.0%}" for c in server_cpu.values())
              + f", PostgreSQL {database_cpu:.0%}; load average {load:.1f} on {os.cpu_count()} cores")
    finally:
        if live is not None:
            live.stop()
        server.stop()


if __name__ == "__main__":
    main()
