"""The OpenAPI 3.1 document, built from the endpoint registry so it cannot drift from the code."""
import re

from flask import current_app, jsonify

from webapp.web.api import api
from webapp.web.api.registry import ENDPOINTS, WEBSOCKETS, api_endpoint
from webapp.web.api.schema import openapi_schema

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}


def build_document() -> dict:
    paths: dict = {}
    schemas: dict = {"Error": ERROR_SCHEMA}
    for doc in ENDPOINTS:
        declared = {p["name"] for p in doc.parameters if p.get("in") == "path"}  # an endpoint's own, stricter schema
        params = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1, "maxLength": 64}}
            for name in re.findall(r"{([a-z_]+)}", doc.path) if name not in declared
        ] + doc.parameters
        responses = {code: {"description": text} for code, text in doc.responses.items()}
        for code in ("400", "401", "403", "404", "409", "413", "429"):
            responses.setdefault(code, {"description": "error", "content": {"application/json": {"schema": ERROR_SCHEMA}}})
        if doc.roles == ():
            responses.pop("401", None)
            responses.pop("403", None)
        operation = {
            "operationId": f"{doc.method}_{re.sub(r'[^a-z0-9]+', '_', doc.path.lower()).strip('_')}",
            "summary": doc.summary,
            "x-roles": list(doc.roles),
            "parameters": params,
            "responses": responses,
            **doc.extra,
        }
        if doc.roles == ():
            operation["security"] = []
        if doc.request_model is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": openapi_schema(doc.request_model, schemas)}},
            }
        paths.setdefault(doc.path, {})[doc.method] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Dockhand API",
            "version": "1",
            "description": "Warehouse floor API. Errors are {\"error\": {\"code\", \"message\"}} with a 4xx status.",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": current_app.config["SESSION_COOKIE_NAME"]},
            }
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "x-websockets": WEBSOCKETS,
    }


@api_endpoint(api, "/openapi.json", "GET", roles=(), public=True, summary="This OpenAPI document",
              responses={"200": "the document"})
def openapi_document():
    return jsonify(build_document())
