"""One ASGI middleware around every HTTP request: request id, security headers, body ceiling,
metrics and a structured access log line."""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import time

from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.errors import PayloadTooLarge
from server.observability import metrics
from server.observability.foreground import Foreground
from server.observability.logging import request_id

log = logging.getLogger("citybridge.http")

REQUEST_ID_HEADER = "x-request-id"
_GOOD_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self' ws: wss:",
        "media-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)

SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000"


def route_label(scope: Scope) -> str:
    """The route template (never the raw path), so label values stay few."""
    route = scope.get("route")
    if route is None:
        return "unmatched"
    if isinstance(route, Mount):
        return "static"
    return _template(getattr(route, "path", "unmatched"))


@functools.lru_cache(maxsize=1024)  # one entry per route: the labels are few by design
def _template(path: str) -> str:
    return re.sub(r"{(\w+):\w+}", r"{\1}", path)


def _error_body(status: int, code: str, message: str) -> tuple[bytes, int]:
    return json.dumps({"error": {"code": code, "message": message, "fields": {}}}).encode(), status


class ObservabilityMiddleware:
    def __init__(
        self, app: ASGIApp, *, body_max_bytes: int, https: bool = False, foreground: Foreground | None = None
    ) -> None:
        self.app = app
        self.foreground = foreground or Foreground()
        self.body_max_bytes = body_max_bytes
        self.headers = dict(SECURITY_HEADERS)
        if https:
            self.headers["strict-transport-security"] = HSTS
        self.raw_headers = [(name.encode(), value.encode()) for name, value in self.headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                token = request_id.set(self._incoming_id(scope))
                started_at = time.perf_counter()
                try:
                    await self.app(scope, receive, send)
                finally:
                    # One line per socket, when it ends (the libraries' own per-socket lines are off:
                    # observability/logging.py).
                    log.info(
                        "WS %s closed",
                        scope.get("path"),
                        extra={
                            "path": scope.get("path"),
                            "duration_ms": round((time.perf_counter() - started_at) * 1000, 1),
                            "client": (scope.get("client") or ("", 0))[0],
                        },
                    )
                    request_id.reset(token)
                return
            await self.app(scope, receive, send)
            return

        rid = self._incoming_id(scope)
        token = request_id.set(rid)
        started_at = time.perf_counter()
        state = {"status": 500, "started": False}
        is_api = scope.get("path", "").startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
                state["status"] = message["status"]
                message["headers"] = self._with_headers(message.get("headers", ()), is_api, rid)
            await send(message)

        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.body_max_bytes:
                    raise PayloadTooLarge(f"The request body is larger than {self.body_max_bytes} bytes.")
            return message

        metrics.HTTP_IN_FLIGHT.inc()
        self.foreground.active += 1
        try:
            declared = self._content_length(scope)
            if declared is not None and declared > self.body_max_bytes:
                await self._answer(
                    send_with_headers,
                    *_error_body(
                        413, "payload_too_large", f"The request body is larger than {self.body_max_bytes} bytes."
                    ),
                )
                return
            await self.app(scope, counted_receive, send_with_headers)
        except Exception:
            if state["started"]:
                raise
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            await self._answer(send_with_headers, *_error_body(500, "internal", "Something went wrong on our side."))
        finally:
            metrics.HTTP_IN_FLIGHT.dec()
            self.foreground.active -= 1
            elapsed = time.perf_counter() - started_at
            method, route, status = scope.get("method", ""), route_label(scope), state["status"]
            metrics.count_request(method, route, status, elapsed)
            log.info(
                "%s %s %s",
                method,
                scope.get("path"),
                status,
                extra={
                    "method": method,
                    "path": scope.get("path"),
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                    "client": (scope.get("client") or ("", 0))[0],
                },
            )
            request_id.reset(token)

    def _with_headers(self, sent, is_api: bool, rid: str) -> list[tuple[bytes, bytes]]:
        """The response's headers with ours added: the security headers it did not set itself, a
        framing ban in its own policy, no-store on the API unless it chose, and the request id.
        On the raw list (ASGI names are lower case): MutableHeaders scans it once per header."""
        raw = [(name, value) for name, value in sent if name != b"x-request-id"]
        names = {name for name, _ in raw}
        raw.extend(header for header in self.raw_headers if header[0] not in names)
        for i, (name, value) in enumerate(raw):
            # A route's own policy (e.g. a sandboxed download) still may not be framed.
            if name == b"content-security-policy" and b"frame-ancestors" not in value:
                raw[i] = (name, value + b"; frame-ancestors 'none'")
        if is_api and b"cache-control" not in names:
            raw.append((b"cache-control", b"no-store"))
        raw.append((b"x-request-id", rid.encode("latin-1")))
        return raw

    @staticmethod
    def _incoming_id(scope: Scope) -> str:
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                candidate = value.decode("latin-1")
                if _GOOD_REQUEST_ID.match(candidate):
                    return candidate
                break
        return os.urandom(16).hex()  # 32 hex digits, as uuid4().hex gave, without building a UUID

    @staticmethod
    def _content_length(scope: Scope) -> int | None:
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                return int(value) if value.isdigit() else None
        return None

    @staticmethod
    async def _answer(send: Send, body: bytes, status: int) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
