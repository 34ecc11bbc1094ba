"""Opaque, signed paging cursors: a client can hand one back but not forge or alter it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from server.errors import BadRequest, Invalid, problem


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


def message_window(secret: str, query, *, first_after: int | None = None, first_before: int | None = None):
    """The (after, before) bounds a message page asks for: from its cursor, or the given first-page bounds.

    Threads and conversations page their messages the same way; one place keeps their cursors alike.
    """
    cursor = decode(secret, query.cursor, (str, int))
    if cursor is None:
        return (first_after, None) if query.direction == "forward" else (None, first_before)
    if cursor[0] != query.direction:
        raise Invalid(
            "This cursor belongs to the other direction.",
            code="bad_cursor",
            fields={"cursor": problem("cursor_mismatch")},
        )
    return (cursor[1], None) if query.direction == "forward" else (None, cursor[1])


def message_page(secret: str, query, items: list[dict]) -> dict:
    """A page of messages with the cursor to the next one, if the page was full."""
    next_cursor = None
    if len(items) == query.limit:
        edge = items[-1]["id"] if query.direction == "forward" else items[0]["id"]
        next_cursor = encode(secret, [query.direction, edge])
    return {"items": items, "next_cursor": next_cursor}
