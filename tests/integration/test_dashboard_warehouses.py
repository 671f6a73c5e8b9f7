"""The dashboard for one warehouse of several, or for all of them together (the screen's warehouse picker), on
SQLite and PostgreSQL: each warehouse's figures stay its own, "all" adds them up, and the answer lists the
warehouses to pick from."""
import pytest

from tests.conftest import bearer
from tests.integration.floor import scan, small_warehouse, sync
from webapp.extensions import db
from webapp.services.catalogue import create_location


@pytest.fixture
def two_sites(app, client, make_user):
    small_warehouse()
    with db.unit_of_work() as s:
        create_location(s, "WH2", "warehouse", name="North DC", timezone="Europe/London")
        create_location(s, "WH2-Z", "zone", "WH2")
        create_location(s, "N-01", "bin", "WH2-Z", walk_key="001")
    boss = make_user("boss", "admin")
    results = sync(client, boss, [scan("receive", "SKU-1", 5, to="A-01"), scan("receive", "SKU-1", 3, to="N-01"),
                                  scan("receive", "SKU-2", 4, to="N-01")]).get_json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 3, results
    return bearer(make_user("sam", "supervisor"))


def zones(board: dict) -> dict:
    return {z["zone"]: z["movements_24h"] for z in board["zones"]}


def test_a_supervisor_picks_one_warehouse_and_sees_only_its_floor_or_all_of_them_together(client, two_sites):
    north = client.get("/api/v1/dashboard?warehouse=WH2", headers=two_sites)
    assert north.status_code == 200, north.get_json()
    board = north.get_json()
    assert board["warehouse"] == "WH2" and zones(board) == {"WH2-Z": 2}
    assert set(board["location_zones"]) == {"WH2-Z", "N-01"}
    assert board["warehouses"] == [{"code": "WH1", "name": ""}, {"code": "WH2", "name": "North DC"}]

    home = client.get("/api/v1/dashboard?warehouse=WH1", headers=two_sites).get_json()
    assert home["warehouse"] == "WH1" and zones(home) == {"WH1-Z": 1}

    # No warehouse named, with two of them: once a 400 (warehouse_required), now every warehouse together.
    everything = client.get("/api/v1/dashboard", headers=two_sites)
    assert everything.status_code == 200, everything.get_json()
    board = everything.get_json()
    assert board["warehouse"] is None and zones(board) == {"WH1-Z": 1, "WH2-Z": 2}
    assert {"A-01", "N-01"} <= set(board["location_zones"])
    assert client.get("/api/v1/dashboard?warehouse=WH3", headers=two_sites).status_code == 404


def test_a_supervisor_of_one_warehouse_sees_its_exceptions_and_those_of_no_location_not_the_others(client, two_sites,
                                                                                                   make_user):
    boss = two_sites
    results = sync(client, make_user("ada", "admin"), [scan("dispatch", "SKU-1", 9, from_="A-01"),  # negative stock in WH1
                                  scan("dispatch", "SKU-2", 7, from_="N-01")]).get_json()["results"]  # and in WH2
    assert [r["flags"] for r in results] == [["negative_stock"], ["negative_stock"]], results

    def exceptions(query: str = "") -> list[str]:
        page = client.get(f"/api/v1/exceptions{query}", headers=boss)
        assert page.status_code == 200, page.get_json()
        assert page.get_json()["open_total"] == len(page.get_json()["items"])
        return sorted(x["location"] for x in page.get_json()["items"] if x["code"] == "negative_stock")

    assert exceptions() == ["A-01", "N-01"]
    assert exceptions("?warehouse=WH2") == ["N-01"]
    assert exceptions("?warehouse=WH1") == ["A-01"]
    north = client.get("/api/v1/dashboard?warehouse=WH2", headers=boss).get_json()
    assert [x["location"] for x in north["exceptions"]["items"]] == ["N-01"]
    assert north["discrepancies"]["open_exceptions_by_code"].get("negative_stock") == 1
    unknown = client.get("/api/v1/exceptions?warehouse=WH3", headers=boss)
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "unknown_warehouse"
