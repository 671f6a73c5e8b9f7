"""Transfer orders under concurrency, through two gunicorn worker processes and real separate connections: shipping
from many handhelds at the source, receiving at the destination and closing the transfer order all at once leaves
in transit equal to shipped − received while open and 0 once closed, each scan counted once, the ledger clean."""
import uuid

from sqlalchemy import text

from tests.conftest import bearer
from tests.integration.floor import (
    scan,
    second_warehouse,
    small_warehouse,
    sync,
    verify_clean,
)
from tests.integration.live_server import all_at_once
from webapp.extensions import db


def _sql(query: str, **params):
    with db.engine.connect() as conn:
        return conn.execute(text(query), params).all()


def test_shipping_receiving_and_closing_a_transfer_at_once_count_every_unit_once(app, client, make_user, live):
    small_warehouse()
    second_warehouse()
    boss = make_user("maria", "supervisor")
    sync(client, boss, [scan("receive", "SKU-1", 100, to="A-01"), scan("receive", "SKU-1", 100, to="DOCK-2")])
    assert client.post("/api/v1/transfer-orders", json={"number": "TO-RACE", "from_warehouse": "WH1",
                                                        "to_warehouse": "WH2", "lines": [{"item": "SKU-1", "qty": 40}]},
                       headers=bearer(boss)).status_code == 201
    # Each handheld sends its scan twice (a lost answer): the second is a duplicate, whichever process gets it.
    scans = [scan("dispatch", "SKU-1", 2, from_="A-01", ref="TO-RACE") if n % 2 == 0
             else scan("receive", "SKU-1", 1, to="DOCK-2", ref="TO-RACE") for n in range(16)]

    def act(session, n):
        if n == 32:
            return session.post(f"{live.url}/api/v1/transfer-orders/TO-RACE/close", json={}, headers=bearer(boss),
                                timeout=60)
        return session.post(f"{live.url}/api/v1/sync", headers=bearer(boss), timeout=60,
                            json={"device_id": f"hh-{n % 16}-{uuid.uuid4().hex[:6]}", "movements": [scans[n % 16]]})

    answers = all_at_once(33, act)
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers if r.status_code != 200]
    statuses = sorted(r.json()["results"][0]["status"] for r in answers[:32])
    assert statuses == ["applied"] * 16 + ["duplicate"] * 16

    [(shipped,)] = _sql("SELECT COALESCE(SUM(qty_base), 0) FROM movement WHERE effect = 'transfer_out' AND flags NOT LIKE "
                        "'%transfer_order_closed%'")
    [(received,)] = _sql("SELECT COALESCE(SUM(qty_base), 0) FROM movement WHERE effect = 'transfer_in' AND flags NOT LIKE "
                         "'%transfer_order_closed%'")
    assert _sql("SELECT COUNT(*) FROM movement WHERE ref = 'TO-RACE'") == [(16,)]
    assert _sql("SELECT SUM(qty_shipped), SUM(qty_received) FROM transfer_order_line") == [(shipped, received)]
    assert _sql("SELECT status FROM transfer_order") == [("closed",)]
    assert _sql("SELECT in_transit FROM stock_total WHERE warehouse_id = (SELECT id FROM location WHERE code = 'WH2')"
                ) == [(0,)]
    verify_clean(app)
