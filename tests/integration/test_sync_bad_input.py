"""POST /api/v1/sync with bad input: CONTRACT.md, "What is answered how".

- a wrong envelope → 400 with a JSON error, nothing applied;
- too many movements or too big a body → 413 batch_too_large naming the limit, nothing applied;
- a wrong movement → `rejected` with its code inside the 200, the rest of the batch applied,
  and the rejected payload kept server-side for the supervisor;
- not signed in → 401, nothing applied.

"Nothing applied" is checked in the database (movements, rejected payloads, devices) and through
GET /api/v1/stock, before and after.
"""
import json

import pytest
from sqlalchemy import func, select

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, stock, sync

MAX_MOVEMENTS = 500
MAX_BODY_BYTES = 1024 * 1024


def case_barcode(n: int) -> str:
    from webapp.domain.checkdigit import with_check_digit

    return with_check_digit(f"1501234500{n:03d}")


@pytest.fixture
def boss(app, client, make_user):
    """WH1 with 10 of SKU-1 in A-01, and an admin's token."""
    small_warehouse()
    token = make_user("boss", "admin")
    response = sync(client, token, [scan("receive", "SKU-1", 10, to="A-01")], device_id="setup")
    assert response.get_json()["results"][0]["status"] == "applied"
    return token


def counts() -> dict:
    from webapp.db.ledger_tables import Movement
    from webapp.db.models import Device
    from webapp.db.order_tables import RejectedMovement
    from webapp.extensions import db

    with db.unit_of_work() as s:
        return {name: s.scalar(select(func.count()).select_from(model))
                for name, model in (("movements", Movement), ("rejected", RejectedMovement), ("devices", Device))}


def rejected_rows() -> list:
    from webapp.db.order_tables import RejectedMovement
    from webapp.extensions import db

    with db.unit_of_work() as s:
        return list(s.scalars(select(RejectedMovement).order_by(RejectedMovement.id)))


def snapshot(client, token) -> tuple:
    return counts(), stock(client, token, "SKU-1")


def post_raw(client, token, body: bytes, content_type: str = "application/json"):
    return client.post("/api/v1/sync", data=body, headers={**bearer(token), "Content-Type": content_type})


