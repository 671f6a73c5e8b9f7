"""Schemathesis against the app's own OpenAPI document, in-process (WSGI): no input makes it answer 5xx.

Every operation in GET /api/v1/openapi.json is called with generated data — valid and invalid — as an
admin and as a supervisor, over a small warehouse with stock, an order and a reservation. The only
check is `not_a_server_error`: bad input must be a 4xx JSON error, never a 500 (CONTRACT.md). Response
bodies are not checked against the schema (the document declares no response schemas for successes).

The cases are driven by hand (`operation.as_strategy()` under Hypothesis's `@given`, one subtest per
operation) because the `app` fixture is per test and parametrised over databases, and
`schemathesis.pytest.from_fixture` (4.32) does not run under pytest 9 (it sets `request.node._nodeid`).

The regression tests at the bottom pin down the 500s the fuzzer found; until they are fixed the fuzz
test tolerates exactly those server errors (KNOWN_SERVER_ERRORS, matched on the logged exception) —
remove an entry together with the xfail of its regression test when the fix lands.

DOCKHAND_FUZZ_EXAMPLES raises the examples per operation for a deeper local run (default 30);
DOCKHAND_FUZZ_SEED picks another seed (the default is fixed, so CI is repeatable).
"""
import json
import logging
import os
import re

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.conftest import bearer
from tests.integration.floor import ean, scan, small_warehouse, sync
from tests.integration.test_role_matrix import KNOWN_BODIES, minimal_instance, operations

MAX_EXAMPLES = int(os.environ.get("DOCKHAND_FUZZ_EXAMPLES", "30"))
SEED = int(os.environ.get("DOCKHAND_FUZZ_SEED", "20261125"))
INT4_MAX = 2**31 - 1

# (exception type name, text in the message, only on PostgreSQL?) → the regression test that pins it.
KNOWN_SERVER_ERRORS: list[tuple[str, str, bool]] = []  # all found so far are fixed


def case_barcode(n: int) -> str:
    from webapp.domain.checkdigit import with_check_digit

    return with_check_digit(f"1501234500{n:03d}")


@pytest.fixture
def warehouse(app, client, make_user) -> dict:
    """Stock, order SO-1 and a reservation, so that path parameters can hit real objects."""
    small_warehouse()
    boss = make_user("boss", "admin")
    received = sync(client, boss, [scan("receive", "SKU-1", 100, to="A-01"), scan("receive", "SKU-2", 100, to="A-02")])
    assert all(r["status"] == "applied" for r in received.get_json()["results"])
    assert client.post("/api/v1/orders", json={"number": "SO-1", "lines": [{"item": "SKU-1", "qty": 2}]},
                       headers=bearer(boss)).status_code == 201
    reservation = client.post("/api/v1/reservations", json={"item": "SKU-2", "qty": 1, "ref": "HOLD-1"},
                              headers=bearer(boss))
    assert reservation.status_code == 201
    return {"number": "SO-1", "item": "SKU-1", "reservation_id": str(reservation.get_json()["id"]), "boss": boss}


@pytest.fixture
def server_errors(app):
    """The exceptions the app logged as unhandled (webapp/web/errors.py logs each 500 with its traceback)."""
    caught: list[BaseException] = []

    class Catch(logging.Handler):
        def emit(self, record):
            if record.exc_info and record.exc_info[1] is not None:
                caught.append(record.exc_info[1])

    handler = Catch(level=logging.ERROR)
    app.logger.addHandler(handler)
    yield caught
    app.logger.removeHandler(handler)


def is_known(exc: BaseException, on_postgresql: bool) -> bool:
    return any(type(exc).__name__ == name and text in str(exc) and (on_postgresql or not pg_only)
               for name, text, pg_only in KNOWN_SERVER_ERRORS)


# Values that exist in the warehouse: planted into generated bodies so that cases get past
# "unknown item" and reach the ledger, orders and reservations.
BINS = ["A-01", "A-02", "A-03", "DOCK-1", "TOTE-1", "PACK-1", "OUT-1"]
REAL_VALUES = {
    "item": ["SKU-1", "SKU-2", "SKU-3", ean(1), case_barcode(2)],
    "from": BINS, "to": BINS, "location": BINS, "station": ["PACK-1"], "parent": ["WH1", "WH1-Z", "A-01"],
    "warehouse": ["WH1"], "supplier": ["SUP"], "ref": ["SO-1", "HOLD-1"], "order": ["SO-1"], "uom": ["EA", "CS"],
    "scanned_by": ["boss"],
}


