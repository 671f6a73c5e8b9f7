"""Reservations that expire (issue 18, point 5): released by the server on the next reservation request or by
`flask reservations expire` (cron), recorded on the reservation, exactly once under two racing processes."""
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, stock, sync
from webapp.domain.clock import format_instant, parse_instant, utcnow
from webapp.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def _reserve(client, token, qty, ref, **extra) -> dict:
    answer = client.post("/api/v1/reservations", json={"item": "SKU-1", "qty": qty, "ref": ref, **extra},
                         headers=bearer(token))
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def _stocked(client, make_user, qty=100) -> str:
    small_warehouse()
    desk = make_user("erp", "integration", "receiver")
    assert sync(client, desk, [scan("receive", qty=qty, to="A-01")]).get_json()["results"][0]["status"] == "applied"
    return desk


def test_an_expired_reservation_is_released_on_the_next_reservation_request_and_says_so(client, make_user):
    desk = _stocked(client, make_user)
    soon = format_instant(utcnow() + timedelta(seconds=1))
    expiring = _reserve(client, desk, 30, "HOLD-A", expires_at=soon)
    lasting = _reserve(client, desk, 20, "HOLD-B", expires_at=format_instant(utcnow() + timedelta(hours=1)))
    forever = _reserve(client, desk, 10, "HOLD-C")
    assert expiring["expires_at"] and forever["expires_at"] is None
    assert client.post("/api/v1/orders", json={"number": "SO-1", "lines": [{"item": "SKU-1", "qty": 5}]},
                       headers=bearer(desk)).status_code == 201
    assert stock(client, desk)["available"] == 35
    time.sleep(1.2)
    _reserve(client, desk, 60, "HOLD-D")  # fits only because HOLD-A's 30 went back first
    released = client.get(f"/api/v1/reservations/{expiring['id']}", headers=bearer(desk)).get_json()
    assert released["status"] == "released" and released["release_reason"] == "expired" and released["qty"] == 0
    assert parse_instant(released["closed_at"]) >= parse_instant(soon)
    for still in (lasting, forever):
        assert client.get(f"/api/v1/reservations/{still['id']}", headers=bearer(desk)).get_json()["status"] == "open"
    assert stock(client, desk)["reserved"] == 20 + 10 + 5 + 60


def test_a_new_reservation_expires_after_the_minutes_in_the_settings(client, make_user):
    desk = _stocked(client, make_user)
    assert _reserve(client, desk, 1, "HOLD-0")["expires_at"] is None  # 0: never
    admin = bearer(make_user("ada", "admin"))
    assert client.patch("/api/v1/settings", json={"reservation_expiry_minutes": 90}, headers=admin).status_code == 200
    expires = parse_instant(_reserve(client, desk, 1, "HOLD-1")["expires_at"])
    assert abs(expires - (utcnow() + timedelta(minutes=90))) < timedelta(minutes=1)


def test_a_bad_expiry_is_a_400_naming_the_field_and_reserves_nothing(client, make_user):
    desk = _stocked(client, make_user)
    answer = client.post("/api/v1/reservations", json={"item": "SKU-1", "qty": 1, "ref": "X", "expires_at": "tomorrow"},
                         headers=bearer(desk))
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "expires_at"
    assert stock(client, desk)["reserved"] == 0


RACER = """
import sys, time
from webapp import create_app
app = create_app({"DATABASE_URL": sys.argv[1]})
start_at = float(sys.argv[2])
time.sleep(max(0.0, start_at - time.time()))
result = app.test_cli_runner().invoke(args=["reservations", "expire"])
print(result.output, end="")
sys.exit(result.exit_code)
"""


def test_two_cron_processes_racing_release_every_expired_reservation_exactly_once(app, client, make_user, database_url):
    desk = _stocked(client, make_user, qty=1000)
    ids = [_reserve(client, desk, 5, f"HOLD-{n}")["id"] for n in range(60)]
    keep = ids[::4]  # every fourth one has not expired
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE reservation SET expires_at = :t"), {"t": utcnow() - timedelta(minutes=1)})
        conn.execute(text("UPDATE reservation SET expires_at = :t WHERE id IN (%s)" % ",".join(map(str, keep))),
                     {"t": utcnow() + timedelta(hours=1)})
    start_at = time.time() + 4  # both processes are up by then: they start releasing together
    racers = [subprocess.Popen([sys.executable, "-c", RACER, database_url, str(start_at)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [racer.communicate(timeout=120) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], outputs
    released = []
    for out, _ in outputs:
        listed = out.split("(", 1)[1].rstrip().rstrip(")") if "(" in out else ""
        released += [int(i) for i in listed.split(", ") if i]
    assert sorted(released) == sorted(set(ids) - set(keep))  # each once, between the two of them
    assert stock(client, desk)["reserved"] == 5 * len(keep)
    with db.engine.connect() as conn:
        reasons = conn.execute(text("SELECT release_reason, count(*) FROM reservation GROUP BY release_reason")).all()
    assert sorted(reasons) == sorted([("", len(keep)), ("expired", len(ids) - len(keep))])
