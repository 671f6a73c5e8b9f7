"""One source for the limits: what the server tells a device at sign-in (GET /api/v1/me, POST /login) is what
its OpenAPI document states and what it enforces, so the floor app never keeps a copy of its own."""
from tests.conftest import bearer


def test_the_limits_a_device_is_told_are_the_ones_the_schema_states_and_the_server_enforces(client, make_user):
    token = make_user("asha", "picker", "supervisor")
    limits = client.get("/api/v1/me", headers=bearer(token)).get_json()["limits"]
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    qty = next(option for option in schemas["SyncMovement"]["properties"]["qty"]["anyOf"] if option.get("type") == "integer")
    assert limits["max_qty"] == qty["maximum"]
    sync = document["paths"]["/api/v1/sync"]["post"]
    assert (limits["max_batch_movements"], limits["max_body_bytes"]) == (
        sync["x-limits"]["max_movements"], sync["x-limits"]["max_body_bytes"])
    close = document["paths"]["/api/v1/cartons/{sscc}/close"]["post"]["requestBody"]["content"]["application/json"]
    weight = next(option for option in close["schema"]["properties"]["weight_g"]["anyOf"] if option.get("type") == "integer")
    assert limits["max_weight_g"] == weight["maximum"]

    too_many = {"device_id": "h-1", "movements": [{"id": f"m-{n}", "device_seq": n, "kind": "count", "qty": 0,
                                                   "occurred_at": "2026-11-25T10:00:00Z"}
                                                  for n in range(limits["max_batch_movements"] + 1)]}
    assert client.post("/api/v1/sync", json=too_many, headers=bearer(token)).status_code == 413
    over = {"id": "q-1", "device_seq": 1, "kind": "receive", "item": "X", "qty": limits["max_qty"] + 1, "to": "A",
            "occurred_at": "2026-11-25T10:00:00Z"}
    answer = client.post("/api/v1/sync", json={"device_id": "h-1", "movements": [over]}, headers=bearer(token)).get_json()
    assert answer["results"][0]["error"]["code"] == "invalid_quantity"
