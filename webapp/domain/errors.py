"""Errors are values with a stable code; the web edge turns them into 4xx JSON once."""


class DomainError(Exception):
    """A rule was broken. `code` is stable and snake_case; `extra` goes into the JSON error."""

    status = 400

    def __init__(self, code: str, message: str, **extra) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403
