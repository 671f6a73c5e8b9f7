"""Items, locations and the device catalogue."""
from typing import Annotated

from flask import jsonify, request
from pydantic import Field

from webapp.domain.locations import LOCATION_KINDS, TEMPERATURE_ZONES
from webapp.domain.roles import CATALOGUE_EDITORS, EVERYONE
from webapp.extensions import db
from webapp.services.catalogue import (ItemChanges, ItemSpec, catalog_page, change_item, create_item, create_location,
                                       find_item, item_json)
from webapp.web.api import api
from webapp.web.api.body import PAGING_PARAMETERS, page_args
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import Body, Choice, OptionalText, Quantity, Text
from webapp.web.errors import ApiError

class PackSize(Body):
    code: Text(16)
    factor: Quantity(1, 100_000, description="base units in one of this pack")
    barcode: OptionalText(64) | None = None


Barcodes = Annotated[list[Text(64)], Field(max_length=20)]
PackSizes = Annotated[list[PackSize], Field(max_length=10)]
UnitCost = Annotated[float, Field(ge=0, le=1_000_000, description="currency units, e.g. 3.25")]
Stock = Quantity(0, 10_000_000)
AbcClass = Choice(("A", "B", "C"))
Temperature = Choice(TEMPERATURE_ZONES, description="the temperature zone the item must be kept in")


class NewItem(Body):
    sku: Text(64)
    name: Text(200)
    barcodes: Barcodes = []
    uoms: PackSizes = []
    unit_cost: UnitCost = 0
    reorder_point: Stock = 0
    reorder_qty: Stock = 0
    safety_stock: Stock = 0
    abc_class: AbcClass = "C"
    supplier: Text(32) = None  # a supplier's code
    temperature: Temperature = "ambient"
    category: OptionalText(64) = ""


class ItemChange(Body):
    """Any creation field but `sku`; barcodes and pack sizes, when given, replace the item's whole list."""

    name: Text(200) = None
    barcodes: Barcodes = None
    uoms: PackSizes = None
    unit_cost: UnitCost = None
    reorder_point: Stock = None
    reorder_qty: Stock = None
    safety_stock: Stock = None
    abc_class: AbcClass = None
    supplier: OptionalText(32) = None  # "" takes the supplier off
    temperature: Temperature = None
    category: OptionalText(64) = None


class NewLocation(Body):
    code: Text(64, description="also its barcode")
    kind: Choice(LOCATION_KINDS, code="invalid_kind")
    parent: OptionalText(64) | None = None
    name: OptionalText(200) = ""
    timezone: OptionalText(64) = "UTC"
    temperature: Choice(TEMPERATURE_ZONES, description="its own zone; else its nearest ancestor's") = None


@api_endpoint(api, "/items", "POST", roles=CATALOGUE_EDITORS, summary="Create an item with its barcodes and pack sizes",
              body=NewItem, responses={"201": "created", "409": "SKU or barcode taken"})
def create_item_endpoint(body: NewItem):
    spec = ItemSpec(sku=body.sku, name=body.name, barcodes=list(body.barcodes), uoms=[u.model_dump() for u in body.uoms],
                    unit_cost_cents=round(body.unit_cost * 100), reorder_point=body.reorder_point,
                    reorder_qty=body.reorder_qty, safety_stock=body.safety_stock, abc_class=body.abc_class,
                    supplier_code=body.supplier, temperature=body.temperature, category=body.category)
    with db.unit_of_work() as s:
        result = item_json(s, create_item(s, spec))
    return jsonify(result), 201


@api_endpoint(api, "/items/<sku>", "PATCH", roles=CATALOGUE_EDITORS, summary="Change an item (any creation field but sku)",
              body=ItemChange, responses={"200": "the item", "404": "unknown_item", "409": "barcode_taken"})
def change_item_endpoint(sku: str, body: ItemChange):
    given = body.model_fields_set
    changes = ItemChanges(
        name=body.name, reorder_point=body.reorder_point, reorder_qty=body.reorder_qty, safety_stock=body.safety_stock,
        abc_class=body.abc_class, temperature=body.temperature, category=body.category, supplier_code=body.supplier,
        unit_cost_cents=None if body.unit_cost is None else round(body.unit_cost * 100),
        barcodes=list(body.barcodes) if "barcodes" in given and body.barcodes is not None else None,
        uoms=[u.model_dump() for u in body.uoms] if "uoms" in given and body.uoms is not None else None)
    with db.unit_of_work() as s:
        result = item_json(s, change_item(s, sku, changes))
    return jsonify(result)


@api_endpoint(api, "/items/<sku>", "GET", roles=EVERYONE, summary="An item: barcodes, pack sizes, zone, supplier (no quantities)",
              responses={"200": "the item", "404": "unknown_item"})
def get_item_endpoint(sku: str):
    with db.unit_of_work() as s:
        scanned = find_item(s, sku)
        if scanned is None:
            raise ApiError(404, "unknown_item", f"no item {sku}")
        result = item_json(s, scanned.item)
    return jsonify(result)


@api_endpoint(api, "/locations", "POST", roles=CATALOGUE_EDITORS, summary="Create a location (its code is its barcode)",
              body=NewLocation, responses={"201": "created", "409": "code taken"})
def create_location_endpoint(body: NewLocation):
    with db.unit_of_work() as s:
        location = create_location(s, body.code, body.kind, body.parent or None, name=body.name,
                                   timezone=body.timezone or "UTC", temperature=body.temperature)
        result = {"code": location.code, "kind": location.kind, "timezone": location.timezone,
                  "temperature": location.temperature or None}
    return jsonify(result), 201


@api_endpoint(api, "/catalog", "GET", roles=EVERYONE, summary="Items with barcodes and pack sizes, and locations, for offline lookups (no quantities)",
              parameters=PAGING_PARAMETERS, responses={"200": "a page of items; locations on the first page"})
def catalog():
    after, limit = page_args()
    with db.unit_of_work() as s:
        page = catalog_page(s, after, limit)
    return jsonify(page)


@api_endpoint(api, "/tasks", "GET", roles=EVERYONE, summary="The signed-in person's open tasks (pick, count) for offline work",
              responses={"200": "tasks"})
def tasks():
    from flask_login import current_user

    from webapp.services.tasks import open_tasks

    with db.unit_of_work() as s:
        result = open_tasks(s, current_user.role_set, current_user.id)
    return jsonify({"tasks": result})


PHOTO = {"type": "string", "format": "binary", "minLength": 1, "description": "a PNG or JPEG photo"}
PHOTO_BODY = {"required": True, "content": {
    "image/png": {"schema": PHOTO}, "image/jpeg": {"schema": PHOTO},
    "multipart/form-data": {"schema": {"type": "object", "required": ["photo"], "properties": {"photo": PHOTO}}}}}


@api_endpoint(api, "/decode", "POST", roles=("receiver", "picker", "counter", "supervisor", "admin"),
              summary="Decode every barcode in a label photo (PNG/JPEG body or multipart field 'photo', at most 8 MiB)",
              responses={"200": "codes found, with GS1 fields where the code is a GS1 element string",
                         "413": "photo over 8 MiB"},
              **{"x-limits": {"max_body_bytes": 8 * 1024 * 1024}, "requestBody": PHOTO_BODY})
def decode_photo_endpoint():
    from webapp.services.photo_decode import decode_photo

    upload = request.files.get("photo")
    data = upload.read() if upload is not None else request.get_data()
    if not data:
        raise ApiError(400, "missing_field", "send the photo as the body or as multipart field 'photo'", field="photo")
    return jsonify({"codes": decode_photo(data)})