def plant(value, rnd) -> None:
    """Swap some generated strings for real codes, in place, keeping the shape (and the wrong types) as generated."""
    if isinstance(value, list):
        for element in value:
            plant(element, rnd)
    elif isinstance(value, dict):
        for key, element in value.items():
            if key in REAL_VALUES and isinstance(element, str) and rnd.random() < 0.7:
                value[key] = rnd.choice(REAL_VALUES[key])
            else:
                plant(element, rnd)


def strategy_for(operation, known: dict):
    """Valid and invalid cases; valid ones also aimed at objects that exist."""
    real = {name: value for name, value in known.items() if f"{{{name}}}" in operation.path}
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    if real:
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))
    return st.one_of(strategies)


@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_no_input_makes_the_api_answer_5xx(app, make_user, warehouse, server_errors, database_url, role, subtests):
    token = make_user(f"fuzz-{role}", role)
    on_postgresql = database_url.startswith("postgresql")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    api_operations = [result.ok() for result in schema.get_all_operations()]
    assert len(api_operations) >= 15
    tolerated = []

    for operation in api_operations:
        @hypothesis.seed(SEED)
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck),
                  phases=[hypothesis.Phase.generate, hypothesis.Phase.shrink])
        @given(case=strategy_for(operation, warehouse), rnd=st.randoms(use_true_random=False))
        def call(case, rnd):
            plant(case.body, rnd)
            server_errors.clear()
            response = case.call(headers=bearer(token))
            if response.status_code == 500 and server_errors and all(is_known(e, on_postgresql) for e in server_errors):
                tolerated.append((operation.label, repr(server_errors[0])[:120]))
                return
            case.validate_response(response, checks=[not_a_server_error])

        with subtests.test(msg=operation.label):
            call()
    if tolerated:
        print(f"tolerated {len(tolerated)} known server errors:", *sorted(set(tolerated)), sep="\n  ")


# --- regressions: the 500s the fuzzer found, pinned down one class at a time ------------------------


# Bodies that carry the optional fields worth poisoning (the role matrix's bodies are minimal).
FULL_BODIES = {
    ("post", "/api/v1/adjustments"): {"item": "SKU-1", "location": "A-03", "qty": 1, "reason": "found", "lot": "L1",
                                      "corrects_seq": 1},
    ("post", "/api/v1/sync"): {"device_id": "fuzz-1", "sent_at": "2026-11-25T10:00:00Z",
                               "movements": [scan("receive", "SKU-1", 1, to="A-01", ref="PO-1", lot="L1")]},
    ("post", "/api/v1/orders"): {"number": "SO-F", "lines": [{"item": "SKU-1", "qty": 1, "unit_price": "1.50"}],
                                 "ship_to": {"name": "Ann"}, "notes": "n", "warehouse": "WH1"},
    ("post", "/api/v1/purchase-orders"): {"number": "PO-F", "supplier": "SUP", "lines": [{"item": "SKU-2", "qty": 5}],
                                          "expected_at": "2026-12-01T09:00:00Z", "warehouse": "WH1"},
    ("post", "/api/v1/items"): {"sku": "NEW-F", "name": "New", "barcodes": ["5012345999994"],
                                "uoms": [{"code": "CS", "factor": 6, "barcode": "15012345999991"}], "unit_cost": 1.5,
                                "reorder_point": 1, "reorder_qty": 2},
    ("patch", "/api/v1/orders/{number}"): {"notes": "n", "ship_to": {"name": "Bo"},
                                           "lines": [{"line": 1, "qty": 1, "unit_price": "2.00"}]},
}


def _body_for(method: str, path: str, operation: dict):
    if (method, path) in FULL_BODIES:
        return json.loads(json.dumps(FULL_BODIES[(method, path)]))
    if (method, path) in KNOWN_BODIES:
        return KNOWN_BODIES[(method, path)]("fuzz")
    if "requestBody" in operation:
        schema = operation["requestBody"].get("content", {}).get("application/json", {}).get("schema")
        return minimal_instance(schema) if schema else None
    return None


