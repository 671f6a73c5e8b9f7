"""Reading and checking JSON bodies at the edge: wrong shapes are 400s that name the field."""
import re

from flask import request

from webapp.domain.text import MAX_JSON_DEPTH, check_json_value
from webapp.web.errors import ApiError


def json_body(*, text_checked_by_caller: bool = False) -> dict:
    """The body as a JSON object. Nesting deeper than 32 levels is a 400 `invalid_json`; a lone surrogate
    in any string is a 400 `invalid_text` and a NUL a 400 `invalid_json`, unless the caller (sync) checks
    the text of each movement on its own, so that one bad movement is rejected alone."""
    import json

    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_utf8", "the body is not UTF-8") from None
    if "\x00" in text:
        raise ApiError(400, "invalid_json", "the body contains a NUL character")
    try:
        body = json.loads(text)
    except RecursionError:  # thousands of levels: the decoder gives up before our depth check could run
        raise ApiError(400, "invalid_json", f"the body nests deeper than {MAX_JSON_DEPTH} levels",
                       limit_depth=MAX_JSON_DEPTH) from None
    except ValueError:
        raise ApiError(400, "invalid_json", "the body is not JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object")
    check_json_value(body, refuse_nul=not text_checked_by_caller, refuse_surrogates=not text_checked_by_caller)
    return body


INT4_MAX = 2**31 - 1
INT8_MAX = 2**63 - 1
# Ids of rows that grow with the ledger (movement seqs, exceptions, rejects) are 64-bit; every other id is 32-bit.
WIDE_PATH_IDS = frozenset({"record_id"})
PAGING_PARAMETERS = [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
                     {"name": "cursor", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{1,9}$",
                                                                  "description": "next_cursor from an earlier page"}}]
# Lists of rows that grow with the ledger (exceptions, rejects, movements): 64-bit cursors.
WIDE_PAGING_PARAMETERS = [PAGING_PARAMETERS[0],
                          {"name": "cursor", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{1,18}$",
                                                                       "description": "next_cursor from an earlier page"}}]


def page_args(max_cursor: int = INT4_MAX) -> tuple[int, int]:
    """`?limit=` (1 to 1000, default 100) and `?cursor=` (a next_cursor from an earlier page) → (after, limit).

    `max_cursor`: the largest id of the rows paged (INT8_MAX for the ledger's queues). The checks are exactly
    the patterns PAGING_PARAMETERS / WIDE_PAGING_PARAMETERS promise: 9 digits, or 18 for the wide ones."""
    from flask import request

    digits = 18 if max_cursor > INT4_MAX else 9
    limit, cursor = request.args.get("limit", "100"), request.args.get("cursor", "0")
    if (not re.fullmatch(r"[0-9]{1,4}", limit) or not 1 <= int(limit) <= 1000
            or not re.fullmatch(rf"[0-9]{{1,{digits}}}", cursor)):
        raise ApiError(400, "invalid_field", "limit is 1 to 1000; cursor is a next_cursor from an earlier page")
    return int(cursor), int(limit)


def check_request_text() -> None:
    """Path and query values: no NUL characters, integer ids inside what the database stores."""
    from flask import request

    for name, value in {**(request.view_args or {}), **request.args}.items():
        if isinstance(value, str) and "\x00" in value:
            raise ApiError(400, "invalid_field", f"{name} contains a NUL character", field=name)
        if isinstance(value, int) and not 0 < value <= (INT8_MAX if name in WIDE_PATH_IDS else INT4_MAX):
            raise ApiError(404, "not_found", f"no {name.replace('_', ' ')} {value}")


def read_limited_body(limit: int) -> bytes:
    """The raw body, refusing (413) anything over `limit` bytes, with or without a Content-Length."""
    from flask import request

    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, "batch_too_large", f"body over {limit} bytes; split the batch", limit_bytes=limit)
    # One byte over the limit is enough to know; werkzeug stops reading there instead of raising.
    request.max_content_length = limit + 1
    data = request.get_data(cache=True)
    if len(data) > limit:
        raise ApiError(413, "batch_too_large", f"body over {limit} bytes; split the batch", limit_bytes=limit)
    return data


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
