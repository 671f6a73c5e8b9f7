"""The hot item (issue 17): many reservations of one item at once. The total's row lock is what they queue on,
so a reservation takes it with its last statement; racing ones still never promise a unit twice."""
import uuid

import pytest
from sqlalchemy import event, text

from tests.integration.floor import scan, small_warehouse, sync
from tests.integration.live_server import all_at_once
from webapp.extensions import db
from webapp.services import reservations


def test_a_reservation_takes_the_items_total_with_its_last_statement_so_others_wait_only_for_its_commit(
        app, client, make_user):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    assert sync(client, boss, [scan("receive", qty=5, to="A-01")]).status_code == 200
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()).upper())

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        with db.unit_of_work() as s:
            reservations.reserve(s, 1, 1, 2, "HOT-1")
            writes = [q for q in statements if q.startswith(("INSERT", "UPDATE", "DELETE"))]
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert writes[-1].startswith("UPDATE STOCK_TOTAL SET RESERVED"), writes
    assert any(q.startswith("INSERT INTO RESERVATION") for q in writes[:-1]), writes
    with db.unit_of_work() as s:
        assert s.execute(text("SELECT reserved FROM stock_total WHERE item_id = 1")).scalar() == 2


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_hundred_keyed_reservations_racing_for_seven_units_promise_each_unit_once(app, client, make_user, live):
    small_warehouse()
    boss = make_user("maria", "supervisor")
    erp = make_user("erp", "integration")
    assert sync(client, boss, [scan("receive", qty=7, to="A-01")]).status_code == 200

    def reserve(session, n):  # with an Idempotency-Key: the request's one transaction, the service in a savepoint
        return session.post(f"{live.url}/api/v1/reservations", json={"item": "SKU-1", "qty": 1, "ref": f"HOT-{n}"},
                            headers={"Authorization": f"Bearer {erp}", "Idempotency-Key": str(uuid.uuid4())},
                            timeout=60)

    statuses = sorted(r.status_code for r in all_at_once(100, reserve))
    assert (statuses.count(201), statuses.count(409)) == (7, 93), statuses
    with db.engine.connect() as conn:
        # Recomputed from the records: a refused request left no reservation row and no stored answer behind.
        assert conn.execute(text("SELECT COUNT(*), SUM(qty) FROM reservation")).one() == (7, 7)
        assert conn.execute(text("SELECT COUNT(*) FROM idempotency_key")).scalar() == 7
        assert conn.execute(text("SELECT reserved, on_hand - reserved FROM stock_total")).one() == (7, 0)
