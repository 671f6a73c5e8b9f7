"""Reading and checking JSON bodies at the edge: wrong shapes are 400s that name the field."""
from flask import request

from webapp.web.errors import ApiError


def json_body() -> dict:
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_utf8", "the body is not UTF-8") from None
    if "\x00" in text:
        raise ApiError(400, "invalid_json", "the body contains a NUL character")
    import json

    try:
        body = json.loads(text)
    except ValueError:
        raise ApiError(400, "invalid_json", "the body is not JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object")
    return body


def field(body: dict, name: str, kind: type | tuple, *, required: bool = True, default=None, max_len: int = 200):
    if name not in body or body[name] is None:
        if required:
            raise ApiError(400, "missing_field", f"{name} is required", field=name)
        return default
    value = body[name]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ApiError(400, "invalid_field", f"{name} must be an integer", field=name)
    if not isinstance(value, kind):
        raise ApiError(400, "invalid_field", f"{name} has the wrong type", field=name)
    if isinstance(value, str):
        value = value.strip()
        if len(value) > max_len:
            raise ApiError(400, "invalid_field", f"{name} is longer than {max_len} characters", field=name)
        if required and not value:
            raise ApiError(400, "missing_field", f"{name} must not be empty", field=name)
    return value


def positive_int(body: dict, name: str, *, required: bool = True, maximum: int = 1_000_000, allow_zero: bool = False):
    value = field(body, name, int, required=required)
    if value is None:
        return None
    if value < (0 if allow_zero else 1) or value > maximum:
        raise ApiError(400, "invalid_quantity", f"{name} must be a whole number from {0 if allow_zero else 1} to {maximum}", field=name)
    return value
