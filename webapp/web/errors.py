"""Every error a client sees is JSON: {"error": {"code", "message", ...}} with a 4xx status."""
from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from webapp.domain.errors import DomainError


class ApiError(DomainError):
    def __init__(self, status: int, code: str, message: str, **extra) -> None:
        super().__init__(code, message, **extra)
        self.status = status


def error_response(status: int, code: str, message: str, **extra):
    response = jsonify({"error": {"code": code, "message": message, **extra}})
    response.status_code = status
    return response


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(err: DomainError):
        response = error_response(err.status, err.code, err.message, **err.extra)
        if "retry_after_s" in err.extra:  # a 429 says when to come back
            response.headers["Retry-After"] = str(err.extra["retry_after_s"])
        return response

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        if err.code == 413 and request.path.startswith("/api/v1/sync"):
            limit = app.config["SYNC_MAX_BODY_BYTES"]
            return error_response(413, "batch_too_large", f"body over {limit} bytes; split the batch", limit_bytes=limit)
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            return error_response(err.code or 500, _HTTP_CODES.get(err.code, "http_error"), err.description or "")
        return err

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "the server failed; nothing was changed by this request")
