"""Live delivery benchmark on a real PostgreSQL (run on demand, not by pytest):

    .venv/bin/python tests/bench/bench_live.py [--sockets 200] [--rate 100] [--seconds 10]

gunicorn with 2 workers; --sockets supervisors' WebSockets subscribed to movements; scans synced through
POST /api/v1/sync at --rate movements per second (one movement per request, from 4 devices at once).
Prints the delivery latency (a socket receiving the event − the server's recorded_at of the movement) p50/p99
over every socket and event, beside the sync latency (request sent → answer) of the same run. Goal: p99 ≤ 250 ms.
"""
import argparse
import os
import resource
import json
import statistics
import subprocess
import sys
import threading
import time
import uuid
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


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def listen(url: str, token: str, deliveries: list, ready: threading.Barrier, stop: threading.Event, workers: set):
    try:
        for attempt in range(5):  # 200 connections at once may overflow the listen backlog: try again
            try:
                ws = websocket.create_connection(url, header=[f"Authorization: Bearer {token}"], timeout=30)
                break
            except (OSError, websocket.WebSocketException):
                if attempt == 4:
                    raise
                time.sleep(1)
        workers.add(json.loads(ws.recv())["worker"])
        ws.send(json.dumps({"type": "subscribe", "topics": ["movements"]}))
        json.loads(ws.recv())
    except Exception as err:  # noqa: BLE001 - say why, and do not leave the others waiting
        print(f"a socket failed to open: {err!r}", file=sys.stderr)
        ready.abort()
        raise
    ready.wait()
    ws.settimeout(0.5)
    while not stop.is_set():
        try:
            raw = ws.recv()
        except websocket.WebSocketTimeoutException:
            continue
        arrived = time.time()
        message = json.loads(raw)
        recorded = datetime.fromisoformat(message["data"]["recorded_at"].replace("Z", "+00:00")).timestamp()
        deliveries.append(arrived - recorded)
    ws.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10)
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
        threads = args.sockets // 2 + 40  # a socket holds a thread; gunicorn's accepts are not evenly spread
        live = LiveServer(url, workers=2, threads=threads).start()
        ws_url = live.url.replace("http://", "ws://") + "/api/v1/live"
        deliveries, workers, stop = [], set(), threading.Event()
        ready = threading.Barrier(args.sockets + 1)
        listeners = [threading.Thread(target=listen, args=(ws_url, token, deliveries, ready, stop, workers), daemon=True)
                     for _ in range(args.sockets)]
        for t in listeners:
            t.start()
        ready.wait(timeout=120)
        sync_latencies, sessions = [], threading.local()

        def post(k: int) -> None:
            if not hasattr(sessions, "http"):
                sessions.http = requests.Session()
            body = {"device_id": f"bench-{k % 4}", "movements": [{
                "id": str(uuid.uuid4()), "device_seq": k + 1, "kind": "receive", "item": f"SKU-{k % 20}", "qty": 1,
                "to": f"B-{k % 20:03d}", "occurred_at": "2026-11-25T10:00:00Z"}]}
            sent = time.monotonic()
            answer = sessions.http.post(live.url + "/api/v1/sync", json=body,
                                        headers={"Authorization": f"Bearer {token}"}, timeout=30)
            sync_latencies.append(time.monotonic() - sent)
            assert answer.status_code == 200, answer.text

        total = int(args.rate * args.seconds)
        workers_pids = children(live.process.pid)
        cpu_before = own_cpu(), {p: cpu_seconds(p) for p in workers_pids}
        spies = [subprocess.Popen(["py-spy", "record", "--nonblocking", "--format", "raw", "--rate", "50",
                                   "--duration", str(int(args.seconds)), "--pid", str(p),
                                   "--output", f"{args.profile}/worker-{p}.txt"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for p in workers_pids] if args.profile else []
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=16) as pool:
            for k in range(total):  # paced: movement k leaves at k / rate
                time.sleep(max(0.0, started + k / args.rate - time.monotonic()))
                pool.submit(post, k)
        elapsed = time.monotonic() - started
        time.sleep(2)  # the last deliveries
        stop.set()
        busy = time.monotonic() - started
        for spy in spies:
            spy.wait()
        client_cpu = (own_cpu() - cpu_before[0]) / busy
        server_cpu = {p: (cpu_seconds(p) - c) / busy for p, c in cpu_before[1].items()}
        expected = total * args.sockets
        ms = [d * 1000 for d in deliveries]
        sync_ms = [s * 1000 for s in sync_latencies]
        print(f"{args.sockets} sockets on {len(workers)} workers, {total} movements in {elapsed:.1f} s "
              f"({total / elapsed:.0f}/s), {len(deliveries)}/{expected} deliveries")
        print(f"delivery latency (recorded_at → socket): p50 {percentile(ms, 50):.1f} ms, "
              f"p99 {percentile(ms, 99):.1f} ms, max {max(ms or [0]):.1f} ms   (goal p99 ≤ 250 ms)")
        print(f"sync latency (request → answer):        p50 {percentile(sync_ms, 50):.1f} ms, "
              f"p99 {percentile(sync_ms, 99):.1f} ms, mean {statistics.mean(sync_ms or [0]):.1f} ms")
        print(f"CPU (share of one core): bench client {client_cpu:.0%}, gunicorn workers "
              + ", ".join(f"{c:.0%}" for c in server_cpu.values()) + f"; load {os.getloadavg()[0]:.1f}")
    finally:
        if live is not None:
            live.stop()
        server.stop()


if __name__ == "__main__":
    main()
