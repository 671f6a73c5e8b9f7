"""Every operation in the OpenAPI document, called as every role: 403 exactly when the role is not listed.

LEDGER-AND-SYNC.md, "Tests that a shortcut cannot pass": every operation lists the roles it allows
(`x-roles`), and one test calls every operation as every role and checks the 403s. The roles and the
movement kinds each may record are written out here from CONTRACT.md, not imported from the product,
so a wrong table in the code cannot agree with itself.
"""
import re

import pytest

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, sync
from tests.integration.signin import session_sync, sign_in_on
from webapp.domain.sscc import make_sscc

ROLES = ("picker", "receiver", "counter", "supervisor", "admin", "integration")

# CONTRACT.md, "Authentication": movement kinds each role may record through sync.
KINDS_BY_ROLE = {
    "picker": {"pick", "pack", "dispatch", "transfer", "short"},
    "receiver": {"receive", "putaway", "transfer", "return"},
    "counter": {"count", "transfer"},
    "supervisor": {"receive", "putaway", "transfer", "pick", "pack", "dispatch", "return", "count", "short"},
    "admin": {"receive", "putaway", "transfer", "pick", "pack", "dispatch", "return", "count", "short"},
    "integration": set(),
}
ALL_KINDS = sorted(KINDS_BY_ROLE["admin"])

# The only operations anyone may call without signing in.
PUBLIC_OPERATIONS = {("post", "/api/v1/login"), ("get", "/api/v1/openapi.json")}

