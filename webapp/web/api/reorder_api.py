"""Reorder drafts over the API: generate, list, edit, approve (→ a purchase order) or discard."""
from typing import Annotated

from flask import current_app, jsonify, request
from flask_login import current_user
from pydantic import Field

from webapp.domain.reorder import MAX_VELOCITY_DAYS, METHODS
from webapp.domain.roles import ADMIN, SUPERVISOR
from webapp.extensions import db
from webapp.services import reorder
from webapp.web.api import api
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import Body, Choice, OptionalText, Quantity, Text, WholeNumber
from webapp.web.errors import ApiError

BUYERS = (SUPERVISOR, ADMIN)
STATES = ("draft", "approved", "discarded")
INT4_MAX = 2**31 - 1


class NewDrafts(Body):
    warehouse: OptionalText(64) = ""
    method: Choice(METHODS, description="static: the item's reorder point; dynamic: last N days' issue velocity "
                                        "× the supplier's lead time + safety stock") = "static"
    velocity_days: WholeNumber(1, MAX_VELOCITY_DAYS, description="N, whole days in the warehouse's timezone; "
                                                           "none: the reorder_velocity_days setting") = None


class DraftLineChange(Body):
    item: Text(64)
    qty: Quantity()


class DraftChange(Body):
    lines: Annotated[list[DraftLineChange], Field(max_length=500)] = []
    remove: Annotated[list[Text(64)], Field(max_length=500)] = []


def _draft_id(draft_id: int) -> int:
    if draft_id > INT4_MAX:  # no such row, and PostgreSQL would refuse the number
        raise ApiError(404, "unknown_draft", f"no reorder draft {draft_id}")
    return draft_id


@api_endpoint(api, "/reorder/drafts", "POST", roles=BUYERS, idempotent=True,
              summary="Draft purchase orders, one per supplier, for items whose available + in transit is below "
                      "their reorder point; nothing is ordered until a draft is approved",
              body=NewDrafts, responses={"201": "the new drafts, and the items without a supplier"})
def create_reorder_drafts(body: NewDrafts):
    with db.unit_of_work() as s:  # no velocity_days: the setting's window
        result = reorder.generate_drafts(s, reorder.DraftRequest(body.warehouse or None, body.method,
                                                                 body.velocity_days),
                                         current_user.id, config=current_app.config)
    return jsonify(result), 201


@api_endpoint(api, "/reorder/drafts", "GET", roles=BUYERS, summary="Reorder drafts (default: the open ones)",
              parameters=[{"name": "state", "in": "query", "schema": {"enum": list(STATES)}},
                          {"name": "warehouse", "in": "query", "schema": {"type": "string", "maxLength": 64}}],
              responses={"200": "the drafts with their lines"})
def list_reorder_drafts():
    state = request.args.get("state") or "draft"
    if state not in STATES:
        raise ApiError(400, "invalid_field", f"state is one of {', '.join(STATES)}", field="state")
    with db.unit_of_work() as s:
        result = reorder.list_drafts(s, state, request.args.get("warehouse") or None)
    return jsonify(result)


@api_endpoint(api, "/reorder/drafts/<int:draft_id>", "PATCH", roles=BUYERS,
              summary="Change line quantities of an open draft, or remove lines", body=DraftChange,
              responses={"200": "the draft", "404": "unknown_draft, not_on_draft", "409": "draft_not_open"})
def change_reorder_draft(draft_id: int, body: DraftChange):
    quantities = {line.item: line.qty for line in body.lines}
    with db.unit_of_work() as s:
        draft = reorder.edit_draft(s, _draft_id(draft_id), reorder.DraftEdit(quantities, list(body.remove)))
        result = reorder.draft_json(s, draft)
    return jsonify(result)


@api_endpoint(api, "/reorder/drafts/<int:draft_id>/approve", "POST", roles=BUYERS,
              summary="Approve a draft: it becomes an open purchase order, counted in transit from now",
              responses={"200": "the approved draft, naming its purchase order",
                         "409": "draft_not_open, draft_empty, no_supplier"})
def approve_reorder_draft(draft_id: int):
    with db.unit_of_work() as s:
        draft = reorder.approve_draft(s, _draft_id(draft_id), current_user.id)
        result = reorder.draft_json(s, draft)
    return jsonify(result)


@api_endpoint(api, "/reorder/drafts/<int:draft_id>", "DELETE", roles=BUYERS,
              summary="Discard a draft: nothing is ordered (kept, as discarded, for the record)",
              responses={"204": "discarded", "409": "draft_not_open"})
def discard_reorder_draft(draft_id: int):
    with db.unit_of_work() as s:
        reorder.discard_draft(s, _draft_id(draft_id), current_user.id)
    return "", 204