def assert_json_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data()[:300])
    assert response.is_json, response.get_data()[:300]
    error = response.get_json()["error"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error


def a_receive() -> dict:
    return scan("receive", "SKU-1", 5, to="A-02")


# --- the envelope -------------------------------------------------------------------------------


def _bad_envelopes() -> dict:
    good = a_receive()
    valid = json.dumps({"device_id": "dev-1", "movements": [good]})
    return {
        "not json": b"{device_id: dev-1, movements: [",
        "empty body": b"",
        "truncated json": valid[:-3].encode(),
        "not utf-8": b"\xff\xfe" + valid.encode("utf-16-le"),
        "latin-1 bytes": valid.replace("dev-1", "d\xe9v-1").encode("latin-1"),
        "nul byte in the json": valid.replace('"dev-1"', '"dev-1"\x00').encode(),
        "nul byte inside a string": valid.replace("dev-1", "dev\x001").encode(),
        "json array": json.dumps([{"device_id": "dev-1", "movements": [good]}]).encode(),
        "json string": json.dumps("device_id").encode(),
        "json null": b"null",
        "device_id missing": json.dumps({"movements": [good]}).encode(),
        "device_id null": json.dumps({"device_id": None, "movements": [good]}).encode(),
        "device_id a number": json.dumps({"device_id": 7, "movements": [good]}).encode(),
        "device_id a list": json.dumps({"device_id": ["dev-1"], "movements": [good]}).encode(),
        "device_id an object": json.dumps({"device_id": {"id": "dev-1"}, "movements": [good]}).encode(),
        "device_id true": json.dumps({"device_id": True, "movements": [good]}).encode(),
        "device_id empty": json.dumps({"device_id": "", "movements": [good]}).encode(),
        "device_id blank": json.dumps({"device_id": "   ", "movements": [good]}).encode(),
        "device_id 65 chars": json.dumps({"device_id": "d" * 65, "movements": [good]}).encode(),
        "device_id escaped nul": json.dumps({"device_id": "dev\u00001", "movements": [good]}).encode(),
        "device_id with a newline": json.dumps({"device_id": "dev\n1", "movements": [good]}).encode(),
        "movements missing": json.dumps({"device_id": "dev-1"}).encode(),
        "movements null": json.dumps({"device_id": "dev-1", "movements": None}).encode(),
        "movements an object": json.dumps({"device_id": "dev-1", "movements": {"0": good}}).encode(),
        "movements a string": json.dumps({"device_id": "dev-1", "movements": json.dumps([good])}).encode(),
        "movements a number": json.dumps({"device_id": "dev-1", "movements": 1}).encode(),
        "sent_at not a time": json.dumps({"device_id": "dev-1", "sent_at": "now", "movements": [good]}).encode(),
        "sent_at without offset": json.dumps({"device_id": "dev-1", "sent_at": "2026-11-25T10:00:00",
                                              "movements": [good]}).encode(),
        "sent_at a number": json.dumps({"device_id": "dev-1", "sent_at": 1764064800, "movements": [good]}).encode(),
    }


BAD_ENVELOPES = _bad_envelopes()


def test_a_wrong_envelope_is_400_with_a_json_error_and_applies_nothing(client, boss, subtests):
    before = snapshot(client, boss)
    for name, body in BAD_ENVELOPES.items():
        with subtests.test(msg=name):
            response = post_raw(client, boss, body)
            assert_json_error(response, 400)
            assert snapshot(client, boss) == before


def test_the_400_names_the_wrong_field(client, boss):
    for body, wanted in (({"movements": []}, "device_id"), ({"device_id": "d" * 65, "movements": []}, "device_id"),
                         ({"device_id": "dev-1"}, "movements"), ({"device_id": "dev-1", "movements": {}}, "movements")):
        error = assert_json_error(post_raw(client, boss, json.dumps(body).encode()), 400)
        assert error.get("field") == wanted or wanted in error["message"], error


def test_a_64_character_device_id_is_fine(client, boss):
    response = sync(client, boss, [a_receive()], device_id="d" * 64)
    assert response.status_code == 200
    assert response.get_json()["results"][0]["status"] == "applied"


def test_an_envelope_with_a_wrong_content_type_is_still_judged_by_its_body(client, boss):
    """The device always sends JSON; a missing or odd Content-Type must not turn a bad body into a 500."""
    before = snapshot(client, boss)
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        response = post_raw(client, boss, b"device_id=dev-1&movements=1", content_type)
        assert 400 <= response.status_code < 500 and response.is_json, (content_type, response.status_code)
    assert snapshot(client, boss) == before


# --- limits --------------------------------------------------------------------------------------


def test_more_than_500_movements_is_413_naming_the_limit_and_applies_nothing(client, boss):
    before = snapshot(client, boss)
    movements = [scan("receive", "SKU-1", 1, to="A-02") for _ in range(MAX_MOVEMENTS + 1)]
    response = sync(client, boss, movements)
    error = assert_json_error(response, 413, "batch_too_large")
    assert str(MAX_MOVEMENTS) in error["message"] or MAX_MOVEMENTS in error.values(), error
    assert snapshot(client, boss) == before


def test_exactly_500_movements_is_answered(client, boss):
    movements = [scan("teleport", "SKU-1", 1, to="A-02") for _ in range(MAX_MOVEMENTS - 1)] + [a_receive()]
    response = sync(client, boss, movements)
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert len(results) == MAX_MOVEMENTS
    assert results[-1]["status"] == "applied"


def _padded(size: int) -> bytes:
    """A valid envelope (one good receive) padded with an unknown envelope key to exactly `size` bytes."""
    body = json.dumps({"device_id": "dev-big", "movements": [a_receive()], "padding": ""}).encode()
    return body[:-2] + b"x" * (size - len(body)) + b'"}'


@pytest.mark.parametrize("size", [MAX_BODY_BYTES + 1, 2 * MAX_BODY_BYTES, 10 * MAX_BODY_BYTES])
def test_a_body_over_1_mib_is_413_naming_the_limit_and_applies_nothing(client, boss, size):
    before = snapshot(client, boss)
    body = _padded(size)
    assert len(body) == size
    error = assert_json_error(post_raw(client, boss, body), 413, "batch_too_large")
    assert str(MAX_BODY_BYTES) in error["message"] or MAX_BODY_BYTES in error.values(), error
    assert snapshot(client, boss) == before


def test_a_body_of_exactly_1_mib_is_applied(client, boss):
    response = post_raw(client, boss, _padded(MAX_BODY_BYTES))
    assert response.status_code == 200, response.get_data()[:300]
    assert response.get_json()["results"][0]["status"] == "applied"


def _chunked(client, token, body: bytes):
    """What gunicorn (the Procfile's server) hands the app for a chunked upload: no CONTENT_LENGTH, and
    wsgi.input_terminated set (gunicorn sets it on every request)."""
    import io

    return client.post("/api/v1/sync", input_stream=io.BytesIO(body), environ_overrides={"wsgi.input_terminated": True},
                       headers={**bearer(token), "Content-Type": "application/json", "Transfer-Encoding": "chunked"})


def test_a_small_chunked_body_is_applied(client, boss):
    response = _chunked(client, boss, json.dumps({"device_id": "dev-chunked", "movements": [a_receive()]}).encode())
    assert response.status_code == 200, response.get_data()[:300]
    assert response.get_json()["results"][0]["status"] == "applied"


def test_a_chunked_body_over_1_mib_is_413_and_applies_nothing(client, boss):
    before = snapshot(client, boss)
    # Valid JSON followed by whitespace: what survives truncation is still a valid envelope.
    trailing_spaces = json.dumps({"device_id": "dev-chunked", "movements": [a_receive()]}).encode() + b" " * (2 * MAX_BODY_BYTES)
    for body in (trailing_spaces, _padded(10 * MAX_BODY_BYTES)):
        assert_json_error(_chunked(client, boss, body), 413, "batch_too_large")
        assert snapshot(client, boss) == before


# --- authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Bearer"},
                                     {"Authorization": "Basic Ym9zczpjb3JyZWN0LWhvcnNl"}],
                         ids=["none", "unknown token", "empty bearer", "basic"])
