"""The supervisor's queues: exceptions (flags on applied movements) and rejected movements."""
from typing import Annotated

from flask import current_app, jsonify, request
from flask_login import current_user
from pydantic import Field

from webapp.db.order_tables import ExceptionRecord, RejectedMovement
from webapp.domain.roles import SUPERVISORS
from webapp.extensions import db
from webapp.services import settings, supervision
from webapp.services.catalogue import resolve_warehouse
from webapp.web.api import api
from webapp.web.api.body import INT8_MAX, WIDE_PAGING_PARAMETERS, page_args
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import Body, OptionalText



class Resolution(Body):
    note: OptionalText(2000) = ""


class Resubmission(Body):
    movement: Annotated[dict, Field(description="the corrected movement, as in POST /api/v1/sync")]
    note: OptionalText(2000) = "re-submitted"


@api_endpoint(api, "/exceptions", "GET", roles=SUPERVISORS, summary="Open exceptions raised by floor facts; "
              "?warehouse=: those at its locations and those at none (a document's shortfall)",
              parameters=WIDE_PAGING_PARAMETERS + [{"name": "warehouse", "in": "query",
                                                    "schema": {"type": "string", "maxLength": 64}}],
              responses={"200": "a page of open exceptions", "404": "unknown_warehouse"})
def list_exceptions():
    after, limit = page_args(max_cursor=INT8_MAX)
    code = request.args.get("warehouse") or None
    with db.unit_of_work() as s:
        warehouse_ids = [resolve_warehouse(s, code).id] if code else None
        page = supervision.open_exceptions(s, after, limit, warehouse_ids)
    return jsonify(page)


@api_endpoint(api, "/exceptions/<int:record_id>/resolve", "POST", roles=SUPERVISORS, summary="Resolve an exception with a note",
              body=Resolution, responses={"200": "resolved", "409": "already_resolved"})
def resolve_exception(record_id: int, body: Resolution):
    with db.unit_of_work() as s:
        supervision.resolve(s, ExceptionRecord, record_id, body.note, current_user.id)
    return jsonify({"id": record_id, "resolved": True})


@api_endpoint(api, "/rejects", "GET", roles=SUPERVISORS, summary="Open rejected movements with their payloads and reasons",
              parameters=WIDE_PAGING_PARAMETERS, responses={"200": "a page of open rejects"})
def list_rejects():
    after, limit = page_args(max_cursor=INT8_MAX)
    with db.unit_of_work() as s:
        page = supervision.open_rejects(s, after, limit)
    return jsonify(page)


@api_endpoint(api, "/rejects/<int:record_id>/resolve", "POST", roles=SUPERVISORS, summary="Resolve a reject with a note",
              body=Resolution, responses={"200": "resolved", "409": "already_resolved"})
def resolve_reject(record_id: int, body: Resolution):
    with db.unit_of_work() as s:
        supervision.resolve(s, RejectedMovement, record_id, body.note, current_user.id)
    return jsonify({"id": record_id, "resolved": True})


@api_endpoint(api, "/rejects/<int:record_id>/resubmit", "POST", roles=SUPERVISORS,
              summary="Re-submit a corrected movement for a reject; the reject is resolved when it applies",
              body=Resubmission, responses={"200": "the sync result of the corrected movement"})
def resubmit_reject(record_id: int, body: Resubmission):
    with db.unit_of_work() as s:
        result = supervision.resubmit(s, record_id, body.movement, body.note or "re-submitted", current_user,
                                      settings.value(s, "clock_skew_limit_seconds", current_app.config))
    return jsonify(result)
