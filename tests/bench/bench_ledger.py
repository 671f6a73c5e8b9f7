"""Ledger and replay benchmarks on a real PostgreSQL (run on demand, not by pytest):

    .venv/bin/python tests/bench/bench_ledger.py [--movements 100000] [--ledger-size 1000000]

1. post N movements through the ledger service (sync batches of 500: locks, projection, hash chain)
   vs a raw psycopg executemany INSERT of the same rows into a plain table — same run, same server;
2. GET /api/v1/stock/{sku} latency p50/p99 with the ledger grown to --ledger-size movements;
3. replay over HTTP (gunicorn, 2 workers): one device with a 10,000-movement backlog, and 50 devices
   with 200 each at once.
"""
import argparse
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import psycopg  # noqa: E402
import requests  # noqa: E402

from tests.pg_server import PgServer, find_pg_bin  # noqa: E402

ITEMS, BINS = 200, 100


def setup(server: PgServer, name: str):
    from webapp import create_app
    from webapp.db.migrate import upgrade
    from webapp.extensions import db
    from webapp.services.catalogue import ItemSpec, create_item, create_location
    from webapp.services.users import create_user, issue_token

    server.admin(f"CREATE DATABASE {name}")
    url = server.url(name)
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with db.unit_of_work() as s:
        create_location(s, "WH1", "warehouse")
        create_location(s, "Z", "zone", "WH1")
        for b in range(BINS):
            create_location(s, f"B-{b:03d}", "bin", "Z")
        for i in range(ITEMS):
            create_item(s, ItemSpec(sku=f"SKU-{i}", name=f"Item {i}"))
        create_user(s, "bench", "bench-password", ["supervisor"])
        token = issue_token(s, "bench")
    return app, url, token


def movements(n: int, device: str) -> list[dict]:
    out = []
    for k in range(n):
        out.append({"id": str(uuid.uuid4()), "device_seq": k + 1, "kind": "receive", "item": f"SKU-{k % ITEMS}",
                    "qty": 1 + k % 7, "to": f"B-{k % BINS:03d}", "occurred_at": "2026-11-25T10:00:00Z"})
    return out


def bench_service(app, n: int) -> float:
    from webapp.extensions import db
    from webapp.services.sync import sync_batch
    from webapp.services.users import SignedInUser

    with app.app_context():
        user = SignedInUser(id=1, username="bench", roles=("supervisor",))
        batch = movements(n, "svc")
        start = time.perf_counter()
        for i in range(0, n, 500):
            with db.unit_of_work() as s:
                results = sync_batch(s, "svc", batch[i:i + 500], user, None, 300)
                assert all(r["status"] == "applied" for r in results)
        return time.perf_counter() - start


