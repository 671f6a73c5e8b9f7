"""The supervisor's queues: exceptions (flags on applied movements) and rejected movements."""
from flask import current_app, jsonify, request
from flask_login import current_user

from webapp.db.order_tables import ExceptionRecord, RejectedMovement
from webapp.domain.roles import SUPERVISORS
from webapp.extensions import db
from webapp.services import supervision
from webapp.services.sync import sync_batch
from webapp.web.api import api
from webapp.web.api.body import field, json_body
from webapp.web.api.registry import api_endpoint
from webapp.web.errors import ApiError

PAGING = [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
          {"name": "cursor", "in": "query", "schema": {"type": "string", "maxLength": 20}}]
RESOLVE_SCHEMA = {"type": "object", "properties": {"note": {"type": "string", "maxLength": 2000}}}
RESUBMIT_SCHEMA = {"type": "object", "required": ["movement"],
                   "properties": {"movement": {"type": "object"}, "note": {"type": "string", "maxLength": 2000}}}


def paging() -> tuple[int, int]:
    limit, cursor = request.args.get("limit", "100"), request.args.get("cursor", "0") or "0"
    if (not limit.isdigit() or len(limit) > 4 or not 1 <= int(limit) <= 1000
            or not cursor.isdigit() or len(cursor) > 10 or int(cursor) > 2**31 - 1):
        raise ApiError(400, "invalid_field", "limit is 1 to 1000; cursor is a next_cursor from an earlier page")
    return int(cursor), int(limit)


@api_endpoint(api, "/exceptions", "GET", roles=SUPERVISORS, summary="Open exceptions raised by floor facts",
              parameters=PAGING, responses={"200": "a page of open exceptions"})
def list_exceptions():
    after, limit = paging()
    with db.unit_of_work() as s:
        page = supervision.open_exceptions(s, after, limit)
    return jsonify(page)


@api_endpoint(api, "/exceptions/<int:record_id>/resolve", "POST", roles=SUPERVISORS, summary="Resolve an exception with a note",
              request_schema=RESOLVE_SCHEMA, responses={"200": "resolved", "409": "already_resolved"})
def resolve_exception(record_id: int):
    note = field(json_body(), "note", str, required=False, default="", max_len=2000)
    with db.unit_of_work() as s:
        supervision.resolve(s, ExceptionRecord, record_id, note, current_user.id)
    return jsonify({"id": record_id, "resolved": True})


@api_endpoint(api, "/rejects", "GET", roles=SUPERVISORS, summary="Open rejected movements with their payloads and reasons",
              parameters=PAGING, responses={"200": "a page of open rejects"})
def list_rejects():
    after, limit = paging()
    with db.unit_of_work() as s:
        page = supervision.open_rejects(s, after, limit)
    return jsonify(page)


@api_endpoint(api, "/rejects/<int:record_id>/resolve", "POST", roles=SUPERVISORS, summary="Resolve a reject with a note",
              request_schema=RESOLVE_SCHEMA, responses={"200": "resolved", "409": "already_resolved"})
def resolve_reject(record_id: int):
    note = field(json_body(), "note", str, required=False, default="", max_len=2000)
    with db.unit_of_work() as s:
        supervision.resolve(s, RejectedMovement, record_id, note, current_user.id)
    return jsonify({"id": record_id, "resolved": True})


@api_endpoint(api, "/rejects/<int:record_id>/resubmit", "POST", roles=SUPERVISORS,
              summary="Re-submit a corrected movement for a reject; the reject is resolved when it applies",
              request_schema=RESUBMIT_SCHEMA, responses={"200": "the sync result of the corrected movement"})
def resubmit_reject(record_id: int):
    body = json_body()
    movement = field(body, "movement", dict)
    note = field(body, "note", str, required=False, default="re-submitted", max_len=2000)
    with db.unit_of_work() as s:
        reject = s.get(RejectedMovement, record_id)
        if reject is None:
            raise ApiError(404, "not_found", f"no reject {record_id}")
        if reject.resolved_at is not None:
            raise ApiError(409, "already_resolved", f"reject {record_id} is already resolved")
        # A device id of its own, so a supervisor's correction never reorders the floor device's sequence.
        [result] = sync_batch(s, f"reject-{record_id}", [movement], current_user, None,
                              current_app.config["CLOCK_SKEW_LIMIT_SECONDS"])
        if result["status"] in ("applied", "duplicate"):
            supervision.resolve(s, RejectedMovement, record_id, note, current_user.id, resubmitted_id=result["id"])
    return jsonify(result)
