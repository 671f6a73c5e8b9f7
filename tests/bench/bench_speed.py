"""Replay and verify at the speed of the database (issue 17), run on demand, not by pytest:

    .venv/bin/python tests/bench/bench_speed.py [--replay 10000] [--verify-size 100000] [--skip-http]

Each figure is printed beside a baseline measured in the same run, on the same throwaway PostgreSQL, and the
ratio the issue asks for (goals in brackets). The machine's load average is printed too: on a shared machine
absolute times move with it, the ratios much less.

1. replay, one device, batches of 500, through the sync service vs a raw psycopg executemany of the same
   hashed rows into a table shaped like `movement` (its columns, constraints and indexes) [>= 0.25x];
2. `ledger verify` (the service the CLI calls, less process start) per 100,000 movements [<= 1 s], beside a raw
   fetch of the same rows and the hashing alone;
3. over HTTP (gunicorn, 2 workers): one device with 10,000 movements vs 50 devices x 200 at once [<= 1.5x],
   with GET /api/v1/stock/{item} and /healthz p99 sampled during the 50 devices [stock <= 3x healthz];
4. 100 concurrent reservations of one item vs pgbench's guarded single-row UPDATE of that item's total, 100 clients
   [>= 0.5x]: over HTTP, and the reservation service alone (100 threads on 100 connections), beside the same
   service on 100 different items (no shared row lock: what Python itself can do here).
"""
import argparse
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import psycopg  # noqa: E402
import requests  # noqa: E402

from tests.bench.bench_ledger import ITEMS, bench_service, grow_ledger, movements, setup  # noqa: E402
from tests.pg_server import PgServer, find_pg_bin  # noqa: E402


def load() -> str:
    return "load %.1f/%.1f/%.1f" % os.getloadavg()


def dsn_of(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def replay_vs_raw(app, url: str, n: int) -> None:
    from webapp.services.ledger import HASHED_COLUMNS

    service_s = bench_service(app, n)
    columns = HASHED_COLUMNS + ["hash"]
    with psycopg.connect(dsn_of(url)) as conn:
        rows = conn.execute(f"SELECT {', '.join(columns)} FROM movement WHERE device_id = 'svc' ORDER BY seq").fetchall()
        conn.execute("CREATE TABLE raw_movement (LIKE movement INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                     "INCLUDING INDEXES)")
        conn.commit()
        insert = f"INSERT INTO raw_movement ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        start = time.perf_counter()
        with conn.cursor() as cur:
            for i in range(0, len(rows), 500):
                cur.executemany(insert, rows[i:i + 500])
                conn.commit()
        raw_s = time.perf_counter() - start
        # LIKE copies CHECK constraints, not foreign keys: a second copy gets movement's too (each checks every row).
        conn.execute("CREATE TABLE raw_movement_fk (LIKE movement INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                     "INCLUDING INDEXES)")
        keys = conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'movement'::regclass "
                            "AND contype = 'f'").fetchall()
        for (definition,) in keys:
            conn.execute(f"ALTER TABLE raw_movement_fk ADD {definition}")
        conn.commit()
        start = time.perf_counter()
        with conn.cursor() as cur:
            for i in range(0, len(rows), 500):
                cur.executemany(insert.replace("raw_movement", "raw_movement_fk"), rows[i:i + 500])
                conn.commit()
        raw_fk_s = time.perf_counter() - start
    print(f"replay, one device, {n:,} movements in batches of 500: {n / service_s:,.0f}/s ({service_s:.2f} s); "
          f"raw executemany of the same rows {n / raw_s:,.0f}/s ({raw_s:.2f} s); "
          f"ratio {raw_s / service_s:.2f}x of raw [goal >= 0.25x]  ({load()})")
    print(f"  (for scale: raw executemany into a copy with movement's {len(keys)} foreign keys too "
          f"{n / raw_fk_s:,.0f}/s ({raw_fk_s:.2f} s); replay is {raw_fk_s / service_s:.2f}x of that)")