def test_unauthenticated_sync_is_401_and_applies_nothing(client, boss, headers):
    before = snapshot(client, boss)
    body = {"device_id": "stranger", "movements": [a_receive(), scan("teleport")]}
    response = client.post("/api/v1/sync", json=body, headers=headers)
    assert_json_error(response, 401, "unauthenticated")
    assert snapshot(client, boss) == before


def test_a_blocked_device_is_403_and_applies_nothing(client, boss):
    from webapp.db.models import Device
    from webapp.extensions import db

    assert sync(client, boss, [], device_id="lost-1").status_code == 200
    with db.unit_of_work() as s:
        s.get(Device, "lost-1").status = "blocked"
    before = snapshot(client, boss)
    response = sync(client, boss, [a_receive(), scan("teleport")], device_id="lost-1")
    assert_json_error(response, 403, "device_blocked")
    assert snapshot(client, boss) == before


# --- one movement at a time, inside the 200 ------------------------------------------------------


def _m(kind="receive", item="SKU-1", qty=1, **fields) -> dict:
    fields.setdefault("to", "A-03")
    return scan(kind, item, qty, **fields)


def _without(movement: dict, *names: str) -> dict:
    return {k: v for k, v in movement.items() if k not in names}


def _bad_movements() -> list[tuple[str, object, str]]:
    """(name, movement, expected rejection code) — each has a usable id unless the code says otherwise."""
    return [
        ("qty zero (not a count)", _m(qty=0), "invalid_quantity"),
        ("qty negative", _m(qty=-3), "invalid_quantity"),
        ("qty a float", _m(qty=1.5), "invalid_quantity"),
        ("qty huge", _m(qty=10**12), "invalid_quantity"),
        ("qty one over the limit", _m(qty=1_000_001), "invalid_quantity"),
        ("qty a string", _m(qty="3"), "invalid_quantity"),
        ("qty true", _m(qty=True), "invalid_quantity"),
        ("qty null", _m(qty=None), "invalid_quantity"),
        ("qty missing", _without(_m(), "qty"), "invalid_quantity"),
        ("qty in cases over 10M base units", _m(item=case_barcode(1), qty=900_000), "invalid_quantity"),
        ("unknown barcode", _m(item="5000000000000"), "unknown_item"),
        ("unknown sku", _m(item="NO-SUCH-SKU"), "unknown_item"),
        ("unknown to location", _m(to="NOWHERE"), "unknown_location"),
        ("unknown from location", _m("transfer", from_="NOWHERE", to="A-01"), "unknown_location"),
        ("kind unknown", _m(kind="teleport"), "invalid_kind"),
        ("kind a ledger-only kind", _m(kind="adjust_in"), "invalid_kind"),
        ("kind a number", _m(kind=3), "invalid_kind"),
        ("kind missing", _without(_m(), "kind"), "invalid_kind"),
        ("kind in capitals", _m(kind="RECEIVE"), "invalid_kind"),
        ("occurred_at words", _m(occurred_at="yesterday"), "invalid_movement"),
        ("occurred_at without offset", _m(occurred_at="2026-11-25T10:00:00"), "invalid_movement"),
        ("occurred_at impossible date", _m(occurred_at="2026-13-45T10:00:00Z"), "invalid_movement"),
        ("occurred_at a number", _m(occurred_at=1764064800), "invalid_movement"),
        ("occurred_at very long", _m(occurred_at="2026-11-25T10:00:00" + "0" * 100 + "Z"), "invalid_movement"),
        ("occurred_at missing", _without(_m(), "occurred_at"), "invalid_movement"),
        ("expiry not a date", _m(expiry="31/03/2027"), "invalid_movement"),
        ("item a number", _m(item=5012345000019), "invalid_movement"),
        ("item missing", _without(_m(), "item"), "invalid_movement"),
        ("item too long", _m(item="9" * 201), "invalid_movement"),
        ("to missing on a receive", _without(_m(), "to"), "invalid_movement"),
        ("from missing on a transfer", _m("transfer", to="A-01"), "invalid_movement"),
        ("to a list", _m(to=["A-01"]), "invalid_movement"),
        ("ref with a nul", _m(ref="PO\u00001"), "invalid_movement"),
        ("device_seq a string", _m(device_seq="7"), "invalid_movement"),
        ("device_seq negative", _m(device_seq=-1), "invalid_movement"),
        ("device_seq a float", _m(device_seq=7.5), "invalid_movement"),
        ("id missing", _without(_m(), "id"), "invalid_movement"),
        ("id empty", _m(id=""), "invalid_movement"),
        ("id a number", _m(id=42), "invalid_movement"),
        ("id 65 chars", _m(id="i" * 65), "invalid_movement"),
        ("id with a nul", _m(id="abc\u0000def"), "invalid_movement"),
        ("movement a string", "receive SKU-1 at A-03", "invalid_movement"),
        ("movement a number", 42, "invalid_movement"),
        ("movement null", None, "invalid_movement"),
        ("movement a list", [_m()], "invalid_movement"),
    ]


