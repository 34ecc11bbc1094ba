"""The wire protocol of /ws: close codes, frames the server sends, and parsing what clients send."""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass

# Close codes (docs/realtime.md).
GOING_AWAY = 1001
POLICY = 1008  # flooding
TOO_BIG = 1009  # a frame over the size limit
INTERNAL = 1011  # the server could not write to the socket (or reach its database while connecting)
SERVICE_RESTART = 1012  # the server is shutting down: reconnect and resume
UNAUTHORIZED = 4401  # not signed in, or the session/token is not valid
FORBIDDEN_ORIGIN = 4403
TOTP_SETUP_REQUIRED = 4428  # where two-factor is required and the account has none yet: enrol over HTTP first
SLOW_CONSUMER = 4008  # the socket's outgoing queue overflowed: reconnect and resume


def dumps(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def wire(text: str) -> bytes:
    """A complete server-to-client text frame (FIN, unmasked, no extension bits: valid with or
    without permessage-deflate), built once and written as is to every socket of an audience."""
    payload = text.encode()
    length = len(payload)
    if length < 126:
        head = struct.pack("!BB", 0x81, length)
    elif length < 65536:
        head = struct.pack("!BBH", 0x81, 126, length)
    else:
        head = struct.pack("!BBQ", 0x81, 127, length)
    return head + payload


def error(code: str, message: str, **extra) -> str:
    return dumps({"type": "error", "code": code, "message": message, **extra})


def event_frame(
    event_id: int,
    space_id: int | None,
    user_id: int | None,
    kind: str,
    data_json: str,
    conversation_id: int | None = None,
) -> str:
    """The event as sent to every subscriber: built once, from the stored JSON text, never re-encoded."""
    if conversation_id is not None:
        head = '{"type":"event","id":%d,"conversation_id":%d,"kind":%s,"data":' % (
            event_id,
            conversation_id,
            json.dumps(kind),
        )
    elif space_id is not None:
        head = '{"type":"event","id":%d,"space_id":%d,"kind":%s,"data":' % (event_id, space_id, json.dumps(kind))
    else:
        head = '{"type":"event","id":%d,"space_id":null,"user_id":%d,"kind":%s,"data":' % (
            event_id,
            user_id,
            json.dumps(kind),
        )
    return head + data_json + "}"


class BadFrame(Exception):
    def __init__(self, code: str, message: str, **extra) -> None:
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra


class _Target:
    """A frame naming a stream: a space, or (stream "conversation", the id in space_id) a direct conversation."""

    space_id: int
    stream: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.stream, self.space_id)

    @property
    def field(self) -> dict:
        return {"conversation_id" if self.stream == "conversation" else "space_id": self.space_id}

    @property
    def noun(self) -> str:
        return "conversation" if self.stream == "conversation" else "space"


@dataclass(frozen=True)
class Subscribe(_Target):
    space_id: int
    since: int | None
    stream: str = "space"


@dataclass(frozen=True)
class Unsubscribe(_Target):
    space_id: int
    stream: str = "space"


@dataclass(frozen=True)
class Typing:
    thread_id: int


@dataclass(frozen=True)
class Ping:
    pass


MAX_ID = 2**53


def _id(frame: dict, name: str, *, optional: bool = False, minimum: int = 1) -> int | None:
    value = frame.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= MAX_ID:
        need = "a non-negative integer" if minimum == 0 else "a positive integer"
        raise BadFrame("invalid", f"'{name}' must be {need}.", field=name)
    return value


def _only(frame: dict, allowed: set[str]) -> None:
    unknown = sorted(set(frame) - allowed - {"type"})
    if unknown:
        raise BadFrame("invalid", f"Unknown fields: {', '.join(unknown)}.", fields=unknown)


def _target(frame: dict) -> tuple[str, int]:
    """A space (`space_id`) or a direct conversation (`conversation_id`), exactly one of them."""
    if "conversation_id" in frame:
        if "space_id" in frame:
            raise BadFrame(
                "invalid", "Give space_id or conversation_id, not both.", fields=["space_id", "conversation_id"]
            )
        return "conversation", _id(frame, "conversation_id")
    return "space", _id(frame, "space_id")


def parse(text: str) -> Subscribe | Unsubscribe | Typing | Ping:
    try:
        frame = json.loads(text)
    except ValueError:
        raise BadFrame("malformed_json", "The frame is not valid JSON.") from None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise BadFrame("invalid", 'A frame is a JSON object with a "type".')
    kind = frame["type"]
    if kind == "subscribe":
        _only(frame, {"space_id", "conversation_id", "since"})
        stream, target = _target(frame)
        return Subscribe(target, _id(frame, "since", optional=True, minimum=0), stream)
    if kind == "unsubscribe":
        _only(frame, {"space_id", "conversation_id"})
        stream, target = _target(frame)
        return Unsubscribe(target, stream)
    if kind == "typing":
        _only(frame, {"thread_id"})
        return Typing(_id(frame, "thread_id"))
    if kind == "ping":
        _only(frame, set())
        return Ping()
    raise BadFrame("unknown_type", f"Unknown frame type {kind[:40]!r}.")
