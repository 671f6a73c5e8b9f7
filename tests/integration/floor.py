"""Test helpers: a small warehouse, and posting scans the way a device does (POST /api/v1/sync)."""
import itertools
import uuid

from webapp.extensions import db
from webapp.services.catalogue import ItemSpec, create_item, create_location

_seq = itertools.count(1)


def small_warehouse(items: int = 3) -> None:
    """WH1 with bins A-01..A-04, a dock, two totes, a pack station; items SKU-1.. with EAN-13s and cases of 12."""
    from webapp.db.models import Supplier
    from webapp.domain.checkdigit import with_check_digit

    with db.unit_of_work() as s:
        create_location(s, "WH1", "warehouse", timezone="Europe/London")
        create_location(s, "WH1-Z", "zone", "WH1")
        for n in range(1, 5):
            create_location(s, f"A-{n:02d}", "bin", "WH1-Z", walk_key=f"{n:03d}")
        create_location(s, "DOCK-1", "dock", "WH1")
        create_location(s, "TOTE-1", "tote", "WH1")
        create_location(s, "TOTE-2", "tote", "WH1")
        create_location(s, "PACK-1", "pack", "WH1")
        create_location(s, "OUT-1", "outbound", "WH1")
        s.add(Supplier(code="SUP", name="Supplier"))
        for n in range(1, items + 1):
            create_item(s, ItemSpec(sku=f"SKU-{n}", name=f"Item {n}",
                                    barcodes=[with_check_digit(f"501234500{n:03d}")],
                                    uoms=[{"code": "CS", "factor": 12, "barcode": with_check_digit(f"1501234500{n:03d}")}]))


def ean(n: int) -> str:
    from webapp.domain.checkdigit import with_check_digit

    return with_check_digit(f"501234500{n:03d}")


def scan(kind: str, item: str = "SKU-1", qty: int = 1, **fields) -> dict:
    movement = {"id": str(uuid.uuid4()), "device_seq": next(_seq), "kind": kind, "item": item, "qty": qty,
                "occurred_at": "2026-11-25T10:00:00Z"}
    movement.update({k.rstrip("_"): v for k, v in fields.items()})
    return movement


def sync(client, token: str, movements: list[dict], device_id: str = "handheld-1", **envelope):
    response = client.post("/api/v1/sync", json={"device_id": device_id, "movements": movements, **envelope},
                           headers={"Authorization": f"Bearer {token}"})
    return response


def stock(client, token: str, item: str = "SKU-1") -> dict:
    response = client.get(f"/api/v1/stock/{item}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def verify_clean(app) -> str:
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    return result.output


def second_warehouse() -> None:
    """WH2 beside WH1 (call small_warehouse first): bins B-01, B-02, a dock and a tote of its own."""
    with db.unit_of_work() as s:
        create_location(s, "WH2", "warehouse", timezone="Europe/Paris")
        create_location(s, "WH2-Z", "zone", "WH2")
        for n in range(1, 3):
            create_location(s, f"B-{n:02d}", "bin", "WH2-Z", walk_key=f"{n:03d}")
        create_location(s, "DOCK-2", "dock", "WH2")
        create_location(s, "TOTE-9", "tote", "WH2")