def _has_usable_id(movement) -> bool:
    mid = movement.get("id") if isinstance(movement, dict) else None
    return isinstance(mid, str) and 0 < len(mid) <= 64 and mid.isprintable()


def test_each_bad_movement_is_rejected_with_its_code_and_the_good_ones_still_apply(client, boss):
    bad = _bad_movements()
    good_first, good_last = _m(qty=2, to="A-04"), _m(qty=3, to="A-04")
    empty_bin = scan("count", "SKU-1", 0, to="A-03", ref="CNT-1")  # a count may be 0: an empty bin is a fact
    biggest = _m(qty=1_000_000, to="DOCK-1")  # the largest quantity a movement may carry
    batch = [good_first] + [movement for _, movement, _ in bad] + [empty_bin, biggest, good_last]
    before_counts = counts()
    before_stock = stock(client, boss, "SKU-1")

    response = sync(client, boss, batch, device_id="dev-bad")
    assert response.status_code == 200, response.get_data()[:500]
    results = response.get_json()["results"]
    assert len(results) == len(batch)

    problems = []
    for (name, movement, code), result in zip(bad, results[1:-3]):
        expected_id = movement["id"] if _has_usable_id(movement) else None
        got = (result.get("status"), result.get("error", {}).get("code"), result.get("id"))
        if got != ("rejected", code, expected_id):
            problems.append(f"{name}: wanted rejected/{code}/id={expected_id!r}, got {result}")
    assert not problems, "\n".join(problems)
    for movement, result in zip([good_first] + batch[-3:], [results[0]] + results[-3:]):
        assert result["status"] == "applied" and result["id"] == movement["id"], result

    after_stock = stock(client, boss, "SKU-1")
    assert after_stock["on_hand"] == before_stock["on_hand"] + 2 + 1_000_000 + 3
    after_counts = counts()
    assert after_counts["movements"] == before_counts["movements"] + 4
    assert after_counts["rejected"] == before_counts["rejected"] + len(bad)


