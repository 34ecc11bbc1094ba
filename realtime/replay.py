"""A subscription's way to live delivery (docs/realtime.md, "Resume: no gap, no duplicate").

The subscription is registered with its stream before anything here runs, so every event is either
in what the replay reads (the stream's memory, or pages of the table after `since`) or dispatched
into the subscription's buffer meanwhile. `sync` checks the right to read, replays, flushes the
buffer (skipping ids already sent) and turns the subscription live; an event that may revoke the
right on the way sends it round again."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from realtime import log as changelog
from realtime.protocol import dumps, error
from realtime.revocation import revokes
from server.services.access import standing_allows
from server.services.conversations import is_participant

if TYPE_CHECKING:
    from realtime.connection import Sub
    from realtime.hub import Hub
    from realtime.log import Event, StreamKey
    from realtime.stream import Stream

log = logging.getLogger("citybridge.realtime")


async def sync(hub: Hub, sub: Sub) -> None:
    try:
        while sub.active:
            try:
                if await _sync_once(hub, sub):
                    return
            except Exception as failure:
                if not sub.active:
                    return
                log.warning("realtime: subscription sync failed, retrying: %s", failure)
                sub.buffer = []
                await asyncio.sleep(1)
    finally:
        sub.syncing = False


def send(sub: Sub, events: list[Event]) -> None:
    """Send the events after the subscriber's position, in order, up to and including one that may
    revoke its right to read (then sub.recheck is set)."""
    conn = sub.conn
    for event in events:
        if event.id <= sub.pos:
            continue
        sub.pos = event.id
        conn.enqueue(event.frame, event.wire)
        if event.data is not None and revokes(sub, event):
            sub.recheck = True
            return


async def _sync_once(hub: Hub, sub: Sub) -> bool:
    """Check access, replay, flush the buffer and go live. False means: go round again."""
    key = sub.key
    sub.recheck = False
    if key[0] == "space" and not await _may_read(hub, sub):
        return True
    if key[0] == "conversation" and not await _may_follow(hub, sub):
        return True
    stream = hub.streams[key]
    await stream.ready.wait()
    stream = hub.streams.get(key)
    if not sub.active or stream is None:
        return True
    if not stream.ready.is_set():  # replaced and being checked again
        return False
    if sub.pos is None:
        sub.pos = stream.cursor
    if not await _replay(hub, sub, stream):
        return True
    if sub.recheck or sub.buffer is None:
        sub.buffer = []
        return False
    send(sub, sub.buffer)
    sub.buffer = []
    if sub.recheck:
        return False
    if not sub.active:
        return True
    sub.live, sub.buffer = True, None
    if not sub.present:
        sub.present = True
        sub.conn.enqueue(dumps({"type": "subscribed", **stream_field(key), "last_id": sub.pos}))
        if key[0] == "space":
            hub.presence.join(key[1], sub.conn)
    return True


async def _may_read(hub: Hub, sub: Sub) -> bool:
    """server.services.access.can_read, batched; a subscriber that may not read is removed and told.
    False when the subscription ended."""
    conn, space_id = sub.conn, sub.key[1]
    readable, via_membership = standing_allows(await hub.standings.get((conn.user_id, space_id)))
    if not sub.active:
        return False
    if not readable:
        hub.remove(sub)
        if sub.present:
            conn.enqueue(dumps({"type": "unsubscribed", "space_id": space_id, "reason": "access_revoked"}))
        else:
            conn.enqueue(error("not_found", "No such space.", space_id=space_id))
        return False
    sub.via_membership = via_membership
    return True


async def _may_follow(hub: Hub, sub: Sub) -> bool:
    """Only a current participant follows a conversation (server.services.conversations); anyone
    else is removed and told, as for a space. False when the subscription ended."""
    conn, conversation_id = sub.conn, sub.key[1]
    allowed = await is_participant(hub.pool, conn.user_id, conversation_id)
    if not sub.active:
        return False
    if not allowed:
        hub.remove(sub)
        if sub.present:
            conn.enqueue(dumps({"type": "unsubscribed", **stream_field(sub.key), "reason": "access_revoked"}))
        else:
            conn.enqueue(error("not_found", "No such conversation.", conversation_id=conversation_id))
        return False
    return True


async def _replay(hub: Hub, sub: Sub, stream: Stream) -> bool:
    """Send everything after sub.pos: from the stream's memory when it holds all of it (no query, no
    horizon to check: nothing is missing), else from the table, page by page, no faster than the
    socket drains. False when the subscription ended meanwhile."""
    conn = sub.conn
    page = max(1, min(hub.settings.replay_page, hub.settings.queue_frames // 2))
    while True:
        events = stream.since(sub.pos)
        if events is not None and len(events) < conn.room():
            sub.resume = False
            send(sub, events)
            return True
        while conn.room() < page and sub.active:  # noqa: ASYNC110 - the socket drains on its own; no event to wait on
            await asyncio.sleep(0.02)
        events = await changelog.page(hub.pool, sub.key, sub.pos, page)
        if sub.resume:
            sub.resume = False
            events = await _past_horizon(hub, sub, events)
        if not sub.active:
            return False
        send(sub, events)
        if sub.recheck or len(events) < page:
            return True


async def _past_horizon(hub: Hub, sub: Sub, events: list[Event]) -> list[Event]:
    """A resume from before the pruned horizon (or after the newest event) gets `reset` and goes on
    from the stream's newest event. The horizon is read after the page: pruning commits the horizon
    and the delete together, so a page that missed pruned rows is always caught here."""
    pruned, newest = await changelog.horizon(hub.pool)
    if pruned <= sub.pos <= newest:
        return events
    reason = "resume_gap" if sub.pos < pruned else "unknown_position"
    sub.pos = await changelog.latest(hub.pool, sub.key)
    sub.conn.enqueue(
        dumps(
            {
                "type": "reset",
                **stream_field(sub.key),
                "reason": reason,
                "last_id": sub.pos,
                "message": "Events after your position are no longer kept: refetch, then continue after last_id.",
            }
        )
    )
    return [event for event in events if event.id > sub.pos]


def stream_field(key: StreamKey) -> dict:
    if key[0] == "conversation":
        return {"conversation_id": key[1]}
    return {"space_id": key[1]} if key[0] == "space" else {"notifications": True}
