"""Everything mail reads from the change log, in one place.

The kinds and their payloads are declared in server/events.py; this module reads them through it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from server import events


@dataclass(frozen=True)
class Posted:
    """A message was posted: who may be told about it."""

    message_id: int
    thread_id: int
    space_id: int
    author_id: int | None
    mentions: tuple[int, ...]


@dataclass(frozen=True)
class Direct:
    """A direct message was posted in a conversation: its other participants may be told."""

    message_id: int
    conversation_id: int
    author_id: int | None


def read(kind: str, data) -> Posted | Direct | None:
    """What the notifier acts on in one event; None for every kind it ignores."""
    if kind == events.DirectMessageCreated.KIND:
        direct = events.parse(kind, json.loads(data) if isinstance(data, str) else data)
        assert isinstance(direct, events.DirectMessageCreated)
        author = direct.author["id"] if direct.author else None
        return Direct(message_id=direct.id, conversation_id=direct.conversation_id, author_id=author)
    if kind != events.MessageCreated.KIND:
        return None
    posted = events.parse(kind, json.loads(data) if isinstance(data, str) else data)
    assert isinstance(posted, events.MessageCreated)
    return Posted(
        message_id=posted.id,
        thread_id=posted.thread_id,
        space_id=posted.space_id,
        author_id=posted.author["id"] if posted.author else None,
        mentions=tuple(posted.mentions),
    )


# The kinds read() acts on: the notifier fetches only these.
KINDS = (events.MessageCreated.KIND, events.DirectMessageCreated.KIND)
