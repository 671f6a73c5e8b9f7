"""Request bodies, defined once: a pydantic model per body parses and checks the request and is the
OpenAPI schema of that body, so what the document promises and what the server accepts cannot drift.

Field types here carry the API's own rules and error codes: whole numbers may arrive as `2.0`, text is
trimmed and never holds NUL (a pattern says so in the schema too), quantities out of range are
`invalid_quantity`, a missing field is `missing_field`, an unknown one `unknown_field`, anything else
`invalid_field` — each a 400 naming the field, as `{"error": {"code", "field", "message"}}`.
"""
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from webapp.web.errors import ApiError

# Codes a validator may raise as its error type; any other pydantic error becomes invalid_field.
OWN_CODES = {"invalid_quantity", "invalid_field", "missing_field", "invalid_text", "invalid_kind"}
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\x00\s][^\x00]*$"  # some character that is neither space nor NUL
# An identifier a machine makes (a device id): no control characters at all, something that is not space.
PRINTABLE_ID = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"


class Body(BaseModel):
    """A JSON request body: exactly the fields it declares (anything else is `unknown_field`)."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class OpenBody(Body):
    """A body that ignores fields it does not know (a newer device may send more)."""

    model_config = ConfigDict(extra="ignore", strict=True, populate_by_name=True)


def _whole_number(value: Any) -> Any:
    # JSON has one number type: 2.0 is the whole number 2 (JSON Schema's "integer" says so too).
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _strip(value: str) -> str:
    return value.strip()


def _bounded(low: int, high: int, code: str):
    def check(value: int) -> int:
        if not low <= value <= high:
            raise PydanticCustomError(code, "must be a whole number from {low} to {high}", {"low": low, "high": high})
        return value
    return check


def WholeNumber(low: int, high: int, *, code: str = "invalid_field", description: str | None = None):
    """An integer from `low` to `high`; out of range → `code`."""
    return Annotated[int, BeforeValidator(_whole_number), AfterValidator(_bounded(low, high, code)),
                     Field(json_schema_extra={"minimum": low, "maximum": high}, description=description)]


def Quantity(low: int = 1, high: int = 1_000_000, *, description: str | None = None):
    """A quantity: out of range → `invalid_quantity`."""
    return WholeNumber(low, high, code="invalid_quantity", description=description)


def Text(max_length: int, *, description: str | None = None):
    """Required text: trimmed, not blank, no NUL."""
    return Annotated[str, Field(max_length=max_length, pattern=NOT_BLANK, description=description), AfterValidator(_strip)]


def Identifier(max_length: int, *, description: str | None = None):
    """A machine-made identifier: printable, not blank, trimmed."""
    return Annotated[str, Field(max_length=max_length, pattern=PRINTABLE_ID, description=description), AfterValidator(_strip)]


def OptionalText(max_length: int, *, description: str | None = None):
    """Optional text (may be empty): trimmed, no NUL."""
    return Annotated[str, Field(max_length=max_length, pattern=NO_NUL, description=description), AfterValidator(_strip)]


def Choice(values, *, code: str = "invalid_field", description: str | None = None):
    """One of `values` (an enum in the schema); anything else → `code`."""
    allowed = tuple(values)

    def check(value: str) -> str:
        if value not in allowed:
            raise PydanticCustomError(code, "must be one of {allowed}", {"allowed": ", ".join(allowed)})
        return value
    return Annotated[str, AfterValidator(check), Field(json_schema_extra={"enum": list(allowed)}, description=description)]


def _error_of(error: dict) -> ApiError:
    location = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    field = ".".join(location) or None
    name = field or "the body"
    kind = error.get("type", "")
    if kind == "missing":
        return ApiError(400, "missing_field", f"{name} is required", field=field)
    if kind == "extra_forbidden":
        return ApiError(400, "unknown_field", f"{name} is not a field of this request", field=field)
    if kind in OWN_CODES:
        return ApiError(400, kind, f"{name} {error.get('msg', 'is wrong')}", field=field)
    if kind == "string_pattern_mismatch":
        value = error.get("input")
        if isinstance(value, str) and "\x00" in value:
            return ApiError(400, "invalid_field", f"{name} contains a NUL character", field=field)
        if isinstance(value, str) and value.strip():
            return ApiError(400, "invalid_text", f"{name} holds control characters, which are not text here", field=field)
        return ApiError(400, "missing_field", f"{name} must not be empty", field=field)
    return ApiError(400, "invalid_field", f"{name}: {error.get('msg', 'wrong value')}", field=field)


def parse_body(model: type[Body], raw: Any) -> Body:
    """The request body as `model`, or a 400 naming the first field that is wrong."""
    if not isinstance(raw, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object")
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        raise _error_of(err.errors(include_url=False)[0]) from None


def openapi_schema(model: type[BaseModel], components: dict) -> dict:
    """The model's JSON Schema for the OpenAPI document; nested models go to `components` once, by name."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="validation")
    for name, definition in schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    return schema
