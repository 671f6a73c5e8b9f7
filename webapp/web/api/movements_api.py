"""The audit trail over HTTP: GET /api/v1/movements, the ledger newest first with filters."""
from flask import jsonify, request

from webapp.domain.clock import parse_instant
from webapp.domain.ledger import EFFECTS
from webapp.domain.roles import SUPERVISORS
from webapp.extensions import db
from webapp.services.movement_history import HistoryFilter, movement_history
from webapp.web.api import api
from webapp.web.api.body import INT8_MAX, WIDE_PAGING_PARAMETERS, page_args
from webapp.web.api.registry import api_endpoint
from webapp.web.errors import ApiError

TEXT_FILTERS = {
    "item": "a SKU or any barcode of the item or of its pack sizes",
    "location": "a location code: movements from or to it",
    "lot": "a lot number",
    "person": "a username: movements they scanned or sent",
    "device": "a device id",
    "ref": "an order, purchase order, count or other reference",
}
FILTER_PARAMETERS = [
    *({"name": name, "in": "query", "description": text,
       # Empty (or blank) means no filter on that field, as a form with the box left empty sends it.
       "schema": {"type": "string", "maxLength": 64, "pattern": r"^[^\x00]*$"}}
      for name, text in TEXT_FILTERS.items()),
    {"name": "kind", "in": "query", "schema": {"enum": sorted(EFFECTS)}},
    {"name": "since", "in": "query", "description": "recorded at or after this time (ISO 8601 with an offset)",
     "schema": {"type": "string", "format": "date-time"}},
]


def _filter_from_query() -> HistoryFilter:
    wanted = HistoryFilter(**{name: (request.args.get(name) or "").strip() or None for name in TEXT_FILTERS})
    for name in TEXT_FILTERS:
        if len(getattr(wanted, name) or "") > 64:
            raise ApiError(400, "invalid_field", f"{name} is longer than 64 characters", field=name)
    kind = request.args.get("kind")
    if kind is not None and kind not in EFFECTS:
        raise ApiError(400, "invalid_field", f"kind is one of {', '.join(sorted(EFFECTS))}", field="kind")
    wanted.kind = kind
    if "since" in request.args:  # present but empty is no time at all: refused, like any other non-time
        try:
            wanted.since = parse_instant(request.args["since"])
        except ValueError as err:
            raise ApiError(400, "invalid_field", f"since: {err}", field="since") from None
    return wanted


@api_endpoint(api, "/movements", "GET", roles=SUPERVISORS,
              summary="The ledger, newest first: who moved what, when, from which device and why",
              parameters=WIDE_PAGING_PARAMETERS + FILTER_PARAMETERS,
              responses={"200": "a page of movements, newest first; next_cursor pages on to older ones"})
def list_movements():
    before, limit = page_args(max_cursor=INT8_MAX)
    wanted = _filter_from_query()
    with db.unit_of_work() as s:
        page = movement_history(s, wanted, before, limit)
    return jsonify(page)
