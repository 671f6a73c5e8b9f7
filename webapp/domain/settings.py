"""The settings an admin may change while the warehouse runs, their limits, and their defaults from config.

One place for what a valid value is: the API's request model and the settings service both check here.
"""
import re
from dataclasses import dataclass
from typing import Any, Callable

from webapp.domain.errors import DomainError
from webapp.domain.reorder import DEFAULT_VELOCITY_DAYS, MAX_VELOCITY_DAYS
from webapp.domain.sscc import COMPANY_PREFIX_MAX_DIGITS, COMPANY_PREFIX_MIN_DIGITS

ABC_CLASSES = ("A", "B", "C")
DEFAULT_TOLERANCE_PCT = 5
DEFAULT_STUCK_ORDER_MINUTES = 30
MAX_MINUTES = 525_600  # a year
MAX_CLOCK_SKEW_S = 86_400
GS1_PREFIX_PATTERN = rf"^[0-9]{{{COMPANY_PREFIX_MIN_DIGITS},{COMPANY_PREFIX_MAX_DIGITS}}}$"
WEBHOOK_URL_PATTERN = r"^(https?://[^\s\x00-\x1f]+)?$"  # empty: no webhook
MAX_URL_LENGTH = 2000


class InvalidSetting(DomainError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__("invalid_setting", f"{field} {message}", field=field)


def _whole(low: int, high: int) -> Callable[[str, Any], int]:
    def check(name: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidSetting(name, f"must be a whole number from {low} to {high}")
        return value
    return check


def _percent(name: str, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise InvalidSetting(name, "must be a percent from 0 to 100")
    return int(value) if float(value).is_integer() else value


def _tolerances(name: str, value: Any) -> dict:
    if not isinstance(value, dict) or set(value) - set(ABC_CLASSES):
        raise InvalidSetting(name, "maps the ABC classes A, B and C to percents")
    return {abc: _percent(f"{name}.{abc}", pct) for abc, pct in value.items()}


def _text(pattern: str, max_length: int, meaning: str) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str) or len(value) > max_length or not re.fullmatch(pattern, value):
            raise InvalidSetting(name, f"must be {meaning}")
        return value
    return check


@dataclass(frozen=True)
class SettingRule:
    check: Callable[[str, Any], Any]
    default: Callable[[dict], Any]  # from the app's config
    description: str


def _config_tolerances(config: dict) -> dict:
    configured = config.get("COUNT_TOLERANCE_PCT") or {}
    return {abc: _percent(f"COUNT_TOLERANCE_PCT.{abc}", float(configured.get(abc, DEFAULT_TOLERANCE_PCT)))
            for abc in ABC_CLASSES}


RULES: dict[str, SettingRule] = {
    "count_tolerance_pct": SettingRule(_tolerances, _config_tolerances,
                                       "auto-approve tolerance of a count line, percent per ABC class"),
    "stuck_order_minutes": SettingRule(_whole(1, MAX_MINUTES),
                                       lambda c: c.get("STUCK_ORDER_MINUTES", DEFAULT_STUCK_ORDER_MINUTES),
                                       "an order in one state longer than this is stuck"),
    "clock_skew_limit_seconds": SettingRule(_whole(1, MAX_CLOCK_SKEW_S), lambda c: c["CLOCK_SKEW_LIMIT_SECONDS"],
                                            "a device clock further off than this flags clock_skew"),
    "gs1_company_prefix": SettingRule(_text(GS1_PREFIX_PATTERN, COMPANY_PREFIX_MAX_DIGITS,
                                            f"{COMPANY_PREFIX_MIN_DIGITS} to {COMPANY_PREFIX_MAX_DIGITS} digits"),
                                      lambda c: c["GS1_COMPANY_PREFIX"], "the GS1 company prefix cartons' SSCCs use"),
    "webhook_url": SettingRule(_text(WEBHOOK_URL_PATTERN, MAX_URL_LENGTH, "empty or an http(s) URL"),
                               lambda c: c.get("WEBHOOK_URL", ""), "where events are posted (empty: nowhere)"),
    "reservation_expiry_minutes": SettingRule(_whole(0, MAX_MINUTES), lambda c: c.get("RESERVATION_EXPIRY_MINUTES", 0),
                                              "a new reservation expires after this long (0: never)"),
    "reorder_velocity_days": SettingRule(_whole(1, MAX_VELOCITY_DAYS),
                                         lambda c: c.get("REORDER_VELOCITY_DAYS", DEFAULT_VELOCITY_DAYS),
                                         "the dynamic reorder point follows the issues of the last N whole days"),
}


def check_setting(key: str, value: Any) -> Any:
    """The value as stored, or InvalidSetting naming the field."""
    if key not in RULES:
        raise DomainError("unknown_field", f"{key} is not a setting", field=key)
    return RULES[key].check(key, value)


def merged(key: str, old: Any, new: Any) -> Any:
    """A change of some ABC classes' tolerance keeps the others."""
    if key == "count_tolerance_pct" and isinstance(old, dict):
        return {**old, **new}
    return new