def verify_per_100k(app, url: str, size: int) -> None:
    from sqlalchemy import text

    from webapp.domain.ledger import movement_hash
    from webapp.extensions import db
    from webapp.services.checkpoints import CheckpointStore
    from webapp.services.ledger import HASHED_COLUMNS
    try:
        from webapp.services.checkpoints import verify_ledger
    except ImportError:  # the code before issue 17, for its "before" figure: what the CLI did then
        from webapp.services.checkpoints import checkpoint_problems
        from webapp.services.projection import verify

        def verify_ledger(s, store):
            return verify(s) + checkpoint_problems(s, store)[0], s.execute(text("SELECT COUNT(*) FROM movement")).scalar(), 0

    grow_ledger(app, url, size)
    with app.app_context():
        store = CheckpointStore.from_config(app.config, create_key=False)
        start = time.perf_counter()
        with db.read_snapshot() as s:
            problems, count, _ = verify_ledger(s, store)
        verify_s = time.perf_counter() - start
    assert not problems, problems[:3]
    with psycopg.connect(dsn_of(url)) as conn:
        start = time.perf_counter()
        rows = conn.execute(f"SELECT {', '.join(HASHED_COLUMNS)}, hash FROM movement ORDER BY seq").fetchall()
        fetch_s = time.perf_counter() - start
    start = time.perf_counter()
    for row in rows:
        movement_hash(dict(zip(HASHED_COLUMNS, row)))
    hash_s = time.perf_counter() - start
    per = 100_000 / count
    print(f"ledger verify over {count:,} movements: {verify_s:.2f} s = {verify_s * per:.2f} s per 100,000 "
          f"[goal <= 1 s]; baselines per 100,000: raw fetch of the rows {fetch_s * per:.2f} s, encoding and "
          f"hashing alone {hash_s * per:.2f} s  ({load()})")


def _p99(timings: list[float]) -> float:
    timings = sorted(timings)
    return timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000 if timings else float("nan")


def http_replay_and_reads(url: str, token: str) -> None:
    from tests.integration.live_server import LiveServer

    server = LiveServer(url, workers=2, threads=8).start()
    headers = {"Authorization": f"Bearer {token}"}
    try:
        backlog = movements(10_000, "one")
        session = requests.Session()
        start = time.perf_counter()
        for i in range(0, len(backlog), 500):
            r = session.post(f"{server.url}/api/v1/sync", json={"device_id": "one", "movements": backlog[i:i + 500]},
                             headers=headers, timeout=300)
            assert r.status_code == 200
        one = time.perf_counter() - start

        def device(n):
            r = requests.post(f"{server.url}/api/v1/sync", json={"device_id": f"dev-{n}", "movements": movements(200, "x")},
                              headers=headers, timeout=300)
            assert r.status_code == 200 and all(x["status"] == "applied" for x in r.json()["results"])

        stock_ms, health_ms, done = [], [], threading.Event()

        def reader():
            reads = requests.Session()
            k = 0
            while not done.is_set():
                for path, timings in ((f"/api/v1/stock/SKU-{k % ITEMS}", stock_ms), ("/healthz", health_ms)):
                    t = time.perf_counter()
                    assert reads.get(server.url + path, headers=headers, timeout=60).status_code == 200
                    timings.append(time.perf_counter() - t)
                k += 1

        watcher = threading.Thread(target=reader)
        watcher.start()
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=50) as pool:
            list(pool.map(device, range(50)))
        fifty = time.perf_counter() - start
        done.set()
        watcher.join()
    finally:
        server.stop()
    print(f"replay over HTTP, 10,000 movements: one device {one:.2f} s ({10_000 / one:,.0f}/s); 50 devices x 200 at "
          f"once {fifty:.2f} s ({10_000 / fifty:,.0f}/s); ratio {fifty / one:.2f}x [goal <= 1.5x]  ({load()})")
    print(f"reads during the 50 devices: GET /api/v1/stock p99 {_p99(stock_ms):.1f} ms ({len(stock_ms)} reads), "
          f"/healthz p99 {_p99(health_ms):.1f} ms; ratio {_p99(stock_ms) / _p99(health_ms):.2f}x [goal <= 3x]")


