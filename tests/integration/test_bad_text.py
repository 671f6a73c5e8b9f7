"""Text must be valid Unicode and JSON no deeper than 32 levels (CONTRACT.md, "Conventions").

A lone surrogate ("\\ud800" as a JSON escape) or a body nested too deep is a 400 (`invalid_text` /
`invalid_json`) on every operation that takes a body, found by walking the OpenAPI document, and changes
nothing; inside a sync batch only that movement is rejected (`invalid_text`) and the rest apply.
"""
import json

from sqlalchemy import func, select

from tests.conftest import bearer
from tests.integration.floor import scan, stock, sync
from tests.integration.test_api_fuzz import _body_for, _with_each_leaf_poisoned, warehouse  # noqa: F401
from tests.integration.test_role_matrix import operations

SURROGATE = "\ud800"


def row_counts() -> dict:
    from webapp.db.tables import metadata
    from webapp.extensions import db

    with db.unit_of_work() as s:
        return {name: s.scalar(select(func.count()).select_from(table)) for name, table in metadata.tables.items()}


def send(client, method: str, url: str, body, token: str):
    # json.dumps writes a lone surrogate as the escape "\ud800", exactly what a broken client sends.
    raw = json.dumps(body) if not isinstance(body, str) else body
    return client.open(url, method=method.upper(), data=raw, content_type="application/json",
                       headers=bearer(token))


def body_operations(client, warehouse):
    """(method, url, plausible body) for every operation in the OpenAPI document that takes a JSON body."""
    document = client.get("/api/v1/openapi.json").get_json()
    import re

    for method, path, operation in operations(document):
        if "application/json" not in operation.get("requestBody", {}).get("content", {}):
            continue  # no body, or a photo
        url = re.sub(r"{([a-z_]+)}", lambda m: warehouse.get(m.group(1), "1"), path)
        yield method, path, url, _body_for(method, path, operation)


def test_a_lone_surrogate_in_any_field_of_any_body_is_400_invalid_text_and_changes_nothing(client, warehouse):
    before = row_counts()
    wrong, checked = [], set()
    for method, path, url, body in body_operations(client, warehouse):
        if path == "/api/v1/sync":
            continue  # judged movement by movement: the next test
        variants = list(_with_each_leaf_poisoned(body, lambda s: s[:1] + SURROGATE + s[1:]))
        variants.append({**body, "note" + SURROGATE: "x"})  # in a key, and for bodies with no string at all
        for variant in variants:
            response = send(client, method, url, variant, warehouse["boss"])
            code = (response.get_json(silent=True) or {}).get("error", {}).get("code")
            if (response.status_code, code) != (400, "invalid_text"):
                wrong.append(f"{method.upper()} {url} {json.dumps(variant)[:120]} → {response.status_code} {code}")
        checked.add(path)
    login = send(client, "post", "/api/v1/login", {"username": "bo" + SURROGATE + "ss", "password": "x"}, "-")
    assert (login.status_code, login.get_json()["error"]["code"]) == (400, "invalid_text")
    assert {"/api/v1/adjustments", "/api/v1/reservations", "/api/v1/orders", "/api/v1/cartons",
            "/api/v1/pick-tasks", "/api/v1/items", "/api/v1/purchase-orders"} <= checked
    assert not wrong, "\n".join(wrong)
    assert row_counts() == before


def test_a_lone_surrogate_in_a_sync_batch_rejects_only_that_movement(client, warehouse):
    boss = warehouse["boss"]
    template = scan("receive", "SKU-1", 1, to="A-01", ref="PO-1", lot="L1", expiry="2027-01-31", uom="EA",
                    scanned_by="boss")
    on_hand = stock(client, boss)["on_hand"]
    fields = [name for name, value in template.items() if isinstance(value, str) and name != "id"]
    for name in fields + ["an unknown key"]:
        bad = {**scan("receive", "SKU-1", 1, to="A-01"), **({name: template[name][:1] + SURROGATE + template[name][1:]}
                                                           if name in template else {"note" + SURROGATE: 1})}
        good = scan("receive", "SKU-1", 2, to="A-01")
        response = sync(client, boss, [bad, good])
        assert response.status_code == 200, (name, response.get_data()[:200])
        results = response.get_json()["results"]
        assert results[0]["status"] == "rejected" and results[0]["error"]["code"] == "invalid_text", (name, results)
        assert results[0]["id"] == bad["id"]
        assert results[1]["status"] == "applied", (name, results)
        on_hand += 2
        assert stock(client, boss)["on_hand"] == on_hand
    # An id that is no usable text is rejected with no id, as any unusable id; the batch still goes on.
    response = sync(client, boss, [{**scan("receive", "SKU-1", 1, to="A-01"), "id": "m-" + SURROGATE},
                                   scan("receive", "SKU-1", 1, to="A-01")])
    assert [r["status"] for r in response.get_json()["results"]] == ["rejected", "applied"]
    assert response.get_json()["results"][0]["id"] is None


def nested(depth: int):
    """A value that is `depth` containers deep (alternating objects and lists)."""
    value = "bottom"
    for level in range(depth):
        value = {"x": value} if level % 2 else [value]
    return value


def test_a_body_nested_deeper_than_32_levels_is_400_invalid_json_everywhere(client, warehouse):
    before = row_counts()
    wrong = []
    targets = list(body_operations(client, warehouse))
    for method, path, url, body in targets:
        # The body object is level 1, so a field holding 31 containers reaches exactly 32 levels.
        too_deep = [{**body, "deep": nested(32)}]
        if path == "/api/v1/sync":
            too_deep.append({**body, "movements": [{**scan("receive", "SKU-1", 1, to="A-01"), "deep": nested(31)}]})
        for variant in too_deep + ["[" * 100_000 + "]" * 100_000, '{"x":' * 100_000 + "1" + "}" * 100_000]:
            response = send(client, method, url, variant, warehouse["boss"])
            code = (response.get_json(silent=True) or {}).get("error", {}).get("code")
            if (response.status_code, code) != (400, "invalid_json"):
                wrong.append(f"{method.upper()} {url} {str(variant)[:60]} → {response.status_code} {code}")
    assert not wrong, "\n".join(wrong)
    assert row_counts() == before
    for method, path, url, body in targets:
        at_limit = send(client, method, url, {**body, "deep": nested(31)}, warehouse["boss"])
        code = (at_limit.get_json(silent=True) or {}).get("error", {}).get("code")
        if at_limit.status_code >= 500 or code == "invalid_json":
            wrong.append(f"{method.upper()} {url} at exactly 32 levels → {at_limit.status_code} {code}")
    assert not wrong, "\n".join(wrong)


def test_a_nul_character_is_still_refused(client, warehouse):
    response = send(client, "post", "/api/v1/reservations", {"item": "SKU-2", "qty": 1, "ref": "R\u0000"},
                    warehouse["boss"])
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, "invalid_json")
    batch = sync(client, warehouse["boss"], [scan("receive", "SKU-1", 1, to="A-01", lot="L\u0000"),
                                             scan("receive", "SKU-1", 1, to="A-01")])
    assert [r["status"] for r in batch.get_json()["results"]] == ["rejected", "applied"]
