"""Opaque, signed paging cursors: a client can hand one back but not forge or alter it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from server.errors import BadRequest


def _sign(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), b"cursor:" + payload, hashlib.sha256).hexdigest()[:24]


def encode(secret: str, value: list) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode().rstrip("=")
    return f"{payload}.{_sign(secret, payload.encode())}"


def decode(secret: str, cursor: str | None, shape: tuple[type, ...]) -> list | None:
    """The values inside a cursor, checked against its signature and the expected types."""
    if cursor is None:
        return None
    payload, _, signature = cursor.partition(".")
    if not hmac.compare_digest(_sign(secret, payload.encode()), signature):
        raise BadRequest("This paging cursor is not valid.", code="bad_cursor")
    value = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    if (
        not isinstance(value, list)
        or len(value) != len(shape)
        or not all(isinstance(v, t) for v, t in zip(value, shape, strict=False))
    ):
        raise BadRequest("This paging cursor is not valid.", code="bad_cursor")
    return value