def hot_item(server_pg: PgServer, url: str, token: str, clients: int = 100, seconds: float = 10.0) -> None:
    """The hot item three ways, each against pgbench's guarded UPDATE of the same total row: over HTTP; the
    reservation service alone (one thread and connection per client, no HTTP); and, as the ceiling of Python
    here, the same service spread over `clients` different items (no row lock shared)."""
    from tests.integration.live_server import LiveServer

    headers = {"Authorization": f"Bearer {token}"}
    server = LiveServer(url, workers=2, threads=clients // 2).start()
    try:
        stocked = [{"id": str(uuid.uuid4()), "device_seq": n + 1, "kind": "receive", "item": f"SKU-{n}",
                    "qty": 1_000_000, "to": "B-000", "occurred_at": "2026-11-25T10:00:00Z"} for n in range(1, clients + 1)]
        r = requests.post(f"{server.url}/api/v1/sync", headers=headers, timeout=300,
                          json={"device_id": "hot", "movements": stocked})
        assert r.status_code == 200 and all(x["status"] == "applied" for x in r.json()["results"])

        def over_http(skus: list[str]) -> float:
            counts, stop = [0] * clients, time.perf_counter() + seconds

            def client(n):
                http = requests.Session()
                while time.perf_counter() < stop:
                    r = http.post(f"{server.url}/api/v1/reservations", json={"item": skus[n], "qty": 1, "ref": f"hot-{n}"},
                                  headers={**headers, "Idempotency-Key": str(uuid.uuid4())}, timeout=60)
                    assert r.status_code == 201, r.text
                    counts[n] += 1

            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=clients) as pool:
                list(pool.map(client, range(clients)))
            return sum(counts) / (time.perf_counter() - start)

        http_per_s = over_http(["SKU-1"] * clients)
        http_spread_per_s = over_http([f"SKU-{n}" for n in range(1, clients + 1)])
    finally:
        server.stop()
    with psycopg.connect(dsn_of(url)) as conn:
        ids = dict(conn.execute("SELECT sku, id FROM item").fetchall())
        [warehouse_id] = conn.execute("SELECT id FROM location WHERE code = 'WH1'").fetchone()
    hot_id = ids["SKU-1"]
    service_per_s = _service_reservations(url, [hot_id] * clients, warehouse_id, seconds)
    spread_per_s = _service_reservations(url, [ids[f"SKU-{n}"] for n in range(1, clients + 1)], warehouse_id, seconds)
    script = Path(server_pg.root) / "guarded_update.sql"
    script.write_text(f"UPDATE stock_total SET reserved = reserved + 1 WHERE item_id = {hot_id} AND warehouse_id = "
                      f"{warehouse_id} AND NOT blocked AND on_hand - reserved - committed - quarantined >= 1;\n")
    script.chmod(0o644)
    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(dsn_of(url)) as conn:
        reserved_before = conn.execute("SELECT reserved FROM stock_total WHERE item_id = %s AND warehouse_id = %s",
                                       (hot_id, warehouse_id)).fetchone()[0]
    out = subprocess.run([str(server_pg.bin_dir / "pgbench"), "-n", "-h", "127.0.0.1", "-p", str(server_pg.port),
                          "-U", "postgres", "-c", str(clients), "-j", "2", "-T", str(int(seconds)), "-f", str(script),
                          dbname], capture_output=True, text=True, check=True).stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    with psycopg.connect(dsn_of(url)) as conn:  # the baseline really took units (an UPDATE of no row is no baseline)
        reserved_after = conn.execute("SELECT reserved FROM stock_total WHERE item_id = %s AND warehouse_id = %s",
                                      (hot_id, warehouse_id)).fetchone()[0]
    assert reserved_after - reserved_before >= tps * seconds * 0.5, (reserved_before, reserved_after, tps)
    print(f"hot item, {clients} clients on one item: pgbench guarded single-row UPDATE {tps:,.0f}/s; reservations "
          f"over HTTP {http_per_s:,.0f}/s, ratio {http_per_s / tps:.3f}x [goal >= 0.5x] ({http_spread_per_s:,.0f}/s "
          f"over HTTP on {clients} different items); the reservation service "
          f"alone ({clients} threads, {clients} connections, no HTTP) {service_per_s:,.0f}/s, ratio "
          f"{service_per_s / tps:.3f}x; the same service on {clients} different items (no shared lock: Python's "
          f"ceiling here) {spread_per_s:,.0f}/s  ({load()})")


def _service_reservations(url: str, item_ids: list[int], warehouse_id: int, seconds: float) -> float:
    """Reservations per second: one thread and connection per entry of `item_ids` calling the service in a loop,
    each reservation its own transaction."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from webapp.services import reservations

    engine = create_engine(url, pool_size=len(item_ids), max_overflow=0)
    counts, ready = [0] * len(item_ids), threading.Barrier(len(item_ids) + 1)
    stop = [0.0]

    def client(n):
        with Session(engine, expire_on_commit=False) as session:
            session.connection()
            session.commit()
            ready.wait()
            while time.perf_counter() < stop[0]:
                reservations.reserve(session, item_ids[n], warehouse_id, 1, f"svc-{n}")
                session.commit()
                counts[n] += 1

    with ThreadPoolExecutor(max_workers=len(item_ids)) as pool:
        running = [pool.submit(client, n) for n in range(len(item_ids))]
        stop[0] = time.perf_counter() + 3600
        ready.wait()  # every connection open before the clock starts
        start = time.perf_counter()
        stop[0] = start + seconds
        for future in running:
            future.result()
        elapsed = time.perf_counter() - start
    engine.dispose()
    return sum(counts) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replay", type=int, default=10_000)
    parser.add_argument("--verify-size", type=int, default=100_000)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--hot-only", action="store_true", help="only the hot item (4)")
    args = parser.parse_args()
    server = PgServer(find_pg_bin())
    server.start()
    try:
        if args.hot_only:
            _, url3, token3 = setup(server, "bench_hot")
            hot_item(server, url3, token3)
            return
        app, url, token = setup(server, "bench_replay")
        replay_vs_raw(app, url, args.replay)
        verify_per_100k(app, url, args.verify_size)
        if not args.skip_http:
            _, url2, token2 = setup(server, "bench_http")
            http_replay_and_reads(url2, token2)
            _, url3, token3 = setup(server, "bench_hot")
            hot_item(server, url3, token3)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