def test_every_rejected_payload_is_kept_with_its_code(client, boss):
    bad = _bad_movements()
    already = len(rejected_rows())
    response = sync(client, boss, [movement for _, movement, _ in bad] + [a_receive()], device_id="dev-keep")
    assert response.status_code == 200
    rows = rejected_rows()[already:]
    assert len(rows) == len(bad)
    for (name, movement, code), row in zip(bad, rows):
        assert row.code == code, (name, row.code)
        assert row.device_id == "dev-keep"
        assert row.movement_id == (movement["id"] if _has_usable_id(movement) else None), name
        assert json.loads(row.payload) == movement, name
        assert row.message
        assert row.resolved_at is None


def test_a_kind_outside_the_role_is_kept_as_a_rejected_payload_too(client, boss, make_user):
    picker = make_user("pia", "picker")
    movement = scan("receive", "SKU-1", 1, to="A-02")
    result = sync(client, picker, [movement], device_id="dev-pia").get_json()["results"][0]
    assert result["status"] == "rejected" and result["error"]["code"] == "forbidden_kind"
    row = rejected_rows()[-1]
    assert (row.code, row.movement_id, json.loads(row.payload)) == ("forbidden_kind", movement["id"], movement)


# --- idempotency ---------------------------------------------------------------------------------


def test_a_repeated_id_in_one_batch_is_a_duplicate_the_second_time(client, boss):
    before = stock(client, boss, "SKU-1")["on_hand"]
    movement = _m(qty=4, to="A-02")
    results = sync(client, boss, [movement, dict(movement), _m(qty=1, to="A-02")]).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "duplicate", "applied"], results
    assert results[1]["id"] == movement["id"] and results[1]["seq"] == results[0]["seq"]
    assert stock(client, boss, "SKU-1")["on_hand"] == before + 5


def test_a_repeated_bad_movement_in_one_batch_is_rejected_both_times_and_applies_nothing(client, boss):
    before = snapshot(client, boss)[1]
    movement = _m(qty=0)
    results = sync(client, boss, [movement, dict(movement)]).get_json()["results"]
    assert [(r["status"], r["error"]["code"]) for r in results] == [("rejected", "invalid_quantity")] * 2
    assert stock(client, boss, "SKU-1") == before


