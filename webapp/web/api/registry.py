"""Declaring an API endpoint: its route, the roles it allows and its OpenAPI description, in one place.

`api_endpoint` wraps the view with the role check, so the roles in the OpenAPI document
(`x-roles`) are exactly the roles enforced.
"""
from dataclasses import dataclass, field
from functools import wraps
from typing import Callable

from flask import Blueprint, request
from flask_login import current_user

from webapp.web.api.body import check_request_text, json_body
from webapp.web.api.idempotency import HEADER_PARAMETER
from webapp.web.api.idempotency import idempotent as run_once
from webapp.web.api.schema import parse_body
from webapp.web.errors import ApiError

PUBLIC = ()  # no sign-in needed


@dataclass
class EndpointDoc:
    method: str
    path: str  # OpenAPI style, {param}
    roles: tuple[str, ...]
    summary: str
    request_model: type | None = None  # the pydantic model of the JSON body (webapp/web/api/schema.py)
    responses: dict = field(default_factory=dict)
    parameters: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)


ENDPOINTS: list[EndpointDoc] = []
# WebSockets are no OpenAPI operation: the document lists them under x-websockets, with their roles.
WEBSOCKETS: list[dict] = []


def _openapi_path(rule: str) -> str:
    import re

    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def require_roles(roles: tuple[str, ...]) -> None:
    if not current_user.is_authenticated:
        raise ApiError(401, "unauthenticated", "sign in, or send Authorization: Bearer TOKEN")
    if roles and not (current_user.role_set & set(roles)):
        raise ApiError(403, "forbidden", f"needs one of the roles: {', '.join(roles)}", roles=list(roles))


def api_endpoint(
    bp: Blueprint,
    rule: str,
    method: str,
    *,
    roles: tuple[str, ...],
    summary: str,
    body: type | None = None,
    read_body: bool = True,
    responses: dict | None = None,
    parameters: list | None = None,
    public: bool = False,
    idempotent: bool = False,
    json_only: bool = False,
    **extra,
) -> Callable:
    """`body`: the pydantic model of the JSON body. It is parsed and checked before the view runs and
    handed to it as `body=`, unless `read_body=False` (the view reads the body itself, e.g. under a size limit).
    `idempotent=True`: a creating POST without a natural key of its own takes an `Idempotency-Key`.
    `json_only=True`: a body that is not `Content-Type: application/json` is 415 before anything is read."""

    def decorate(view: Callable) -> Callable:
        parameters_doc = list(parameters or [])
        responses_doc = dict(responses or {})
        if idempotent:
            view = run_once(view)
            parameters_doc.append(HEADER_PARAMETER)
            responses_doc.setdefault("409", "idempotency_conflict: this Idempotency-Key was used for another request")

        @wraps(view)
        def guarded(*args, **kwargs):
            if not public:
                require_roles(roles)
            check_request_text()
            if json_only and request.mimetype != "application/json":
                raise ApiError(415, "unsupported_media_type", "send the body as Content-Type: application/json")
            if body is not None and read_body:
                kwargs["body"] = parse_body(body, json_body())
            return view(*args, **kwargs)

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=guarded, methods=[method])
        ENDPOINTS.append(
            EndpointDoc(
                method=method.lower(),
                path=_openapi_path((bp.url_prefix or "") + rule),
                roles=PUBLIC if public else roles,
                summary=summary,
                request_model=body,
                responses=responses_doc,
                parameters=parameters_doc,
                extra=extra,
            )
        )
        return guarded

    return decorate
