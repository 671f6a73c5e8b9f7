"""What a device may send as one floor movement, checked before anything touches the database."""
from dataclasses import dataclass
from datetime import date, datetime

from webapp.domain.clock import parse_instant
from webapp.domain.errors import DomainError
from webapp.domain.inbound import CONDITIONS
from webapp.domain.ledger import EFFECTS, NEEDS
from webapp.domain.photos import canonical_photo_id
from webapp.domain.returns import ReturnDecision, return_decision
from webapp.domain.roles import FLOOR_KINDS
from webapp.domain.text import InvalidText, check_json_value

MAX_QTY = 1_000_000
MAX_ID_LEN = 64
MAX_BATCH_MOVEMENTS = 500  # one sync request; more is a 413 and the device splits its batch
MAX_BATCH_BYTES = 1024 * 1024
TEXT_LIMITS = {"item": 200, "uom": 16, "from": 64, "to": 64, "ref": 64, "lot": 64, "scanned_by": 64, "reason": 200,
               "disposition": 16}


class Rejected(DomainError):
    """A movement refused: not true or not allowed. It is answered `rejected` with this code."""


@dataclass(frozen=True)
class FloorMovement:
    id: str
    device_seq: int
    kind: str
    item: str | None
    qty: int
    uom: str | None
    from_code: str | None
    to_code: str | None
    ref: str
    lot: str
    expiry: str
    occurred_at: datetime
    scanned_by: str | None
    reason: str
    decision: ReturnDecision | None = None  # a return's disposition and reason code
    condition: str = "good"  # a receipt or return may say "damaged": applied, flagged for the supervisor
    photo: str | None = None  # the id of a photo taken on the device (uploaded by PUT /api/v1/photos/{id})


def usable_id(raw) -> str | None:
    movement_id = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(movement_id, str) and 0 < len(movement_id) <= MAX_ID_LEN and movement_id.isprintable():
        return movement_id
    return None


def _text(raw: dict, name: str) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > TEXT_LIMITS[name] or "\x00" in value:
        raise Rejected("invalid_movement", f"{name} must be a string of at most {TEXT_LIMITS[name]} characters")
    return value.strip() or None


def parse_floor_movement(raw, *, movement_id: str) -> FloorMovement:
    if not isinstance(raw, dict):
        raise Rejected("invalid_movement", "a movement is a JSON object")
    try:
        check_json_value(raw, refuse_nul=False)  # NUL is judged per field below, as invalid_movement
    except InvalidText as err:
        raise Rejected("invalid_text", err.message) from None
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in FLOOR_KINDS:
        raise Rejected("invalid_kind", f"kind must be one of {', '.join(FLOOR_KINDS)}")
    seq = raw.get("device_seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < 2**62:
        raise Rejected("invalid_movement", "device_seq must be a non-negative integer")
    qty = raw.get("qty")
    item = raw.get("item")
    if kind == "dispatch" and (item is None or (isinstance(item, str) and not item.strip())):
        qty = 0  # a whole carton: its contents say how much; a quantity sent with it means nothing
    elif isinstance(qty, bool) or not isinstance(qty, int):
        raise Rejected("invalid_quantity", "qty must be a whole number")
    elif qty > MAX_QTY or qty < 0 or (qty == 0 and kind != "count"):
        raise Rejected("invalid_quantity", f"qty must be from 1 to {MAX_QTY} (a count may be 0)", limit=MAX_QTY)
    texts = {name: _text(raw, name) for name in TEXT_LIMITS}
    for side in NEEDS[kind]:
        if not texts[side]:
            raise Rejected("invalid_movement", f"a {kind} needs a '{side}' location")
    if not texts["item"] and kind != "dispatch":  # a dispatch of a whole carton names only the carton
        raise Rejected("invalid_movement", "item is required")
    occurred = raw.get("occurred_at")
    try:
        occurred_at = parse_instant(occurred)
    except (ValueError, TypeError):
        raise Rejected("invalid_movement", "occurred_at must be an ISO 8601 time with an offset") from None
    expiry = raw.get("expiry")
    if expiry is not None:
        try:
            if not isinstance(expiry, str) or len(expiry) != 10:
                raise ValueError
            date.fromisoformat(expiry)
        except ValueError:
            raise Rejected("invalid_movement", "expiry must be a date YYYY-MM-DD") from None
    decision = return_decision(kind, texts["disposition"], texts["reason"])
    condition, photo = _condition(raw, kind)
    assert kind in EFFECTS
    return FloorMovement(
        id=movement_id, device_seq=seq, kind=kind, item=texts["item"], qty=qty, uom=texts["uom"],
        from_code=texts["from"] if "from" in NEEDS[kind] else None,
        # A dispatch may also name the dock door it left by (recorded, no stock effect there).
        to_code=texts["to"] if "to" in NEEDS[kind] or kind == "dispatch" else None,
        ref=texts["ref"] or "", lot=texts["lot"] or "", expiry=expiry or "", occurred_at=occurred_at,
        scanned_by=texts["scanned_by"], reason=decision.recorded_reason if decision else texts["reason"] or "",
        decision=decision, condition=condition, photo=photo,
    )


def _condition(raw: dict, kind: str) -> tuple[str, str | None]:
    """`condition` ("good" or "damaged") and `photo` (a UUID), on what comes in: a receipt or a return."""
    condition, photo = raw.get("condition", "good"), raw.get("photo")
    if condition not in CONDITIONS:
        raise Rejected("invalid_movement", f"condition is one of {', '.join(CONDITIONS)}")
    if condition != "good" and kind not in ("receive", "return"):
        raise Rejected("invalid_movement", "only a receipt or a return carries a condition")
    if photo is not None:
        if kind not in ("receive", "return"):
            raise Rejected("invalid_movement", "only a receipt or a return carries a photo")
        try:
            photo = canonical_photo_id(photo)
        except DomainError:
            raise Rejected("invalid_movement", "photo is the UUID the device gave the photo") from None
    return condition, photo
