"""Caps on the size and shape of a request, checked before any per-parameter work.

Each check is linear in the raw bytes and runs before the query string or the headers are
parsed into anything larger; the body's size is capped as it is read (framework._read_body).
Over a cap the answer is a 4xx in the error shape. The values are documented in docs/operations.md ("Limits").
"""

from __future__ import annotations

from pydantic import ValidationError
from starlette.requests import Request

from server.errors import BadRequest, HeadersTooLarge, UriTooLong

# What the HTTP parser buffers of a request line and headers; beyond it uvicorn answers a bare 400.
MAX_HEAD_BYTES = 256 * 1024
MAX_TARGET_BYTES = 8 * 1024  # path and query string
MAX_QUERY_PARAMS = 64
MAX_HEADERS = 100
MAX_HEADER_BYTES = 16 * 1024  # names and values together
MAX_JSON_DEPTH = 200  # pydantic-core's parser limit: see too_deep()


def check_request(request: Request) -> None:
    """Refuse an over-long request target, too many query parameters, or too many or too large headers."""
    scope = request.scope
    query: bytes = scope.get("query_string", b"")
    path: str = scope.get("raw_path", b"") or scope.get("path", "")
    if len(path) + len(query) > MAX_TARGET_BYTES:
        raise UriTooLong(f"The request target is longer than {MAX_TARGET_BYTES} bytes.")
    # Empty pieces ("a=1&&b=2") parse to nothing; counting separators over-counts them, which is safe.
    if query and query.count(b"&") + 1 > MAX_QUERY_PARAMS:
        raise UriTooLong(f"At most {MAX_QUERY_PARAMS} query parameters.", code="too_many_parameters")
    headers = scope.get("headers", [])
    if len(headers) > MAX_HEADERS:
        raise HeadersTooLarge(f"At most {MAX_HEADERS} request headers.", code="too_many_headers")
    if sum(len(name) + len(value) for name, value in headers) > MAX_HEADER_BYTES:
        raise HeadersTooLarge(f"The request headers are larger than {MAX_HEADER_BYTES} bytes.")


def too_deep(error: ValidationError) -> BadRequest | None:
    """The refusal for JSON nested deeper than MAX_JSON_DEPTH, if that is what `error` reports.

    The JSON parser (pydantic-core's) stops at that depth by itself, before building anything, so
    checking here costs nothing; a scan of our own would cost more than the parse."""
    if any(e["type"] == "json_invalid" and "recursion limit" in e["msg"] for e in error.errors()):
        return BadRequest(f"JSON may nest at most {MAX_JSON_DEPTH} levels deep.", code="json_too_deep")
    return None
