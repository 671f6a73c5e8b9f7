"""Inbound master data and purchase orders: suppliers, and reading and closing purchase orders."""
from flask import jsonify, request

from webapp.domain.roles import ADMIN, INTEGRATION, RECEIVER, SUPERVISOR
from webapp.extensions import db
from webapp.services import purchasing, putaway, suppliers
from webapp.web.api import api
from webapp.web.api.body import PAGING_PARAMETERS, json_body, page_args
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import Body, OptionalText, Text, WholeNumber, parse_body
from webapp.web.errors import ApiError

SUPPLIER_EDITORS = (ADMIN, INTEGRATION, SUPERVISOR)
PO_READERS = (INTEGRATION, ADMIN, SUPERVISOR, RECEIVER)
PO_CLOSERS = (SUPERVISOR, ADMIN, INTEGRATION)
LeadTime = WholeNumber(0, 365, description="days from order to delivery")


class NewSupplier(Body):
    code: Text(32)
    name: Text(200)
    lead_time_days: LeadTime = 7


class SupplierChange(Body):
    name: Text(200) = None
    lead_time_days: LeadTime = None


class PurchaseOrderClose(Body):
    reason: OptionalText(2000) = ""


@api_endpoint(api, "/suppliers", "POST", roles=SUPPLIER_EDITORS, summary="Add a supplier",
              body=NewSupplier, responses={"201": "the supplier", "409": "supplier_exists"})
def create_supplier_endpoint(body: NewSupplier):
    with db.unit_of_work() as s:
        result = suppliers.supplier_json(suppliers.create_supplier(s, body.code, body.name, body.lead_time_days))
    return jsonify(result), 201


@api_endpoint(api, "/suppliers", "GET", roles=SUPPLIER_EDITORS, summary="Suppliers", parameters=PAGING_PARAMETERS,
              responses={"200": "a page of suppliers"})
def list_suppliers_endpoint():
    after, limit = page_args()
    with db.unit_of_work() as s:
        page = suppliers.supplier_page(s, after, limit)
    return jsonify(page)


@api_endpoint(api, "/suppliers/<code>", "GET", roles=SUPPLIER_EDITORS, summary="A supplier",
              responses={"200": "the supplier", "404": "unknown_supplier"})
def get_supplier_endpoint(code: str):
    with db.unit_of_work() as s:
        result = suppliers.supplier_json(suppliers.get_supplier(s, code))
    return jsonify(result)


@api_endpoint(api, "/suppliers/<code>", "PATCH", roles=SUPPLIER_EDITORS, summary="Change a supplier's name or lead time",
              body=SupplierChange, responses={"200": "the supplier", "404": "unknown_supplier"})
def change_supplier_endpoint(code: str, body: SupplierChange):
    with db.unit_of_work() as s:
        supplier = suppliers.change_supplier(s, code, suppliers.SupplierChanges(body.name, body.lead_time_days))
        result = suppliers.supplier_json(supplier)
    return jsonify(result)


@api_endpoint(api, "/purchase-orders", "GET", roles=PO_READERS, summary="Purchase orders, with what is still open",
              parameters=PAGING_PARAMETERS + [
                  {"name": "state", "in": "query", "schema": {"enum": ["open", "closed"]}},
                  {"name": "supplier", "in": "query", "schema": {"type": "string", "maxLength": 32}}],
              responses={"200": "a page of purchase orders"})
def list_purchase_orders_endpoint():
    after, limit = page_args()
    state = request.args.get("state") or None
    if state not in (None, "open", "closed"):
        raise ApiError(400, "invalid_field", "state is open or closed", field="state")
    with db.unit_of_work() as s:
        page = purchasing.purchase_order_page(s, state, request.args.get("supplier") or None, after, limit)
    return jsonify(page)


@api_endpoint(api, "/purchase-orders/<number>", "GET", roles=PO_READERS,
              summary="A purchase order: lines with ordered, received and open",
              responses={"200": "the purchase order", "404": "unknown_purchase_order"})
def get_purchase_order_endpoint(number: str):
    with db.unit_of_work() as s:
        result = purchasing.purchase_order_json(s, purchasing.get_purchase_order(s, number))
    return jsonify(result)


@api_endpoint(api, "/purchase-orders/<number>/close", "POST", roles=PO_CLOSERS,
              summary="Close (or short-close) a purchase order: what is still open leaves in transit; lines received "
                      "short are flagged under_receipt for the supervisor",
              body=PurchaseOrderClose, read_body=False,
              responses={"200": "the closed purchase order", "409": "purchase_order_closed"})
def close_purchase_order_endpoint(number: str):
    body = parse_body(PurchaseOrderClose, json_body()) if request.get_data(cache=True) else PurchaseOrderClose()
    with db.unit_of_work() as s:
        po = purchasing.close_purchase_order(s, number, body.reason)
        result = purchasing.purchase_order_json(s, po)
    return jsonify(result)


@api_endpoint(api, "/putaway-suggestions", "GET", roles=(RECEIVER, SUPERVISOR, ADMIN),
              summary="Where to put an item away: a bin already holding it in its temperature zone, else the nearest "
                      "empty bins of that zone by walk order",
              parameters=[{"name": "item", "in": "query", "required": True,
                           "schema": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[^\\x00]*$"}},
                          {"name": "warehouse", "in": "query", "schema": {"type": "string", "maxLength": 64}}],
              responses={"200": "up to three bin codes, best first", "404": "unknown_item"})
def putaway_suggestions_endpoint():
    code = request.args.get("item", "")
    if not code.strip():
        raise ApiError(400, "missing_field", "item is required: a SKU or barcode", field="item")
    with db.unit_of_work() as s:
        result = putaway.putaway_suggestions(s, code.strip(), request.args.get("warehouse") or None)
    return jsonify(result)
