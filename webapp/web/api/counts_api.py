"""Cycle counts: create (freeze), read (blind for counters), close, approve, recount, the variance report."""
from typing import Annotated

from flask import current_app, jsonify, request
from flask_login import current_user
from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from webapp.domain.counts import COUNT_STATES, REASON_CODES
from webapp.domain.roles import COUNTER, SUPERVISORS
from webapp.extensions import db
from webapp.services import count_views, counts, settings
from webapp.web.api import api
from webapp.web.api.body import PAGING_PARAMETERS, json_body, page_args
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import Body, Choice, OptionalText, Text, parse_body
from webapp.web.errors import ApiError

COUNT_READERS = (COUNTER, *SUPERVISORS)
Codes = Annotated[list[Text(64)], Field(min_length=1, max_length=500)]


class NewCount(Body):
    model_config = ConfigDict(json_schema_extra={
        "anyOf": [{"required": ["locations"]}, {"required": ["zone"]}, {"required": ["items"]}]})

    locations: Codes = []
    zone: Text(64) = None  # absent, or a zone's code (null is not a zone)
    items: Codes = []
    warehouse: OptionalText(64) | None = None
    assign_to: OptionalText(64) | None = None
    note: OptionalText(2000) = ""

    @model_validator(mode="after")
    def _some_scope(self):
        if not (self.locations or self.zone or self.items):
            raise PydanticCustomError("missing_field", "needs locations, a zone or items to count")
        return self


class Approval(Body):
    reason: Choice(REASON_CODES)
    note: OptionalText(2000) = ""


class Recount(Body):
    note: OptionalText(2000) = ""


def _is_supervisor() -> bool:
    return bool(current_user.role_set & set(SUPERVISORS))


def tolerances(session) -> dict:
    """Per ABC class: the admin's setting, else the config's."""
    return settings.value(session, "count_tolerance_pct", current_app.config)


@api_endpoint(api, "/counts", "POST", roles=SUPERVISORS, summary="Create a count of locations, a zone or items; freezes them",
              body=NewCount, idempotent=True,
              responses={"201": "the count, counting", "409": "location_counting or nothing_to_count"})
def create_count_endpoint(body: NewCount):
    spec = counts.CountRequest(
        locations=list(body.locations), zone=body.zone or None, items=list(body.items), warehouse=body.warehouse or None,
        assign_to=body.assign_to or None, note=body.note)
    with db.unit_of_work() as s:
        count = counts.create_count(s, spec, current_user.id)
        result = count_views.supervisor_view(s, count)
    return jsonify(result), 201


@api_endpoint(api, "/counts", "GET", roles=COUNT_READERS,
              summary="Counts, newest first (a counter: only counts assigned to them or to nobody, without quantities)",
              parameters=PAGING_PARAMETERS + [{"name": "state", "in": "query", "schema": {"enum": list(COUNT_STATES)}}],
              responses={"200": "a page of counts"})
def list_counts_endpoint():
    before, limit = page_args()
    with db.unit_of_work() as s:
        page = count_views.list_counts(s, request.args.get("state") or None, before, limit,
                                       None if _is_supervisor() else current_user.id)
    return jsonify(page)


@api_endpoint(api, "/counts/<int:count_id>", "GET", roles=COUNT_READERS,
              summary="A count: a supervisor gets its lines with expected, counted and variance; a counter only the "
                      "locations and what they counted", responses={"200": "the count", "404": "unknown_count"})
def get_count_endpoint(count_id: int):
    with db.unit_of_work() as s:
        count = count_views.get_count(s, count_id)
        if _is_supervisor():
            result = count_views.supervisor_view(s, count)
        elif count_views.visible_to_counter(count, current_user.id):
            result = count_views.counter_view(s, count, current_user.id)
        else:
            raise ApiError(404, "unknown_count", f"no count {count_id} for you")
    return jsonify(result)


@api_endpoint(api, "/counts/<int:count_id>/close", "POST", roles=SUPERVISORS,
              summary="Stop counting: variances, auto-approval within tolerance, sign-off and blocks for the rest",
              responses={"200": "the count with its lines", "409": "count_not_open"})
def close_count_endpoint(count_id: int):
    with db.unit_of_work() as s:
        count = counts.close_count(s, count_id, current_user.id, tolerances(s))
        result = count_views.supervisor_view(s, count)
    return jsonify(result)


@api_endpoint(api, "/counts/<int:count_id>/lines/<int:line>/approve", "POST", roles=SUPERVISORS,
              summary="Sign off a line's variance with a reason code; posts its adjustment (four-eyes: not the counter)",
              body=Approval, responses={"200": "the count", "403": "four_eyes", "409": "line_not_awaiting_signoff"})
def approve_line_endpoint(count_id: int, line: int, body: Approval):
    with db.unit_of_work() as s:
        counts.approve_line(s, count_id, line, body.reason, body.note, current_user.id)
        result = count_views.supervisor_view(s, count_views.get_count(s, count_id))
    return jsonify(result)


@api_endpoint(api, "/counts/<int:count_id>/lines/<int:line>/recount", "POST", roles=SUPERVISORS,
              summary="Order a recount of the line's location: a new count; the line waits until it closes",
              body=Recount, read_body=False, responses={"201": "the new count", "409": "recount_open"})
def recount_line_endpoint(count_id: int, line: int):
    # The body is optional here: a recount needs no note.
    body = parse_body(Recount, json_body()) if request.get_data(cache=True) else Recount()
    with db.unit_of_work() as s:
        recount = counts.recount_line(s, count_id, line, current_user.id, body.note)
        result = count_views.supervisor_view(s, recount)
    return jsonify(result), 201


@api_endpoint(api, "/counts/<int:count_id>/variance-report.pdf", "GET", roles=SUPERVISORS,
              summary="The variance report (PDF): lines, expected, counted, variance and its value, who counted, "
                      "who approved, when, reasons", responses={"200": "application/pdf", "404": "unknown_count"})
def variance_report_endpoint(count_id: int):
    from flask import Response

    from webapp.documents.variance_report import render_variance_report

    with db.unit_of_work() as s:
        view = count_views.supervisor_view(s, count_views.get_count(s, count_id))
    response = Response(render_variance_report(view), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="count-{count_id}-variance.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@api_endpoint(api, "/counts/<int:count_id>/lines/<int:line>/movements", "GET", roles=SUPERVISORS,
              summary="The recent movements at a count line's location (every item), newest first",
              responses={"200": "the location and its movements", "404": "unknown_count or unknown_line"})
def line_bin_history_endpoint(count_id: int, line: int):
    with db.unit_of_work() as s:
        result = count_views.bin_history(s, count_id, line)
    return jsonify(result)
