"""Everything mail reads from the change log, in one place.

The change log's kinds and payloads are being declared in a registry (server/events.py); when it
lands, this module is the only one to switch to it."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Posted:
    """A message was posted: who may be told about it."""

    message_id: int
    thread_id: int
    space_id: int
    author_id: int | None
    mentions: tuple[int, ...]


def read(kind: str, data) -> Posted | None:
    """What the notifier acts on in one event; None for every kind it ignores."""
    if kind != "message.created":
        return None
    if isinstance(data, str):
        data = json.loads(data)
    author = data.get("author") or {}
    return Posted(
        message_id=int(data["id"]),
        thread_id=int(data["thread_id"]),
        space_id=int(data["space_id"]),
        author_id=author.get("id"),
        mentions=tuple(int(u) for u in data.get("mentions") or ()),
    )


KINDS = ("message.created",)  # the kinds read() acts on: the notifier fetches only these
