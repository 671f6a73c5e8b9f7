"""The dynamic reorder point's "last N days" is a setting an admin changes on the settings screen (default 30),
on SQLite and PostgreSQL: it changes the computed point, a refused value changes nothing, and a reorder request
that names its own window still overrides it."""
from datetime import timedelta

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, sync
from webapp.domain.clock import format_instant, utcnow


def drafts(client, token, **body) -> dict:
    response = client.post("/api/v1/reorder/drafts", json={"method": "dynamic", **body}, headers=token)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_velocity_window_setting_moves_the_dynamic_reorder_point_and_a_refused_window_changes_nothing(
        client, make_user):
    small_warehouse()
    boss_token = make_user("boss", "supervisor")
    admin, boss = bearer(make_user("ada", "admin")), bearer(boss_token)
    assert client.post("/api/v1/suppliers", json={"code": "SLOW", "name": "Slow", "lead_time_days": 3},
                       headers=admin).status_code == 201
    assert client.patch("/api/v1/items/SKU-1", json={"supplier": "SLOW", "reorder_point": 0},
                        headers=admin).status_code == 200
    three_days_ago = format_instant(utcnow() - timedelta(days=3))
    moved = sync(client, boss_token, [
        scan("receive", "SKU-1", 15, to="A-01"),
        scan("dispatch", "SKU-1", 10, from_="A-01", occurred_at=three_days_ago)]).get_json()["results"]
    assert [r["status"] for r in moved] == ["applied", "applied"], moved
    # Available 5. Over the default 30 days: 10 issued → ⌈10 × 3 / 30⌉ = 1, not above 5: nothing to order.
    assert client.get("/api/v1/settings", headers=admin).get_json()["reorder_velocity_days"] == 30
    first = drafts(client, boss)
    assert (first["velocity_days"], first["drafts"]) == (30, [])

    for refused in (0, 366, 7.5, "seven", True, [30]):
        answer = client.patch("/api/v1/settings", json={"reorder_velocity_days": refused, "stuck_order_minutes": 45},
                              headers=admin)
        assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "reorder_velocity_days", \
            (refused, answer.get_json())
    settings = client.get("/api/v1/settings", headers=admin).get_json()
    assert (settings["reorder_velocity_days"], settings["stuck_order_minutes"]) == (30, 30)
    assert client.get("/api/v1/settings/history", headers=admin).get_json()["items"] == []
    assert drafts(client, boss)["drafts"] == []

    changed = client.patch("/api/v1/settings", json={"reorder_velocity_days": 5}, headers=admin)
    assert changed.status_code == 200 and changed.get_json()["reorder_velocity_days"] == 5, changed.get_json()
    [change] = client.get("/api/v1/settings/history", headers=admin).get_json()["items"]
    assert (change["key"], change["old"], change["new"], change["changed_by"]) == ("reorder_velocity_days", 30, 5, "ada")

    # The request's own window still overrides the setting (the API as it was).
    overridden = drafts(client, boss, velocity_days=30)
    assert (overridden["velocity_days"], overridden["drafts"]) == (30, [])
    # Over the last 5 days: ⌈10 × 3 / 5⌉ = 6, above the 5 available: SKU-1 goes on SLOW's draft at point 6.
    made = drafts(client, boss)
    assert made["velocity_days"] == 5
    assert [(d["supplier"], [(l["item"], l["reorder_point"], l["position"]) for l in d["lines"]])
            for d in made["drafts"]] == [("SLOW", [("SKU-1", 6, 5)])]
    assert made["drafts"][0]["velocity_days"] == 5
