"""POST /api/v1/sync: a device replays its outbox. Envelope errors apply nothing (400/413)."""
from typing import Annotated, Any

from flask import current_app, jsonify
from flask_login import current_user
from pydantic import Field

from webapp.domain.clock import parse_instant
from webapp.domain.floor_movement import MAX_BATCH_BYTES as MAX_BODY_BYTES
from webapp.domain.floor_movement import MAX_BATCH_MOVEMENTS as MAX_MOVEMENTS
from webapp.domain.floor_movement import MAX_ID_LEN, MAX_QTY, TEXT_LIMITS
from webapp.domain.roles import EVERYONE, FLOOR_KINDS
from webapp.extensions import db
from webapp.services import devices, settings
from webapp.services.order_flow import backordered_items_arrived, retry_backorders
from webapp.services.sync import sync_batch
from webapp.services.webhook import SENDER
from webapp.web.api import api
from webapp.web.api.body import json_body, read_limited_body
from webapp.web.api.registry import api_endpoint
from webapp.web.api.schema import Choice, Identifier, OpenBody, OptionalText, Quantity, WholeNumber, parse_body
from webapp.web.errors import ApiError


def _text(name: str, description: str | None = None):
    return OptionalText(TEXT_LIMITS[name], description=description) | None


class SyncMovement(OpenBody):
    """One floor movement. Checked one by one (webapp/domain/floor_movement.py, with the same limits):
    a wrong one is `rejected` inside the 200 with its code, the rest of the batch goes on."""

    id: Annotated[str, Field(min_length=1, max_length=MAX_ID_LEN, description="made on the device; the idempotency key forever")]
    device_seq: WholeNumber(0, 2**62 - 1)
    kind: Choice(FLOOR_KINDS, code="invalid_kind")
    item: _text("item", "SKU, any barcode, or a GS1 element string; omitted for a whole-carton dispatch") = None
    qty: Quantity(0, MAX_QTY, description="in the scanned unit; 0 only for a count (an empty bin)") | None = None
    uom: _text("uom") = None
    from_: Annotated[_text("from"), Field(alias="from")] = None
    to: _text("to") = None
    ref: _text("ref") = None
    lot: _text("lot") = None
    expiry: Annotated[str | None, Field(json_schema_extra={"format": "date"})] = None
    occurred_at: Annotated[str, Field(json_schema_extra={"format": "date-time"})]
    scanned_by: _text("scanned_by") = None
    reason: _text("reason") = None


class _Envelope(OpenBody):
    device_id: Identifier(64, description="made once on the device (the PWA: a UUID)")
    sent_at: Annotated[str | None, Field(json_schema_extra={"format": "date-time"},
                                         description="the device's clock when sending")] = None
    queued: WholeNumber(0, 10_000_000, description="scans in the device's outbox as it sends this batch, this batch "
                                                   "included: what still waits after it is shown on GET /devices") | None = None


class SyncRequest(_Envelope):
    movements: Annotated[list[SyncMovement], Field(max_length=MAX_MOVEMENTS)]


class SyncEnvelope(_Envelope):
    """What is checked before anything applies: the movements are then checked one by one."""

    movements: list[Any]


@api_endpoint(api, "/sync", "POST", roles=EVERYONE,
              summary="Replay floor movements: each applied exactly once (applied / duplicate / rejected)",
              body=SyncRequest, read_body=False,
              responses={"200": "one result per movement, in request order",
                         "413": "batch_too_large: more than 500 movements or a body over 1 MiB (1048576 bytes)"},
              **{"x-limits": {"max_movements": MAX_MOVEMENTS, "max_body_bytes": MAX_BODY_BYTES}})
def sync():
    config = current_app.config
    read_limited_body(config["SYNC_MAX_BODY_BYTES"])
    raw = json_body(text_checked_by_caller=True)  # each movement's text is checked on its own
    if isinstance(raw.get("movements"), list) and len(raw["movements"]) > config["SYNC_MAX_MOVEMENTS"]:
        raise ApiError(413, "batch_too_large", f"at most {config['SYNC_MAX_MOVEMENTS']} movements in one batch",
                       limit_movements=config["SYNC_MAX_MOVEMENTS"])
    try:
        envelope = parse_body(SyncEnvelope, raw)
    except ApiError as err:  # nothing applies: the whole envelope is wrong
        raise ApiError(400, "invalid_envelope", err.message, field=err.extra.get("field")) from None
    sent_at = None
    if envelope.sent_at is not None:
        try:
            sent_at = parse_instant(envelope.sent_at)
        except (ValueError, TypeError):
            raise ApiError(400, "invalid_envelope", "sent_at is an ISO 8601 time with an offset", field="sent_at") from None
    with db.unit_of_work() as s:
        results = sync_batch(s, envelope.device_id, envelope.movements, current_user, sent_at,
                             settings.value(s, "clock_skew_limit_seconds", config))
        if envelope.queued is not None:
            devices.note_queue(s, envelope.device_id, envelope.queued, len(results))
        waiting = backordered_items_arrived(s, [r["seq"] for r in results if r.get("status") == "applied"])
    _retry_backorders_for(waiting)
    _alert_after(results)
    return jsonify({"results": results})


def _alert_after(results: list[dict]) -> None:
    """Negative stock is an alert: checked (and its webhook sent) in a background thread, so a scan's answer
    never waits for either."""
    if any("negative_stock" in (r.get("flags") or ()) for r in results if r.get("status") == "applied"):
        SENDER.kick(db, current_app.config, check_first=True)


def _retry_backorders_for(item_ids: set[int]) -> None:
    """Stock that arrived may complete backordered orders. Its own transaction, after the scans are safe:
    a failure here never touches the replay's answer."""
    if not item_ids:
        return
    try:
        with db.unit_of_work() as s:
            retry_backorders(s, item_ids)
    except Exception:  # noqa: BLE001 - best effort; the next arrival tries again
        current_app.logger.exception("retrying backordered orders failed")
