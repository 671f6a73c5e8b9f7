"""Items, locations and the device catalogue."""
from flask import jsonify, request

from webapp.domain.roles import CATALOGUE_EDITORS, EVERYONE
from webapp.extensions import db
from webapp.services.catalogue import ItemSpec, catalog_page, create_item, create_location
from webapp.web.api import api
from webapp.web.api.body import PAGING_PARAMETERS, field, json_body, page_args, positive_int
from webapp.web.api.registry import api_endpoint
from webapp.web.errors import ApiError

ITEM_SCHEMA = {
    "type": "object",
    "required": ["sku", "name"],
    "properties": {
        "sku": {"type": "string", "minLength": 1, "maxLength": 64},
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "barcodes": {"type": "array", "maxItems": 20, "items": {"type": "string", "minLength": 1, "maxLength": 64}},
        "uoms": {"type": "array", "maxItems": 10, "items": {
            "type": "object", "required": ["code", "factor"],
            "properties": {"code": {"type": "string", "minLength": 1, "maxLength": 16},
                           "factor": {"type": "integer", "minimum": 1, "maximum": 100000},
                           "barcode": {"type": "string", "maxLength": 64}}}},
        "unit_cost": {"type": "number", "minimum": 0, "maximum": 1000000},
        "reorder_point": {"type": "integer", "minimum": 0, "maximum": 10000000},
        "reorder_qty": {"type": "integer", "minimum": 0, "maximum": 10000000},
        "abc_class": {"enum": ["A", "B", "C"]},
    },
}
LOCATION_SCHEMA = {
    "type": "object",
    "required": ["code", "kind"],
    "properties": {
        "code": {"type": "string", "minLength": 1, "maxLength": 64},
        "kind": {"enum": ["warehouse", "zone", "aisle", "bin", "dock", "tote", "pack", "outbound", "carton"]},
        "parent": {"type": "string", "maxLength": 64},
        "name": {"type": "string", "maxLength": 200},
        "timezone": {"type": "string", "maxLength": 64},
    },
}


def _string_list(body: dict, name: str, limit: int) -> list[str]:
    values = field(body, name, list, required=False, default=[])
    if len(values) > limit or not all(isinstance(v, str) and 0 < len(v.strip()) <= 64 for v in values):
        raise ApiError(400, "invalid_field", f"{name} is a list of up to {limit} non-empty strings", field=name)
    return [v.strip() for v in values]


@api_endpoint(api, "/items", "POST", roles=CATALOGUE_EDITORS, summary="Create an item with its barcodes and pack sizes",
              request_schema=ITEM_SCHEMA, responses={"201": "created", "409": "SKU or barcode taken"})
def create_item_endpoint():
    body = json_body()
    uoms = []
    for raw in field(body, "uoms", list, required=False, default=[])[:11]:
        if not isinstance(raw, dict):
            raise ApiError(400, "invalid_field", "each uom is an object", field="uoms")
        uoms.append({"code": field(raw, "code", str, max_len=16), "factor": positive_int(raw, "factor", maximum=100_000),
                     "barcode": field(raw, "barcode", str, required=False, max_len=64)})
    if len(uoms) > 10:
        raise ApiError(400, "invalid_field", "at most 10 pack sizes", field="uoms")
    cost = field(body, "unit_cost", (int, float), required=False, default=0)
    if isinstance(cost, bool) or not 0 <= cost <= 1_000_000:
        raise ApiError(400, "invalid_field", "unit_cost is a number from 0 to 1000000", field="unit_cost")
    spec = ItemSpec(
        sku=field(body, "sku", str, max_len=64),
        name=field(body, "name", str, max_len=200),
        barcodes=_string_list(body, "barcodes", 20),
        uoms=uoms,
        unit_cost_cents=round(cost * 100),
        reorder_point=positive_int(body, "reorder_point", required=False, allow_zero=True, maximum=10_000_000) or 0,
        reorder_qty=positive_int(body, "reorder_qty", required=False, allow_zero=True, maximum=10_000_000) or 0,
        abc_class=field(body, "abc_class", str, required=False, default="C", max_len=1),
    )
    with db.unit_of_work() as s:
        item = create_item(s, spec)
        result = {"sku": item.sku, "name": item.name, "barcodes": spec.barcodes, "uoms": uoms}
    return jsonify(result), 201


@api_endpoint(api, "/locations", "POST", roles=CATALOGUE_EDITORS, summary="Create a location (its code is its barcode)",
              request_schema=LOCATION_SCHEMA, responses={"201": "created", "409": "code taken"})
def create_location_endpoint():
    body = json_body()
    with db.unit_of_work() as s:
        location = create_location(
            s, field(body, "code", str, max_len=64), field(body, "kind", str, max_len=16),
            field(body, "parent", str, required=False, max_len=64), name=field(body, "name", str, required=False, default=""),
            timezone=field(body, "timezone", str, required=False, default="UTC", max_len=64))
        result = {"code": location.code, "kind": location.kind, "timezone": location.timezone}
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


@api_endpoint(api, "/decode", "POST", roles=("receiver", "picker", "counter", "supervisor", "admin"),
              summary="Decode every barcode in a label photo (PNG/JPEG body or multipart field 'photo', at most 8 MiB)",
              responses={"200": "codes found, with GS1 fields where the code is a GS1 element string",
                         "413": "photo over 8 MiB"},
              **{"x-limits": {"max_body_bytes": 8 * 1024 * 1024}})
def decode_photo_endpoint():
    from webapp.services.photo_decode import decode_photo

    upload = request.files.get("photo")
    data = upload.read() if upload is not None else request.get_data()
    if not data:
        raise ApiError(400, "missing_field", "send the photo as the body or as multipart field 'photo'", field="photo")
    return jsonify({"codes": decode_photo(data)})