def test_the_same_id_again_later_is_a_duplicate_or_an_idempotency_conflict(client, boss):
    movement = _m(qty=4, to="A-02")
    first = sync(client, boss, [movement]).get_json()["results"][0]
    assert first["status"] == "applied"
    after_first = snapshot(client, boss)

    again = sync(client, boss, [dict(movement)]).get_json()["results"][0]
    assert again == {"id": movement["id"], "status": "duplicate", "seq": first["seq"], "flags": first["flags"]}
    assert snapshot(client, boss)[1] == after_first[1]

    for change in ({"qty": 5}, {"to": "A-03"}, {"item": "SKU-2"}, {"kind": "return"}, {"ref": "PO-9"}):
        conflicting = {**movement, **change}
        results = sync(client, boss, [conflicting, _m(qty=1, to="A-04")]).get_json()["results"]
        assert results[0]["status"] == "rejected", (change, results[0])
        assert results[0]["error"]["code"] == "idempotency_conflict", (change, results[0])
        assert results[0]["id"] == movement["id"]
        assert results[1]["status"] == "applied"  # the rest of the batch goes on
    after = stock(client, boss, "SKU-1")
    assert after["on_hand"] == after_first[1]["on_hand"] + 5
    codes = [row.code for row in rejected_rows()]
    assert codes.count("idempotency_conflict") == 5


def test_a_rejected_id_may_be_sent_again_corrected(client, boss):
    """A rejection applied nothing, so the id is still free: the device (or a supervisor) may fix and resend it."""
    movement = _m(qty=0, to="A-02")
    assert sync(client, boss, [movement]).get_json()["results"][0]["status"] == "rejected"
    fixed = {**movement, "qty": 2}
    assert sync(client, boss, [fixed]).get_json()["results"][0]["status"] == "applied"


# --- bugs found while writing these tests ---------------------------------------------------------


def test_an_occurred_at_at_the_edge_of_the_calendar_is_rejected_not_a_500(client, boss):
    before = stock(client, boss, "SKU-1")["on_hand"]
    batch = [_m(occurred_at="0001-01-01T00:00:00+01:00"), _m(occurred_at="9999-12-31T23:59:59-01:00"),
             _m(qty=2, to="A-02")]
    response = sync(client, boss, batch)
    assert response.status_code == 200, response.get_data()[:300]
    results = response.get_json()["results"]
    assert [(r["status"], r.get("error", {}).get("code")) for r in results[:2]] == [("rejected", "invalid_movement")] * 2
    assert results[2]["status"] == "applied"
    assert stock(client, boss, "SKU-1")["on_hand"] == before + 2


def test_a_sent_at_at_the_edge_of_the_calendar_is_400_not_a_500(client, boss):
    before = snapshot(client, boss)
    response = sync(client, boss, [a_receive()], sent_at="0001-01-01T00:00:00+01:00")
    assert_json_error(response, 400)
    assert snapshot(client, boss) == before


def test_a_device_seq_from_the_pwa_clock_is_applied(request, client, boss, database_url):
    """pwa/db.js starts next_device_seq at Date.now() (~1.7e12): every real device sends seqs above 2**31."""
    before = stock(client, boss, "SKU-1")["on_hand"]
    seq = 1_764_064_800_000
    response = sync(client, boss, [_m(qty=2, to="A-02", device_seq=seq), _m(qty=1, to="A-02", device_seq=seq + 1)])
    assert response.status_code == 200, response.get_data()[:300]
    assert [r["status"] for r in response.get_json()["results"]] == ["applied", "applied"]
    assert stock(client, boss, "SKU-1")["on_hand"] == before + 3
    later = sync(client, boss, [_m(qty=1, to="A-02", device_seq=seq - 5)]).get_json()["results"][0]
    assert later["status"] == "applied" and "out_of_order" in later["flags"]


def test_a_balance_beyond_what_a_column_holds_is_rejected_not_a_500(request, client, boss, database_url):
    """Each movement is within the limits (≤ 10M base units), but 220 of them pile 2.2e9 into one bin."""
    case = case_barcode(1)
    batch = [_m(item=case, qty=833_333, to="A-04") for _ in range(220)] + [_m(qty=1, to="A-02")]
    response = sync(client, boss, batch)
    assert response.status_code == 200, response.get_data()[:300]
    results = response.get_json()["results"]
    assert all(r["status"] == "applied" or r["error"]["code"] == "invalid_quantity" for r in results), \
        {r.get("error", {}).get("code") for r in results}
    assert results[-1]["status"] == "applied"