EVERYONE = set(ROLES)
ORDER_MANAGERS = {"integration", "admin", "supervisor"}
# CONTRACT.md, "Endpoints" and the role table: who may call what, where the contract says so.
CONTRACT_ROLES = {
    ("get", "/api/v1/me"): EVERYONE,
    ("post", "/api/v1/logout"): EVERYONE,
    ("post", "/api/v1/sync"): EVERYONE,
    ("get", "/api/v1/catalog"): EVERYONE,
    ("get", "/api/v1/tasks"): EVERYONE,
    ("post", "/api/v1/items"): {"admin", "integration"},
    ("post", "/api/v1/locations"): {"admin", "integration"},
    # any signed-in role, except a caller whose only floor role is counter (blind counts)
    ("get", "/api/v1/stock/{item}"): EVERYONE - {"counter"},
    ("post", "/api/v1/reservations"): ORDER_MANAGERS,
    ("delete", "/api/v1/reservations/{reservation_id}"): ORDER_MANAGERS,
    ("post", "/api/v1/orders"): ORDER_MANAGERS,
    ("patch", "/api/v1/orders/{number}"): ORDER_MANAGERS,
    ("post", "/api/v1/orders/{number}/transition"): ORDER_MANAGERS,
    ("post", "/api/v1/purchase-orders"): ORDER_MANAGERS,
    ("get", "/api/v1/exceptions"): {"supervisor", "admin"},
    ("get", "/api/v1/rejects"): {"supervisor", "admin"},
    ("post", "/api/v1/exceptions/{id}/resolve"): {"supervisor", "admin"},
    ("post", "/api/v1/rejects/{id}/resolve"): {"supervisor", "admin"},
    ("get", "/api/v1/movements"): {"supervisor", "admin"},
    ("get", "/api/v1/expiring"): EVERYONE - {"counter"},  # quantities: not for blind counters
    ("get", "/orders/{number}/packing-slip.pdf"): {"picker", "supervisor", "admin"},
    # CONTRACT.md, "Counts"
    ("post", "/api/v1/counts"): {"supervisor", "admin"},
    ("get", "/api/v1/counts"): {"counter", "supervisor", "admin"},
    ("get", "/api/v1/counts/{id}"): {"counter", "supervisor", "admin"},
    ("post", "/api/v1/counts/{id}/close"): {"supervisor", "admin"},
    ("post", "/api/v1/counts/{id}/lines/{line}/approve"): {"supervisor", "admin"},
    ("post", "/api/v1/counts/{id}/lines/{line}/recount"): {"supervisor", "admin"},
    # CONTRACT.md: suppliers, items, purchase orders
    ("post", "/api/v1/suppliers"): {"admin", "integration", "supervisor"},
    ("get", "/api/v1/suppliers"): {"admin", "integration", "supervisor"},
    ("get", "/api/v1/suppliers/{code}"): {"admin", "integration", "supervisor"},
    ("patch", "/api/v1/suppliers/{code}"): {"admin", "integration", "supervisor"},
    ("patch", "/api/v1/items/{sku}"): {"admin", "integration"},
    ("get", "/api/v1/purchase-orders"): {"integration", "admin", "supervisor", "receiver"},
    ("get", "/api/v1/purchase-orders/{number}"): {"integration", "admin", "supervisor", "receiver"},
    ("post", "/api/v1/purchase-orders/{number}/close"): {"supervisor", "admin", "integration"},
    # issue 14: advance ship notices (the integration, the office and the supervisor send them; receivers read)
    ("post", "/api/v1/inbound-shipments"): ORDER_MANAGERS,
    ("get", "/api/v1/inbound-shipments"): {"integration", "admin", "supervisor", "receiver"},
    ("get", "/api/v1/inbound-shipments/{number}"): {"integration", "admin", "supervisor", "receiver"},
    ("post", "/api/v1/inbound-shipments/{number}/close"): ORDER_MANAGERS,
    # issue 14: a damaged receipt's photo, uploaded by the device that took it, looked at by the supervisor
    ("put", "/api/v1/photos/{photo_id}"): {"receiver", "supervisor", "admin"},
    ("get", "/api/v1/photos/{photo_id}"): {"supervisor", "admin"},
    # CONTRACT.md: people and tokens (a person may list and delete their own tokens, not create them)
    ("get", "/api/v1/users"): {"admin"},
    ("post", "/api/v1/users"): {"admin"},
    ("patch", "/api/v1/users/{username}"): {"admin"},
    ("post", "/api/v1/users/{username}/tokens"): {"admin"},
    ("get", "/api/v1/users/{username}/tokens"): EVERYONE,
    ("delete", "/api/v1/tokens/{id}"): EVERYONE,
    ("get", "/api/v1/devices"): {"supervisor", "admin"},
    ("patch", "/api/v1/devices/{id}"): {"admin"},
    ("get", "/api/v1/orders"): ORDER_MANAGERS,
    ("get", "/api/v1/settings"): {"admin"},
    ("patch", "/api/v1/settings"): {"admin"},
    ("get", "/api/v1/settings/history"): {"admin"},
    # issue 16: reorder drafts and reports (supervisor, admin)
    ("post", "/api/v1/reorder/drafts"): {"supervisor", "admin"},
    ("get", "/api/v1/reorder/drafts"): {"supervisor", "admin"},
    ("patch", "/api/v1/reorder/drafts/{id}"): {"supervisor", "admin"},
    ("post", "/api/v1/reorder/drafts/{id}/approve"): {"supervisor", "admin"},
    ("delete", "/api/v1/reorder/drafts/{id}"): {"supervisor", "admin"},
    ("get", "/api/v1/reports/inventory-value-by-category"): {"supervisor", "admin"},
    ("get", "/api/v1/reports/inventory-value-by-zone"): {"supervisor", "admin"},
    ("get", "/api/v1/reports/slow-movers"): {"supervisor", "admin"},
    ("get", "/api/v1/reports/below-reorder-point"): {"supervisor", "admin"},
    ("get", "/api/v1/reports/negative-stock"): {"supervisor", "admin"},
    ("get", "/api/v1/reports/monthly-turnover"): {"supervisor", "admin"},
    ("post", "/api/v1/orders/{number}/lines"): ORDER_MANAGERS,
    ("delete", "/api/v1/orders/{number}/lines/{line}"): ORDER_MANAGERS,
    # CSV imports (issues 14 and 18): items are catalogue work, orders and purchase orders the order desk's
    ("post", "/api/v1/imports/items"): {"admin", "integration"},
    ("post", "/api/v1/imports/orders"): ORDER_MANAGERS,
    ("post", "/api/v1/imports/purchase-orders"): ORDER_MANAGERS,
    ("post", "/api/v1/imports/inbound-shipments"): ORDER_MANAGERS,
    # issue 16: the supervisor's dashboard, alerts and reconcile
    ("get", "/api/v1/dashboard"): {"supervisor", "admin"},
    ("get", "/api/v1/alerts"): {"supervisor", "admin"},
    ("post", "/api/v1/alerts/{id}/acknowledge"): {"supervisor", "admin"},
    ("get", "/api/v1/reconcile"): {"supervisor", "admin"},
    # Transfer orders between warehouses (issue 14): managed like orders, read by the floor that ships and receives
    ("post", "/api/v1/transfer-orders"): ORDER_MANAGERS,
    ("get", "/api/v1/transfer-orders"): ORDER_MANAGERS | {"receiver", "picker"},
    ("get", "/api/v1/transfer-orders/{number}"): ORDER_MANAGERS | {"receiver", "picker"},
    ("post", "/api/v1/transfer-orders/{number}/close"): ORDER_MANAGERS,
    ("get", "/api/v1/reconcile/items/{item}"): {"supervisor", "admin"},
    ("get", "/api/v1/reconcile/zones/{zone}"): {"supervisor", "admin"},
}


