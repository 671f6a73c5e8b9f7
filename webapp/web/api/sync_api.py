"""POST /api/v1/sync: a device replays its outbox. Envelope errors apply nothing (400/413)."""
from flask import current_app, jsonify
from flask_login import current_user

from webapp.domain.clock import parse_instant
from webapp.domain.roles import EVERYONE
from webapp.extensions import db
from webapp.services.sync import sync_batch
from webapp.web.api import api
from webapp.web.api.body import json_body, read_limited_body
from webapp.web.api.registry import api_endpoint
from webapp.web.errors import ApiError

MOVEMENT_SCHEMA = {
    "type": "object",
    "required": ["id", "device_seq", "kind", "occurred_at"],
    "description": "qty is required but for a dispatch of a whole carton (no item: `from` is its SSCC), where it is ignored",
    "properties": {
        "id": {"type": "string", "minLength": 1, "maxLength": 64},
        "device_seq": {"type": "integer", "minimum": 0},
        "kind": {"enum": ["receive", "putaway", "transfer", "pick", "pack", "dispatch", "return", "count", "short"]},
        "item": {"type": "string", "maxLength": 200, "description": "SKU, any barcode, or a GS1 element string"},
        "qty": {"type": "integer", "minimum": 0, "maximum": 1000000},
        "uom": {"type": "string", "maxLength": 16},
        "from": {"type": "string", "maxLength": 64},
        "to": {"type": "string", "maxLength": 64},
        "ref": {"type": "string", "maxLength": 64},
        "lot": {"type": "string", "maxLength": 64},
        "expiry": {"type": "string", "format": "date"},
        "occurred_at": {"type": "string", "format": "date-time"},
        "scanned_by": {"type": "string", "maxLength": 64},
    },
}
SYNC_SCHEMA = {
    "type": "object",
    "required": ["device_id", "movements"],
    "properties": {
        "device_id": {"type": "string", "minLength": 1, "maxLength": 64},
        "sent_at": {"type": "string", "format": "date-time"},
        "movements": {"type": "array", "maxItems": 500, "items": MOVEMENT_SCHEMA},
    },
}


@api_endpoint(api, "/sync", "POST", roles=EVERYONE,
              summary="Replay floor movements: each applied exactly once (applied / duplicate / rejected)",
              request_schema=SYNC_SCHEMA,
              responses={"200": "one result per movement, in request order",
                         "413": "batch_too_large: more than 500 movements or a body over 1 MiB (1048576 bytes)"},
              **{"x-limits": {"max_movements": 500, "max_body_bytes": 1048576}})
def sync():
    config = current_app.config
    read_limited_body(config["SYNC_MAX_BODY_BYTES"])
    body = json_body(refuse_nul=False)  # each movement's text fields are checked on their own
    device_id = body.get("device_id")
    if not isinstance(device_id, str) or not 0 < len(device_id.strip()) <= 64 or not device_id.isprintable():
        raise ApiError(400, "invalid_envelope", "device_id is a string of 1 to 64 characters", field="device_id")
    movements = body.get("movements")
    if not isinstance(movements, list):
        raise ApiError(400, "invalid_envelope", "movements is a list", field="movements")
    if len(movements) > config["SYNC_MAX_MOVEMENTS"]:
        raise ApiError(413, "batch_too_large", f"at most {config['SYNC_MAX_MOVEMENTS']} movements in one batch",
                       limit_movements=config["SYNC_MAX_MOVEMENTS"])
    sent_at = None
    if body.get("sent_at") is not None:
        try:
            sent_at = parse_instant(body["sent_at"])
        except (ValueError, TypeError):
            raise ApiError(400, "invalid_envelope", "sent_at is an ISO 8601 time with an offset", field="sent_at") from None
    with db.unit_of_work() as s:
        results = sync_batch(s, device_id.strip(), movements, current_user, sent_at, config["CLOCK_SKEW_LIMIT_SECONDS"])
    _retry_backorders_after(results)
    return jsonify({"results": results})


def _retry_backorders_after(results: list[dict]) -> None:
    """Stock that arrived may complete backordered orders. Its own transaction, after the scans are safe:
    a failure here never touches the replay's answer."""
    from webapp.services.orders import retry_backorders_after

    seqs = [r["seq"] for r in results if r.get("status") == "applied"]
    if not seqs:
        return
    try:
        with db.unit_of_work() as s:
            retry_backorders_after(s, seqs)
    except Exception:  # noqa: BLE001 - best effort; the next arrival tries again
        current_app.logger.exception("retrying backordered orders failed")
