"""The /metrics route: plain Starlette, so it answers even when the database does not.

Metrics name routes, volumes and failure rates, which tell an attacker a lot about a
deployment, so they are not public: with CITYBRIDGE_METRICS_TOKEN set, the token is required
from everyone; without it, only CITYBRIDGE_METRICS_ALLOW (loopback by default) may read them."""

from __future__ import annotations

import hmac
import ipaddress

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.api.responses import JsonResponse
from server.observability.metrics import exposition

FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def _refusal(status: int, code: str, message: str, headers: dict | None = None) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message, "fields": {}}}, status_code=status, headers=headers
    )


def _address_allowed(request: Request, settings) -> bool:
    # A proxy on this host makes every visitor look local; unless the proxy is trusted (and the
    # client address is then the visitor's), a forwarded request is not a local one.
    if not settings.trusted_proxies and any(h in request.headers for h in FORWARDING_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.client.host if request.client else "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.metrics_allow)


async def metrics_endpoint(request: Request) -> Response:
    settings = request.app.state.settings
    token = settings.metrics_token
    if token:
        if not hmac.compare_digest(request.headers.get("authorization", "").encode(), f"Bearer {token}".encode()):
            return _refusal(
                401,
                "unauthorized",
                "Send 'Authorization: Bearer <CITYBRIDGE_METRICS_TOKEN>'.",
                {"WWW-Authenticate": "Bearer"},
            )
    elif not _address_allowed(request, settings):
        return _refusal(
            403,
            "metrics_forbidden",
            "Metrics are served to CITYBRIDGE_METRICS_ALLOW (loopback by default) or with CITYBRIDGE_METRICS_TOKEN.",
        )
    body, content_type = exposition()
    return Response(body, headers={"Content-Type": content_type, "Cache-Control": "no-store"})


def metrics_route() -> Route:
    return Route("/metrics", metrics_endpoint, methods=["GET"], name="metrics")
