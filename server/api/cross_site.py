"""Requests from other sites: what a cross-site form or script may not do to a JSON route.

A cross-site form can send only text/plain, form or multipart bodies, and with no preflight, so JSON
routes refuse other types (415). Requests that can start a session have no CSRF token yet, so they
must come from our own origin (no login CSRF). The CSRF token of cookie sessions is server/api/auth.py's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request

from server.errors import Forbidden, UnsupportedMediaType

if TYPE_CHECKING:
    from server.api.auth import Caller
    from server.api.framework import Endpoint

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


def _is_json(request: Request) -> bool:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media_type == "application/json"


def _from_elsewhere(request: Request, settings) -> bool:
    """A browser says where a request comes from (Sec-Fetch-Site, Origin); a request that says
    nothing (a script, curl) is not a browser's cross-site request."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False
    ours = {settings.public_origin, f"http://{request.headers.get('host')}", f"https://{request.headers.get('host')}"}
    return origin not in ours


def check_request_origin_and_type(ep: Endpoint, request: Request, caller: Caller, settings) -> None:
    """A cross-site form can send only text/plain, form or multipart bodies, and with no preflight:
    JSON routes refuse other types (415). Requests that can start a session (sign-in, accepting an
    invitation) have no CSRF token yet, so they must come from our own origin (no login CSRF)."""
    sent = request.headers.get("content-length", "0") != "0" or "transfer-encoding" in request.headers
    typed = _is_json(request) or (ep.body_optional and not sent)  # an optional body left out needs no type
    if ep.body is not None and not (ep.form is not None and is_multipart(request)) and not typed:
        raise UnsupportedMediaType("Send the body as application/json.")
    if ep.method in UNSAFE and ep.auth != "user" and caller.via != "bearer" and _from_elsewhere(request, settings):
        raise Forbidden("This request comes from another site.", code="cross_site")
