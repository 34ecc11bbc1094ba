"""GET /ws: authenticate, then turn client frames into hub calls until the socket closes."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from starlette.requests import HTTPConnection
from starlette.types import Receive, Scope, Send

from realtime import protocol
from realtime.auth import Identity
from realtime.hub import Hub
from realtime.protocol import BadFrame, dumps, error
from server.api.auth import SESSION_COOKIE
from server.observability.metrics import OPEN_WEBSOCKETS


def origin_allowed(conn: HTTPConnection, public_origin: str | None) -> bool:
    """Browsers send Origin on websockets; a cookie must only work from our own pages."""
    origin = conn.headers.get("origin")
    if not origin:
        return False
    if public_origin:
        return origin.rstrip("/") == public_origin
    return urlsplit(origin).netloc == conn.headers.get("host")


async def _authenticate(scope: Scope, hub: Hub) -> tuple[Identity | None, int, str]:
    """server.api.auth.authenticate_request's rules, through the hub's batched direct query."""
    conn = HTTPConnection(scope)
    header = conn.headers.get("authorization")
    if header is not None:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return None, protocol.UNAUTHORIZED, "Use 'Authorization: Bearer <token>'."
        identity = await hub.authenticate("bearer", secret.strip())
        if identity is None:
            return None, protocol.UNAUTHORIZED, "This API token is not valid."
        return _enrolled(identity, scope)
    token = conn.cookies.get(SESSION_COOKIE)
    identity = await hub.authenticate("cookie", token) if token else None
    if identity is None:
        return None, protocol.UNAUTHORIZED, "Sign in first."
    if not origin_allowed(conn, scope["app"].state.settings.public_origin):
        return None, protocol.FORBIDDEN_ORIGIN, "This origin may not use the session cookie."
    return _enrolled(identity, scope)


def _enrolled(identity: Identity, scope: Scope) -> tuple[Identity | None, int, str]:
    if identity.held_for_enrolment(scope["app"].state.settings.require_totp):
        return None, protocol.TOTP_SETUP_REQUIRED, "Turn on two-factor sign-in in your settings first."
    return identity, 0, ""


def _direct(receive: Receive):
    """The server's websocket protocol object behind `receive`, when it is one we can write
    prebuilt frames to (uvicorn's websockets implementations); None otherwise."""
    protocol_object = getattr(receive, "__self__", None)
    if protocol_object is None or getattr(protocol_object, "transport", None) is None:
        return None
    if hasattr(protocol_object, "write_frame_sync") or hasattr(getattr(protocol_object, "conn", None), "send_text"):
        return protocol_object
    return None


def _forget_the_handshake(scope: Scope, direct) -> None:
    """Let go of what only the handshake needed, for the socket's lifetime (a node holds some
    15,000 idle ones): the request's headers in the scope, and uvicorn's parsed handshake request
    and response. The socket's access log line (server/observability/middleware.py) reads only the
    path and the client."""
    scope["headers"] = ()
    if direct is not None:
        for name in ("request", "response"):
            if getattr(direct, name, None) is not None:
                setattr(direct, name, None)


def _notifications_since(scope: Scope) -> int | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("notifications_since")
    if not values:
        return None
    if len(values) > 1 or not values[0].isdigit() or int(values[0]) > protocol.MAX_ID:
        raise ValueError("notifications_since must be one non-negative integer")
    return int(values[0])


class RealtimeEndpoint:
    """A raw ASGI websocket app, so every outgoing frame is one plain `send` call."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        hub: Hub = scope["app"].state.realtime
        settings = hub.settings
        await send({"type": "websocket.accept"})
        kicks_seen = hub.kick_seq
        try:
            user, code, reason = await _authenticate(scope, hub)
        except Exception:  # the database is unreachable: let the client retry
            user, code, reason = None, protocol.INTERNAL, "try again"
        if user is None:
            await send({"type": "websocket.close", "code": code, "reason": reason})
            return
        try:
            since = _notifications_since(scope)
        except ValueError as failure:
            await send({"type": "websocket.close", "code": protocol.POLICY, "reason": str(failure)})
            return
        direct = _direct(receive)
        conn = hub.connect(send, user, since, direct)
        hub.check_kicked(conn, kicks_seen)  # signed out while we were looking the credential up
        _forget_the_handshake(scope, direct)
        OPEN_WEBSOCKETS.inc()
        try:
            while True:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    break
                if conn.closed:
                    continue
                text = message.get("text")
                if text is None:
                    conn.enqueue(error("bad_frame", "Send JSON text frames, not binary ones."))
                    continue
                if len(text) > settings.max_frame_bytes:
                    hub.close(conn, protocol.TOO_BIG, "frame too large")
                    continue
                if not conn.allow():
                    if conn.refused >= settings.flood_limit:
                        hub.close(conn, protocol.POLICY, "flooding")
                    elif conn.refused == 1:
                        conn.enqueue(
                            error(
                                "rate_limited", "Too many frames; slow down.", limit_per_second=settings.rate_per_second
                            )
                        )
                    continue
                await self._handle(hub, conn, text)
        finally:
            OPEN_WEBSOCKETS.dec()
            if not conn.closed:
                hub.detach(conn)

    async def _handle(self, hub: Hub, conn, text: str) -> None:
        try:
            frame = protocol.parse(text)
        except BadFrame as bad:
            conn.enqueue(error(bad.code, bad.message, **bad.extra))
            return
        if isinstance(frame, protocol.Ping):
            conn.enqueue('{"type":"pong"}')
        elif isinstance(frame, protocol.Subscribe):
            key = frame.key
            if key in conn.subs:
                conn.enqueue(error("already_subscribed", f"Already subscribed to this {frame.noun}.", **frame.field))
            elif len(conn.subs) > hub.settings.max_subscriptions:
                conn.enqueue(error("too_many_subscriptions", f"Unsubscribe from a {frame.noun} first.", **frame.field))
            else:
                hub.subscribe(conn, key, frame.since)
        elif isinstance(frame, protocol.Unsubscribe):
            if hub.unsubscribe(conn, frame.space_id, frame.stream):
                conn.enqueue(dumps({"type": "unsubscribed", **frame.field, "reason": "requested"}))
            else:
                conn.enqueue(error("not_subscribed", f"Not subscribed to this {frame.noun}.", **frame.field))
        elif isinstance(frame, protocol.Typing):
            await hub.presence.typing(conn, frame.thread_id)
