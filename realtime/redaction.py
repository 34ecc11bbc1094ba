"""Redaction of the events a realtime node keeps in memory.

When a message or resource is hidden, deleted or edited, `changelog.record` rewrites the earlier
events that show its content in the log, in the same transaction (the rule is declared in
server/events.py). A node also keeps each followed stream's latest events in memory, encoded once,
to resume subscribers without a query: those copies get the same rewrite when the redacting event
arrives, so a later `subscribe` with `since` never replays what the log no longer holds.
"""

from __future__ import annotations

import json

from realtime.log import Event
from realtime.protocol import event_frame, wire
from server import events


def apply(recent: list[Event], arrived: list[Event]) -> None:
    """Rewrite, in `recent` (a stream's remembered events, in id order), the events older than each
    redacting event of `arrived` that show its item. In place: a subscriber's catch-up buffer may
    hold the same objects, and must not deliver the old text either."""
    for event in arrived:
        declared = events.KINDS.get(event.kind)
        if declared is None or declared.REDACTS is None:
            continue
        item, item_id = declared.REDACTS, json.loads(event.frame)["data"]["id"]
        carriers = set(events.carriers(item))
        for old in recent:
            if old.id >= event.id:
                break
            if old.kind in carriers:
                _rewrite(old, item, item_id)


def _rewrite(old: Event, item: str, item_id: int) -> None:
    data = json.loads(old.frame)["data"]
    redacted = events.redaction_of(old.kind, data, item, item_id)
    if redacted is None or redacted == data:
        return
    stream, stream_id = old.key
    space_id, user_id = (stream_id, None) if stream == "space" else (None, stream_id if stream == "user" else None)
    conversation_id = stream_id if stream == "conversation" else None
    old.frame = event_frame(old.id, space_id, user_id, old.kind, json.dumps(redacted), conversation_id)
    old.wire = wire(old.frame)
    if old.data is not None:
        old.data = events.parse(old.kind, redacted)