def same_route(path: str) -> str:
    """/api/v1/rejects/{record_id}/resolve and the contract's /api/v1/rejects/{id}/resolve are one route."""
    return re.sub(r"{[^}]*}", "{}", path)

# Plausible bodies for the operations we know; anything new gets one derived from its schema.
KNOWN_BODIES = {
    ("post", "/api/v1/items"): lambda role: {"sku": f"NEW-{role}", "name": f"New item for {role}"},
    ("post", "/api/v1/locations"): lambda role: {"code": f"B-{role}", "kind": "bin", "parent": "WH1-Z"},
    ("post", "/api/v1/reservations"): lambda role: {"item": "SKU-1", "qty": 1, "ref": f"RES-{role}"},
    ("post", "/api/v1/orders"): lambda role: {"number": f"SO-{role}", "lines": [{"item": "SKU-1", "qty": 1}]},
    ("patch", "/api/v1/orders/{number}"): lambda role: {"notes": f"edited by {role}"},
    ("post", "/api/v1/orders/{number}/transition"): lambda role: {"to": "on_hold", "reason": f"by {role}"},
    ("post", "/api/v1/purchase-orders"): lambda role: {"number": f"PO-{role}", "supplier": "SUP",
                                                       "lines": [{"item": "SKU-2", "qty": 5}]},
    ("post", "/api/v1/sync"): lambda role: {"device_id": f"matrix-{role}", "movements": []},
    ("post", "/api/v1/transfer-orders"): lambda role: {"number": f"TO-{role}", "from_warehouse": "WH1",
                                                       "to_warehouse": "WH1", "lines": [{"item": "SKU-1", "qty": 1}]},
    ("post", "/api/v1/inbound-shipments"): lambda role: {
        "number": f"ASN-{role}", "pallets": [{"sscc": make_sscc("5012345", ROLES.index(role) if role in ROLES else len(ROLES)),
                                              "lines": [{"item": "SKU-1", "qty": 1}]}]},
    ("post", "/api/v1/cartons"): lambda role: {"order": "SO-1", "station": "PACK-1"},
    ("post", "/api/v1/pick-tasks"): lambda role: {"orders": ["SO-1"]},
    ("post", "/api/v1/counts"): lambda role: {"locations": ["A-04"], "note": f"counted for {role}"},
    ("post", "/api/v1/adjustments"): lambda role: {"item": "SKU-2", "location": "A-02", "qty": 1, "reason": f"by {role}"},
    ("post", "/api/v1/users"): lambda role: {"username": f"new-{role}", "roles": ["picker"], "password": "long-enough"},
    ("post", "/api/v1/reorder/drafts"): lambda role: {"method": "static"},
    ("patch", "/api/v1/reorder/drafts/{draft_id}"): lambda role: {"remove": []},
    # Changes a bystander, never a caller of the matrix (whose token a password reset would end).
    ("patch", "/api/v1/users/{username}"): lambda role: {"roles": ["picker", "receiver"]},
    ("post", "/api/v1/orders/{number}/lines"): lambda role: {"item": "SKU-2", "qty": 1},
}


