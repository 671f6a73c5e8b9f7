"""Pack stations: cartons with SSCCs, carton labels and packing slips (PDF)."""

from flask import Response, current_app, jsonify
from flask_login import current_user

from webapp.documents.packing_slip import render_carton_label, render_packing_slip
from webapp.domain.roles import ADMIN, PICKER, SUPERVISOR
from webapp.domain.sscc import MAX_CARTON_WEIGHT_G
from webapp.extensions import db
from webapp.services import packing, settings
from webapp.web.api import api
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import Body, Identifier, Quantity, Text
from webapp.web.pages import pages

PACKERS = (PICKER, SUPERVISOR, ADMIN)


class NewCarton(Body):
    order: Text(64)
    station: Text(64, description="the pack station's location code")


class CartonClose(Body):
    weight_g: Quantity(1, MAX_CARTON_WEIGHT_G) | None = None


def _carton_json(session, carton) -> dict:
    return {"sscc": carton.sscc, "status": carton.status, "weight_g": carton.weight_g,
            "label_url": f"/cartons/{carton.sscc}/label.pdf",
            "contents": [{"item": sku, "name": name, "lot": lot or None, "qty": qty}
                         for sku, name, lot, qty in packing.carton_contents(session, carton)]}


@api_endpoint(api, "/cartons", "POST", roles=PACKERS, summary="Open a carton for an order at a pack station; it gets an SSCC",
              body=NewCarton, idempotent=True, responses={"201": "the carton and its SSCC"})
def open_carton(body: NewCarton):
    with db.unit_of_work() as s:
        carton = packing.open_carton(s, body.order, body.station, settings.value(s, "gs1_company_prefix", current_app.config))
        result = _carton_json(s, carton)
    return jsonify(result), 201


class SsccBlockRequest(Body):
    device_id: Identifier(64, description="the device the block is for: its SSCCs are never another's")


@api_endpoint(api, "/sscc-blocks", "POST", roles=PACKERS,
              summary="A block of SSCCs for one device, so its packer can open and label cartons offline",
              body=SsccBlockRequest, responses={"201": "the block: first serial, count and its SSCCs"})
def issue_sscc_block(body: SsccBlockRequest):
    with db.unit_of_work() as s:
        block, ssccs = packing.issue_sscc_block(s, body.device_id, current_app.config["GS1_COMPANY_PREFIX"],
                                                current_user.id)
        result = {"device_id": block.device_id, "first": block.first_serial, "count": block.count,
                  "extension_digit": packing.BLOCK_EXTENSION_DIGIT, "ssccs": ssccs}
    return jsonify(result), 201


@api_endpoint(api, "/cartons/<sscc>/close", "POST", roles=PACKERS, summary="Close a carton (weight optional)",
              body=CartonClose, responses={"200": "closed", "409": "carton_closed"})
def close_carton(sscc: str, body: CartonClose):
    with db.unit_of_work() as s:
        carton = packing.close_carton(s, sscc, body.weight_g)
        result = _carton_json(s, carton)
    return jsonify(result)


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@api_endpoint(pages, "/orders/<number>/packing-slip.pdf", "GET", roles=PACKERS,
              summary="Packing slip PDF: order number as Code 128, lines with lots, cartons with SSCC barcodes",
              responses={"200": "application/pdf"})
def packing_slip_pdf(number: str):
    with db.unit_of_work() as s:
        slip = packing.packing_slip(s, number, current_app.config.get("WAREHOUSE_ADDRESS"))
    return _pdf(render_packing_slip(slip), f"packing-slip-{number}.pdf")


@api_endpoint(pages, "/cartons/<sscc>/label.pdf", "GET", roles=PACKERS, summary="Carton label PDF with its SSCC (GS1-128)",
              responses={"200": "application/pdf"})
def carton_label_pdf(sscc: str):
    with db.unit_of_work() as s:
        label, order_number, ship_to = packing.carton_label(s, sscc)
    return _pdf(render_carton_label(label, order_number, ship_to), f"carton-{sscc}.pdf")


@api_endpoint(api, "/totes/<code>", "GET", roles=PACKERS, summary="The orders a tote was picked for (for the pack station)",
              responses={"200": "the tote and its orders"})
def tote_orders(code: str):
    with db.unit_of_work() as s:
        numbers = packing.orders_in_tote(s, code)
    return jsonify({"tote": code, "orders": numbers})
