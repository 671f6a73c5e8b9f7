"""What text the warehouse accepts: valid Unicode (no lone surrogates, no NUL) in JSON no deeper than 32 levels.

A lone surrogate ("\\ud800" as a JSON escape) decodes to a Python string that neither database can store,
and NUL cannot live in PostgreSQL text; no barcode, code or name contains either.
"""
from webapp.domain.errors import DomainError

MAX_JSON_DEPTH = 32  # the body object itself is level 1


class InvalidText(DomainError):
    """Refused text: `invalid_text` (a lone surrogate) or `invalid_json` (too deep, or NUL)."""


def has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_SCALARS = (str, int, float, bool, type(None))


def check_json_value(value, *, refuse_nul: bool = True, refuse_surrogates: bool = True) -> None:
    """Walk a decoded JSON value (keys too) without recursion, so that depth is judged before it can hurt."""
    if type(value) is dict and _flat_and_clean(value, refuse_nul, refuse_surrogates):
        return
    pending = [(value, 1)]
    while pending:
        current, depth = pending.pop()
        if isinstance(current, str):
            if refuse_surrogates and has_lone_surrogate(current):
                raise InvalidText("invalid_text", "a string contains a lone surrogate: text must be valid Unicode")
            if refuse_nul and "\x00" in current:
                raise InvalidText("invalid_json", "a string in the body contains a NUL character")
            continue
        if not isinstance(current, (dict, list)):
            continue
        if depth > MAX_JSON_DEPTH:
            raise InvalidText("invalid_json", f"the body nests deeper than {MAX_JSON_DEPTH} levels",
                              limit_depth=MAX_JSON_DEPTH)
        if isinstance(current, dict):
            pending.extend((key, depth) for key in current)
            pending.extend((element, depth + 1) for element in current.values())
        else:
            pending.extend((element, depth + 1) for element in current)


def _flat_and_clean(value: dict, refuse_nul: bool, refuse_surrogates: bool) -> bool:
    """A flat object (a sync batch's scans are) judged in one pass: its keys and texts joined, encoded once (any
    surrogate in any piece makes the whole fail). False: nested, or refused text: the walk above says which."""
    texts = []
    for key, element in value.items():
        if type(key) is not str or not isinstance(element, _SCALARS):
            return False
        texts.append(key)
        if isinstance(element, str):
            texts.append(element)
    joined = "".join(texts)
    return not ((refuse_surrogates and has_lone_surrogate(joined)) or (refuse_nul and "\x00" in joined))