def minimal_instance(schema: dict, name: str = "x"):
    """The smallest plausible value for a JSON schema: required properties only, first enum value."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object":
        props = schema.get("properties", {})
        return {key: minimal_instance(props.get(key, {}), key) for key in schema.get("required", [])}
    if kind == "array":
        return [minimal_instance(schema.get("items", {}), name) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if schema.get("format") == "date-time":
        return "2026-11-25T10:00:00Z"
    return "SKU-1" if name == "item" else f"matrix-{name}"[: schema.get("maxLength", 64)]


def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method, path, operation


@pytest.fixture
def floor(app, client, make_user):
    """WH1 with stock, an order SO-1, a standalone reservation, one user per role, and the OpenAPI document."""
    small_warehouse()
    tokens = {role: make_user(f"only-{role}", role) for role in ROLES}
    boss = make_user("boss", "admin")
    received = sync(client, boss, [scan("receive", "SKU-1", 100, to="A-01"), scan("receive", "SKU-2", 50, to="A-02")])
    assert [r["status"] for r in received.get_json()["results"]] == ["applied", "applied"], received.get_json()
    order = client.post("/api/v1/orders", json={"number": "SO-1", "lines": [{"item": "SKU-1", "qty": 2}]},
                        headers=bearer(boss))
    assert order.status_code == 201, order.get_json()
    reservation = client.post("/api/v1/reservations", json={"item": "SKU-2", "qty": 1, "ref": "HOLD-1"},
                              headers=bearer(boss))
    assert reservation.status_code == 201, reservation.get_json()
    # A pick puts SO-1 in picking, so a carton can be opened for it; a pick from an empty bin raises an
    # exception (negative stock); a quantity of 0 is rejected — so every path parameter has a real object.
    floor_work = sync(client, boss, [scan("pick", "SKU-1", 1, from_="A-01", to="TOTE-1", ref="SO-1"),
                                     scan("transfer", "SKU-3", 1, from_="A-03", to="A-04"),
                                     scan("receive", "SKU-1", 0, to="A-01")], device_id="matrix-device")
    assert [r["status"] for r in floor_work.get_json()["results"]] == ["applied", "applied", "rejected"]
    carton = client.post("/api/v1/cartons", json={"order": "SO-1", "station": "PACK-1"}, headers=bearer(boss))
    assert carton.status_code == 201, carton.get_json()
    exceptions = client.get("/api/v1/exceptions", headers=bearer(boss)).get_json()["items"]
    rejects = client.get("/api/v1/rejects", headers=bearer(boss)).get_json()["items"]
    assert exceptions and rejects
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    bystander = make_user("bystander", "picker")
    spare_token = client.post("/api/v1/users/bystander/tokens", json={"name": "spare"}, headers=bearer(boss))
    assert spare_token.status_code == 201 and bystander
    path_values = {"number": "SO-1", "username": "bystander", "token_id": str(spare_token.get_json()["id"]), "item": "SKU-1", "reservation_id": str(reservation.get_json()["id"]),
                   "sscc": carton.get_json()["sscc"], "device_id": "matrix-device",
                   "record_id": {"/exceptions/": str(exceptions[0]["id"]), "/rejects/": str(rejects[0]["id"])}}
    return {"tokens": tokens, "boss": boss, "document": document.get_json(), "path_values": path_values}


def fill_path(path: str, path_values: dict) -> str:
    """Path parameters from real objects ("1" for one we have none of: a 404 is fine, a 403 is what we look at)."""
    def value(match):
        known = path_values.get(match.group(1), "1")
        if isinstance(known, dict):
            known = next((v for prefix, v in known.items() if prefix in path), "1")
        return known

    return re.sub(r"{([a-z_]+)}", value, path)


def request_for(method: str, path: str, operation: dict, role: str, path_values: dict) -> dict:
    url = fill_path(path, path_values)
    kwargs = {"method": method.upper(), "path": url}
    if (method, path) in KNOWN_BODIES:
        kwargs["json"] = KNOWN_BODIES[(method, path)](role)
    elif "application/json" in operation.get("requestBody", {}).get("content", {}):
        kwargs["json"] = minimal_instance(operation["requestBody"]["content"]["application/json"]["schema"])
    return kwargs


def test_every_operation_lists_its_roles_and_only_the_known_ones_are_public(floor):
    ops = list(operations(floor["document"]))
    assert len(ops) >= 15, "the OpenAPI document lost operations"
    for method, path, operation in ops:
        assert "x-roles" in operation, f"{method.upper()} {path} does not list x-roles"
        roles = operation["x-roles"]
        assert isinstance(roles, list), f"{method.upper()} {path}: x-roles is not a list"
        assert set(roles) <= set(ROLES), f"{method.upper()} {path}: unknown roles {set(roles) - set(ROLES)}"
        assert len(roles) == len(set(roles)), f"{method.upper()} {path}: x-roles repeats a role"
        if not roles:
            assert (method, path) in PUBLIC_OPERATIONS, f"{method.upper()} {path} is public (empty x-roles)"
            assert operation.get("security") == [], f"{method.upper()} {path}: public but not security: []"
    listed = {(method, path) for method, path, _ in ops}
    assert PUBLIC_OPERATIONS <= listed


def test_x_roles_agree_with_the_contract(floor):
    """A wrong x-roles enforced faithfully would pass the matrix below; the contract's roles pin it down."""
    contract = {(method, same_route(path)): roles for (method, path), roles in CONTRACT_ROLES.items()}
    checked = 0
    for method, path, operation in operations(floor["document"]):
        if (method, same_route(path)) in contract:
            assert set(operation["x-roles"]) == contract[(method, same_route(path))], f"{method.upper()} {path}"
            checked += 1
    assert checked >= 19