def bench_raw(url: str, n: int) -> float:
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    rows = [(str(uuid.uuid4()), "receive", "receipt", 1 + k % ITEMS, 1, 3 + k % BINS, 1 + k % 7, "EA", 1 + k % 7,
             "x" * 64, "y" * 64, "z" * 64) for k in range(n)]
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TABLE raw_movement (id text PRIMARY KEY, kind text, effect text, item_id int, warehouse_id int, "
                     "to_location_id int, qty_base int, uom text, qty_scanned int, content_hash text, prev_hash text, hash text, "
                     "recorded_at timestamptz DEFAULT now())")
        conn.commit()
        start = time.perf_counter()
        with conn.cursor() as cur:
            for i in range(0, n, 500):
                cur.executemany("INSERT INTO raw_movement (id, kind, effect, item_id, warehouse_id, to_location_id, qty_base, "
                                "uom, qty_scanned, content_hash, prev_hash, hash) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                                rows[i:i + 500])
                conn.commit()
        return time.perf_counter() - start


def grow_ledger(app, url: str, target: int) -> float:
    """Append hash-chained receipts with COPY (the same hash function as the app) until the ledger has `target` rows."""
    from sqlalchemy import func, select

    from webapp.db.ledger_tables import Movement, StockTotal
    from webapp.domain.clock import utcnow
    from webapp.domain.ledger import content_digest, movement_hash
    from webapp.extensions import db
    from webapp.services.ledger import HASHED_COLUMNS
    from webapp.services.projection import rebuild

    start = time.perf_counter()
    with app.app_context(), db.unit_of_work() as s:
        have = s.scalar(select(func.count()).select_from(Movement))
        seq = s.scalar(select(func.max(Movement.seq))) or 0
        heads = {t.item_id: t.chain_head for t in s.scalars(select(StockTotal))}
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    now = utcnow()
    with psycopg.connect(dsn) as conn:
        conn.execute("ALTER TABLE movement DISABLE TRIGGER movement_append_only")
        with conn.cursor().copy(f"COPY movement ({', '.join(HASHED_COLUMNS + ['hash'])}) FROM STDIN") as copy:
            for k in range(target - have):
                seq += 1
                item_id = 1 + k % ITEMS
                fields = {"seq": seq, "id": f"grow-{seq}", "kind": "receive", "effect": "receipt", "item_id": item_id,
                          "warehouse_id": 1, "from_location_id": None, "to_location_id": 3 + k % BINS, "lot": "",
                          "expiry": "", "qty_base": 1, "uom": "EA", "qty_scanned": 1, "ref": "", "reason": "",
                          "corrects_seq": None, "scanned_by_id": 1, "sent_by_id": 1, "device_id": "grow",
                          "device_seq": seq, "occurred_at": now, "recorded_at": now, "from_balance_after": None,
                          "to_balance_after": None, "flags": "", "content_hash": content_digest({"seq": seq}),
                          "prev_hash": heads.get(item_id) or "0" * 64}
                fields["hash"] = movement_hash(fields)
                heads[item_id] = fields["hash"]
                copy.write_row([fields[c] for c in HASHED_COLUMNS + ["hash"]])
        conn.execute("SELECT setval(pg_get_serial_sequence('movement', 'seq'), %s)", (seq,))
        conn.execute("ALTER TABLE movement ENABLE TRIGGER movement_append_only")
        conn.commit()
    with app.app_context(), db.unit_of_work() as s:
        rebuild(s)
    return time.perf_counter() - start


def bench_stock_reads(app, token: str, count: int = 2000) -> tuple[float, float]:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    timings = []
    for k in range(count):
        start = time.perf_counter()
        response = client.get(f"/api/v1/stock/SKU-{k % ITEMS}", headers=headers)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    timings.sort()
    return timings[len(timings) // 2] * 1000, timings[int(len(timings) * 0.99)] * 1000


def bench_http_replay(url: str, token: str) -> dict:
    from tests.integration.live_server import LiveServer

    server = LiveServer(url, workers=2, threads=8).start()
    headers = {"Authorization": f"Bearer {token}"}
    try:
        backlog = movements(10_000, "one")
        start = time.perf_counter()
        session = requests.Session()
        for i in range(0, len(backlog), 500):
            r = session.post(f"{server.url}/api/v1/sync", json={"device_id": "one", "movements": backlog[i:i + 500]},
                             headers=headers, timeout=300)
            assert r.status_code == 200
        one = time.perf_counter() - start

        def device(n):
            batch = movements(200, f"d{n}")
            r = requests.post(f"{server.url}/api/v1/sync", json={"device_id": f"dev-{n}", "movements": batch},
                              headers=headers, timeout=300)
            assert r.status_code == 200 and all(x["status"] == "applied" for x in r.json()["results"])

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=50) as pool:
            list(pool.map(device, range(50)))
        fifty = time.perf_counter() - start
    finally:
        server.stop()
    return {"one_device_s": one, "fifty_devices_s": fifty}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--movements", type=int, default=100_000)
    parser.add_argument("--ledger-size", type=int, default=1_000_000)
    args = parser.parse_args()
    server = PgServer(find_pg_bin())
    server.start()
    try:
        app, url, token = setup(server, "bench")
        raw_s = bench_raw(url, args.movements)
        svc_s = bench_service(app, args.movements)
        print(f"post {args.movements} movements: ledger service {args.movements / svc_s:,.0f}/s ({svc_s:.1f} s); "
              f"raw psycopg insert {args.movements / raw_s:,.0f}/s ({raw_s:.1f} s); the ledger takes {svc_s / raw_s:,.0f}x the raw time")
        p50_small, p99_small = bench_stock_reads(app, token)
        grow_s = grow_ledger(app, url, args.ledger_size)
        p50, p99 = bench_stock_reads(app, token)
        print(f"GET /api/v1/stock with {args.movements:,} movements: p50 {p50_small:.2f} ms, p99 {p99_small:.2f} ms")
        print(f"GET /api/v1/stock with {args.ledger_size:,} movements: p50 {p50:.2f} ms, p99 {p99:.2f} ms "
              f"(ratio to the small ledger: p50 x{p50 / p50_small:.2f}); growing took {grow_s:.0f} s")
        app2, url2, token2 = setup(server, "bench_http")
        replay = bench_http_replay(url2, token2)
        raw_http_s = bench_raw(url2, 10_000)
        print(f"replay over HTTP: one device 10,000 movements in {replay['one_device_s']:.1f} s "
              f"({10_000 / replay['one_device_s']:,.0f}/s); 50 devices x 200 at once in {replay['fifty_devices_s']:.1f} s "
              f"({10_000 / replay['fifty_devices_s']:,.0f}/s); raw insert of 10,000 rows {raw_http_s:.2f} s "
              f"({10_000 / raw_http_s:,.0f}/s)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
