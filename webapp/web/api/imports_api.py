"""CSV imports: POST /api/v1/imports/<kind> with the file as the body; `?dry_run=true` checks without changing
anything. One operation per kind, so that each lists exactly the roles that may import it."""
from flask import jsonify, request
from flask_login import current_user

from webapp.domain.csv_import import MAX_ROWS
from webapp.extensions import db
from webapp.services.imports import ImportKind, run_import
from webapp.services.imports.kinds import KINDS
from webapp.web.api import api
from webapp.web.api.registry import api_endpoint
from webapp.web.errors import ApiError

MAX_FILE_BYTES = 2 * 1024 * 1024
MEDIA_TYPES = ("text/csv", "text/plain")
CSV_BODY = {"required": True, "content": {"text/csv": {"schema": {
    "type": "string", "description": "UTF-8 CSV (a BOM is fine); the first row names the columns"}}}}
DRY_RUN = {"name": "dry_run", "in": "query", "schema": {"type": "boolean"},
           "description": "true: check every row and say what would be created, changing nothing"}


def _read_file() -> bytes:
    if request.content_length is not None and request.content_length > MAX_FILE_BYTES:
        raise ApiError(413, "file_too_large", f"the file is over {MAX_FILE_BYTES} bytes: split it",
                       limit_bytes=MAX_FILE_BYTES)
    if request.mimetype not in MEDIA_TYPES:
        raise ApiError(415, "unsupported_media_type", "send the file as the body with Content-Type: text/csv")
    request.max_content_length = MAX_FILE_BYTES + 1  # werkzeug stops reading one byte past the limit
    data = request.get_data(cache=True)
    if len(data) > MAX_FILE_BYTES:
        raise ApiError(413, "file_too_large", f"the file is over {MAX_FILE_BYTES} bytes: split it",
                       limit_bytes=MAX_FILE_BYTES)
    return data


def _dry_run() -> bool:
    value = request.args.get("dry_run", "false").lower()
    if value not in ("true", "false", "1", "0"):
        raise ApiError(400, "invalid_field", "dry_run is true or false", field="dry_run")
    return value in ("true", "1")


def _register(kind: ImportKind) -> None:
    key = kind.layout.key
    columns = ", ".join(c.name + ("*" if c.required else "") for c in kind.layout.columns)

    def view():
        dry_run, data = _dry_run(), _read_file()
        return jsonify(run_import(db.unit_of_work, kind, data, dry_run=dry_run, user_id=current_user.id))

    view.__name__ = f"import_{kind.name.replace('-', '_')}"
    api_endpoint(api, f"/imports/{kind.name}", "POST", roles=kind.roles,
                 summary=f"Import {kind.name} from CSV (columns {columns}; * required), idempotent by {key}; "
                         f"?dry_run=true lists each bad row with its reason and changes nothing",
                 parameters=[DRY_RUN],
                 responses={"200": "rows, good, bad [{row, number, code, reason}], created (would_create on a dry "
                                   "run), already_there",
                            "400": "the header cannot be read (missing_column, unknown_column, empty_file)",
                            "413": "file_too_large or too_many_rows", "415": "not text/csv"},
                 **{"x-limits": {"max_body_bytes": MAX_FILE_BYTES, "max_rows": MAX_ROWS}, "requestBody": CSV_BODY})(view)


for _kind in KINDS.values():
    _register(_kind)