def test_every_operation_refuses_every_role_it_does_not_list(client, floor):
    failures = []
    calls = 0
    for method, path, operation in operations(floor["document"]):
        allowed = set(operation["x-roles"])
        if not allowed:
            continue
        for role in ROLES:
            request = request_for(method, path, operation, role, floor["path_values"])
            response = client.open(headers=bearer(floor["tokens"][role]), **request)
            calls += 1
            label = f"{method.upper()} {path} as {role}: {response.status_code} {response.get_data()[:200]!r}"
            if response.status_code >= 500:
                failures.append(f"server error: {label}")
            elif role in allowed and response.status_code == 403:
                failures.append(f"refused a listed role: {label}")
            elif role not in allowed:
                if response.status_code != 403:
                    failures.append(f"let in an unlisted role: {label}")
                elif response.get_json()["error"]["code"] != "forbidden":
                    failures.append(f"403 with an unexpected code: {label}")
    assert calls >= 15 * 5
    assert not failures, "\n".join(failures)


def test_an_unlisted_role_is_refused_before_the_body_is_read(client, floor):
    """A malformed body must not let a caller learn anything (400 vs 403) about an operation they may not use."""
    for method, path, operation in operations(floor["document"]):
        allowed = set(operation["x-roles"])
        if not allowed or "requestBody" not in operation:
            continue
        for role in set(ROLES) - allowed:
            url = fill_path(path, floor["path_values"])
            response = client.open(url, method=method.upper(), data=b"{not json",
                                   headers={**bearer(floor["tokens"][role]), "Content-Type": "application/json"})
            assert response.status_code == 403, f"{method.upper()} {path} as {role}: {response.status_code}"


def test_every_non_public_operation_is_401_without_credentials(client, floor):
    for bad_auth in ({}, {"Authorization": "Bearer not-a-real-token"}, {"Authorization": "Bearer "},
                     {"Authorization": "Basic YWRtaW46YWRtaW4="}):
        for method, path, operation in operations(floor["document"]):
            if not operation["x-roles"]:
                continue
            request = request_for(method, path, operation, "admin", floor["path_values"])
            response = client.open(headers=bad_auth, **request)
            assert response.status_code == 401, f"{method.upper()} {path} with {bad_auth}: {response.status_code}"
            assert response.is_json and response.get_json()["error"]["code"] == "unauthenticated"