def _with_each_leaf_poisoned(value, poison, wanted=str):
    """Copies of `value` with one leaf of type `wanted` at a time replaced by poison(old)."""
    if isinstance(value, wanted) and not isinstance(value, bool):
        yield poison(value)
    elif isinstance(value, list):
        for i, element in enumerate(value):
            for variant in _with_each_leaf_poisoned(element, poison, wanted):
                yield value[:i] + [variant] + value[i + 1:]
    elif isinstance(value, dict):
        for key, element in value.items():
            for variant in _with_each_leaf_poisoned(element, poison, wanted):
                yield {**value, key: variant}


def _server_errors(client, warehouse, document, *, path_value=None, query_value=None, poison=None,
                   poisoned=str) -> list[str]:
    """Call every operation as an admin: with `path_value` in all its path parameters; with `query_value` in
    each query parameter in turn; with a plausible body whose leaves of type `poisoned` are replaced by
    poison(leaf) one at a time. Returns the calls answered 5xx."""
    token, attempts = warehouse["boss"], []
    for method, path, operation in operations(document):
        real_url = re.sub(r"{([a-z_]+)}", lambda m: warehouse.get(m.group(1), "1"), path)
        body = _body_for(method, path, operation)
        if path_value is not None and "{" in path:
            attempts.append((method, re.sub(r"{[a-z_]+}", path_value, path), body))
        if query_value is not None:
            attempts += [(method, f"{real_url}?{p['name']}={query_value}", body)
                         for p in operation.get("parameters", []) if p.get("in") == "query"]
        if poison is not None and body is not None:
            attempts += [(method, real_url, variant) for variant in _with_each_leaf_poisoned(body, poison, poisoned)]
    found = []
    for method, target, payload in attempts:
        response = client.open(target, method=method.upper(), json=payload, headers=bearer(token))
        if response.status_code >= 500:
            found.append(f"{method.upper()} {target} {json.dumps(payload)[:150]} → {response.status_code}")
    return found


def test_a_nul_character_anywhere_is_a_4xx(request, client, warehouse, database_url):
    document = client.get("/api/v1/openapi.json").get_json()
    found = _server_errors(client, warehouse, document, path_value="A%00B", query_value="%00",
                           poison=lambda s: s[:1] + "\u0000" + s[1:])
    login = client.post("/api/v1/login", json={"username": "bo\u0000ss", "password": "correct-horse"})
    if login.status_code >= 500:
        found.append(f"POST /api/v1/login with a NUL in the username (no sign-in needed) → {login.status_code}")
    assert not found, "\n".join(found)


def test_ids_and_cursors_beyond_32_bits_are_a_4xx(request, client, warehouse, database_url):
    document = client.get("/api/v1/openapi.json").get_json()
    found = _server_errors(client, warehouse, document, path_value=str(INT4_MAX + 1), query_value=str(10**12 - 1))
    assert not found, "\n".join(found)


def test_integers_in_a_body_beyond_32_bits_are_a_4xx(request, client, warehouse, database_url):
    document = client.get("/api/v1/openapi.json").get_json()
    found = _server_errors(client, warehouse, document, poison=lambda n: INT4_MAX + 1, poisoned=int)
    assert not found, "\n".join(found)


def test_integers_in_a_body_beyond_64_bits_are_a_4xx(client, warehouse):
    document = client.get("/api/v1/openapi.json").get_json()
    found = _server_errors(client, warehouse, document, poison=lambda n: 10**20 if n >= 0 else -(10**20),
                           poisoned=int)
    assert not found, "\n".join(found)


def test_a_quantity_times_its_pack_size_is_bounded(request, client, warehouse, database_url):
    """30,000 pallets of 100,000 is 3e9 base units: a 4xx (the 10,000,000 limit a scan meets), or stored whole."""
    boss = warehouse["boss"]
    created = client.post("/api/v1/items", json={"sku": "BIG", "name": "Pallet item",
                                                 "uoms": [{"code": "PAL", "factor": 100000, "barcode": "PAL-BIG"}]},
                          headers=bearer(boss))
    assert created.status_code == 201, created.get_json()
    attempts = [
        ("/api/v1/orders", {"number": "SO-BIG", "lines": [{"item": "PAL-BIG", "qty": 30000}]}),
        ("/api/v1/purchase-orders", {"number": "PO-BIG", "supplier": "SUP", "lines": [{"item": "PAL-BIG", "qty": 30000}]}),
        ("/api/v1/reservations", {"item": "PAL-BIG", "qty": 30000, "ref": "R-BIG"}),
        ("/api/v1/adjustments", {"item": "PAL-BIG", "location": "A-03", "qty": 30000, "reason": "found"}),
    ]
    found = []
    for url, body in attempts:
        response = client.post(url, json=body, headers=bearer(boss))
        if response.status_code >= 500:
            found.append(f"POST {url} {body} → {response.status_code} {response.get_data()[:120]!r}")
    assert not found, "\n".join(found)


