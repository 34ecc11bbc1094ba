"""The /metrics route: plain Starlette, so it answers even when the database does not."""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.observability.metrics import exposition


async def metrics_endpoint(request: Request) -> Response:
    token = request.app.state.settings.metrics_token
    if token and not hmac.compare_digest(request.headers.get("authorization", "").encode(), f"Bearer {token}".encode()):
        return JSONResponse(
            {
                "error": {
                    "code": "unauthorized",
                    "message": "Send 'Authorization: Bearer <CITYBRIDGE_METRICS_TOKEN>'.",
                    "fields": {},
                }
            },
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    body, content_type = exposition()
    return Response(body, headers={"Content-Type": content_type, "Cache-Control": "no-store"})


def metrics_route() -> Route:
    return Route("/metrics", metrics_endpoint, methods=["GET"], name="metrics")