def test_public_operations_answer_without_credentials(client, floor, make_user):
    make_user("pub", "picker", password="correct-horse")
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.post("/api/v1/login", json={"username": "pub", "password": "correct-horse"}).status_code == 200


def _one_of_each_kind(role: str) -> list[dict]:
    """One plausible movement of every kind, with locations that exist and hold stock."""
    places = {
        "receive": {"to": "DOCK-1"}, "putaway": {"from_": "DOCK-1", "to": "A-03"},
        "transfer": {"from_": "A-01", "to": "A-04"}, "pick": {"from_": "A-01", "to": "TOTE-1", "ref": "SO-1"},
        "pack": {"from_": "TOTE-1", "to": "PACK-1", "ref": "SO-1"}, "dispatch": {"from_": "PACK-1", "ref": "SO-1"},
        "return": {"to": "A-02", "ref": f"RMA-{role}"}, "count": {"to": "A-04", "ref": f"CNT-{role}"},
        "short": {"from_": "A-01", "ref": "SO-1"},
    }
    return [scan(kind, "SKU-1", 1, **places[kind]) for kind in ALL_KINDS]


@pytest.mark.parametrize("role", ROLES)
def test_sync_answers_forbidden_kind_for_kinds_outside_the_role(client, floor, role):
    from sqlalchemy import func, select

    from webapp.db.ledger_tables import Movement
    from webapp.extensions import db

    movements = _one_of_each_kind(role)
    with db.unit_of_work() as s:
        before = s.scalar(select(func.count()).select_from(Movement))
    response = sync(client, floor["tokens"][role], movements, device_id=f"dev-{role}")
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert [r["id"] for r in results] == [m["id"] for m in movements]
    applied = 0
    for movement, result in zip(movements, results):
        code = result.get("error", {}).get("code")
        if movement["kind"] in KINDS_BY_ROLE[role]:
            assert code != "forbidden_kind", f"{role} may record {movement['kind']}: {result}"
            assert result["status"] == "applied", f"{role} {movement['kind']}: {result}"
            applied += 1
        else:
            assert result["status"] == "rejected" and code == "forbidden_kind", f"{role} {movement['kind']}: {result}"
    with db.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(Movement)) == before + applied


def test_roles_are_a_union(client, floor, make_user):
    token = make_user("two-hats", "counter", "receiver")
    assert client.get("/api/v1/stock/SKU-1", headers=bearer(token)).status_code == 200
    movements = [scan("count", "SKU-1", 0, to="A-04", ref="CNT-9"), scan("receive", "SKU-1", 1, to="DOCK-1"),
                 scan("pick", "SKU-1", 1, from_="A-01", to="TOTE-1", ref="SO-1")]
    results = sync(client, token, movements, device_id="two-hats").get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"], results
    assert results[2]["error"]["code"] == "forbidden_kind"


def test_a_kind_is_checked_against_the_person_who_scanned_it(app, floor):
    """A supervisor's device replaying a picker's outbox: the picker's roles decide, not the sender's."""
    # The picker signed in on the device earlier (sign-in is what records it); now the supervisor has it.
    sign_in_on(app.test_client(), "only-picker", "shared-1")
    supervisor = app.test_client()
    csrf = sign_in_on(supervisor, "only-supervisor", "shared-1")
    movements = [scan("receive", "SKU-1", 1, to="DOCK-1", scanned_by="only-picker"),
                 scan("transfer", "SKU-1", 1, from_="A-01", to="A-03", scanned_by="only-picker"),
                 scan("receive", "SKU-1", 1, to="DOCK-1", scanned_by="only-receiver")]
    results = session_sync(supervisor, csrf, movements, device_id="shared-1").get_json()["results"]
    assert results[0]["status"] == "rejected" and results[0]["error"]["code"] == "forbidden_kind", results[0]
    assert results[1]["status"] == "applied", results[1]
    # The receiver never signed in on shared-1: the supervisor may not send on their behalf.
    assert results[2]["status"] == "rejected" and results[2]["error"]["code"] == "forbidden_scanner", results[2]