def test_a_time_at_the_edge_of_the_calendar_is_a_4xx(client, warehouse):
    for expected_at in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"):
        response = client.post("/api/v1/purchase-orders", json={
            "number": f"PO-{expected_at[:4]}", "supplier": "SUP", "lines": [{"item": "SKU-1", "qty": 1}],
            "expected_at": expected_at}, headers=bearer(warehouse["boss"]))
        assert response.status_code == 400, (expected_at, response.status_code)


# --- the schema is the contract: what it allows is accepted, what it forbids is refused --------------

# 400s a schema cannot state: a rule of the domain, answered with that rule's own code.
DOMAIN_RULE_400 = {"warehouse_required", "invalid_transition", "invalid_location", "invalid_kind", "cross_warehouse",
                   "invalid_timezone", "parent_required", "invalid_parent", "invalid_image",
                   # a CSV file's header: the schema says text/csv, not which columns its first row names
                   "empty_file", "missing_column", "unknown_column", "duplicate_column", "wrong_encoding", "invalid_csv",
                   "invalid_sscc", "po_line_mismatch"}  # an SSCC's check digit; a notice line's purchase-order line
SCHEMA_EXAMPLES = int(os.environ.get("DOCKHAND_SCHEMA_EXAMPLES", "20"))


def test_requests_the_schema_allows_are_accepted_and_those_it_forbids_are_refused(app, make_user, warehouse,
                                                                                  database_url, subtests):
    """schemathesis's own positive_data_acceptance and negative_data_rejection, as an admin, every operation."""
    from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

    token = make_user("schema-admin", "admin")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    findings: list[str] = []

    for operation in [result.ok() for result in schema.get_all_operations()]:
        if operation.path == "/api/v1/logout":
            continue  # would end the very session the next cases use; it takes no input anyway

        @hypothesis.seed(SEED)
        @settings(max_examples=SCHEMA_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck),
                  phases=[hypothesis.Phase.generate])
        @given(case=strategy_for(operation, warehouse))
        def call(case):
            response = case.call(headers=bearer(token))
            if response.status_code == 400:
                code = (response.json() or {}).get("error", {}).get("code")
                if case.meta.generation.mode.is_positive and code in DOMAIN_RULE_400:
                    return
            if operation.path == "/api/v1/sync" and response.status_code == 200 \
                    and sync_refused_what_the_schema_forbids(document, case.body, response.json()):
                return  # a wrong movement is refused inside the 200, as the contract says
            try:
                case.validate_response(response, checks=[positive_data_acceptance, negative_data_rejection])
            except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - collected, reported together below
                body = response.text[:160]
                findings.append(f"{operation.label} [{case.meta.generation.mode.value}] → {response.status_code} "
                                f"{body} ← {json.dumps(case.body, default=str)[:160]}: {str(failure).splitlines()[0]}")

        with subtests.test(msg=operation.label):
            call()
    assert not findings, f"{len(findings)} findings:\n" + "\n".join(sorted(set(findings)))


def sync_refused_what_the_schema_forbids(document: dict, body, answer: dict) -> bool:
    """A sync batch whose envelope is valid is answered 200; each movement the schema forbids must be `rejected`."""
    import jsonschema_rs  # schemathesis's own validator

    def valid(instance, ref: str) -> bool:
        return jsonschema_rs.Draft202012Validator({"$ref": ref, "components": document["components"]}).is_valid(instance)

    request_schema = document["paths"]["/api/v1/sync"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    if not isinstance(body, dict) or not isinstance(body.get("movements"), list):
        return False
    envelope_ok = jsonschema_rs.Draft202012Validator({**request_schema, "components": document["components"]}).is_valid(
        {**body, "movements": []})
    results = answer.get("results", [])
    if not envelope_ok or len(results) != len(body["movements"]):
        return False
    return all(result["status"] == "rejected" for movement, result in zip(body["movements"], results)
               if not valid(movement, "#/components/schemas/SyncMovement"))
