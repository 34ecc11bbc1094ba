"""The OpenAPI document, generated from the endpoint declarations."""

from __future__ import annotations

import re

from pydantic import BaseModel

from server.api import schemas as s
from server.api.framework import ENDPOINTS, Endpoint, TokenConvertor
from server.api.schemas.exact import NO_NUL, emoji_pattern

REF = "#/components/schemas/{model}"
STATUS_TEXT = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No content",
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    415: "Not JSON",
    422: "Invalid input",
    429: "Too many requests",
    503: "Unavailable",
}


def _no_nul(schema):
    """Every text a request carries refuses NUL (PostgreSQL cannot store it): say so where no
    pattern (whose classes exclude it) or enumeration says more."""
    if isinstance(schema, list):
        for item in schema:
            _no_nul(item)
    elif isinstance(schema, dict):
        if schema.get("type") == "string" and not {"pattern", "enum", "const", "format"} & set(schema):
            schema["pattern"] = NO_NUL
        for value in schema.values():
            _no_nul(value)
    return schema


def _schema(model: type[BaseModel], components: dict, request: bool = False) -> dict:
    schema = model.model_json_schema(ref_template=REF, mode="serialization")
    if request:
        _no_nul(schema)
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def _query_parameters(model: type[BaseModel]) -> list[dict]:
    schema = _no_nul(model.model_json_schema())
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema["properties"].items()
    ]


def _path_parameter(name: str, convertor: str) -> dict:
    if convertor == "int":
        schema: dict = {"type": "integer", "minimum": 1}
    elif convertor == "token":
        schema = {"type": "string", "minLength": 1, "pattern": f"^{TokenConvertor.regex}$"}
    elif name == "emoji":  # server.api.threads._emoji
        schema = {"type": "string", "minLength": 1, "maxLength": 16, "pattern": emoji_pattern()}
    else:
        schema = {"type": "string", "minLength": 1, "pattern": NO_NUL}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _statuses(ep: Endpoint) -> set[int]:
    """The error statuses every endpoint of its kind can answer, besides those it declares."""
    statuses = set(ep.errors)
    if ep.body is not None or ep.form is not None:
        statuses |= {400, 413, 415, 422}
    if ep.query is not None:
        statuses |= {422}
    if "{" in ep.path:  # an id that names nothing, or a path the convertor does not take
        statuses |= {404}
    if ep.body is not None and "client_id" in getattr(ep.body, "model_fields", {}):
        statuses |= {409}  # a client_id already used elsewhere
    if ep.auth == "user":
        statuses |= {401}
    if ep.method != "GET":  # CSRF (cookie sessions), or a session started from another site
        statuses |= {403}
    return statuses


def _operation(ep: Endpoint, components: dict) -> dict:
    params = [_path_parameter(name, conv) for name, conv in re.findall(r"{(\w+)(?::(\w+))?}", ep.path)]
    if ep.query is not None:
        params += _query_parameters(ep.query)
    op: dict = {
        "summary": ep.summary,
        "operationId": ep.handler.__module__.rsplit(".", 1)[-1] + "_" + ep.handler.__name__,
        "tags": [ep.tag],
        "parameters": params,
        "responses": {},
    }
    if ep.body is not None:
        op["requestBody"] = {
            "required": not ep.body_optional,
            "content": {"application/json": {"schema": _schema(ep.body, components, request=True)}},
        }
    if ep.form is not None:
        op.setdefault("requestBody", {"required": True, "content": {}})["content"]["multipart/form-data"] = {
            "schema": _schema(ep.form, components, request=True)
        }
    if ep.response is not None:
        content = {"application/json": {"schema": _schema(ep.response, components)}}
        op["responses"][str(ep.status)] = {"description": STATUS_TEXT[ep.status], "content": content}
        if ep.status == 201 and ep.path.endswith("/messages"):
            op["responses"]["200"] = {"description": "Already posted with this client_id", "content": content}
        if ep.status == 201 and ep.path.endswith("/join"):
            op["responses"]["200"] = {"description": "Already asked or a member", "content": content}
    else:
        op["responses"][str(ep.status)] = {"description": STATUS_TEXT[ep.status]}
    error = {"application/json": {"schema": _schema(s.ErrorOut, components)}}
    for status in sorted(_statuses(ep)):
        op["responses"][str(status)] = {"description": STATUS_TEXT[status], "content": error}
    if ep.auth != "none":
        op["security"] = [{"bearer": []}, {"cookie": []}] if ep.auth == "user" else [{}, {"bearer": []}, {"cookie": []}]
    return op


def document() -> dict:
    components: dict = {}
    paths: dict = {}
    for ep in ENDPOINTS:
        path = re.sub(r"{(\w+):\w+}", r"{\1}", ep.path)
        paths.setdefault(path, {})[ep.method.lower()] = _operation(ep, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Citybridge API",
            "version": "1",
            "description": "The one API used by the browser app, outside clients and the tests. "
            "Errors always have the shape {error: {code, message, fields}}.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "A personal API token"},
                "cookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "cb_session",
                    "description": "Browser session; state-changing requests also need X-CSRF-Token",
                },
            },
        },
    }
