"""Reading the change log: the batched fetch behind live delivery, and the pages behind resume."""

from __future__ import annotations

import json
from dataclasses import dataclass

import asyncpg

from realtime.protocol import event_frame, wire
from server import events


# Kinds after which a subscriber's right to read the space may have to be checked again: any
# change of someone's membership (removed, updated, suspended, refused, ...) and of the space.
# In a conversation, a participant leaving ends their right to read it.
def revoking(kind: str) -> bool:
    return kind.startswith("member.") or kind in ("space.updated", "conversation.left")


StreamKey = tuple[str, int]  # ("space", space_id), ("user", user_id) or ("conversation", conversation_id)

_COLUMNS = "id, space_id, user_id, conversation_id, kind, data::text AS data"

_FETCH = f"""
SELECT e.* FROM unnest($1::bigint[], $2::bigint[]) AS c(space_id, after)
CROSS JOIN LATERAL (
    SELECT {_COLUMNS} FROM events
    WHERE events.space_id = c.space_id AND events.id > c.after ORDER BY id LIMIT $5
) e
UNION ALL
SELECT e.* FROM unnest($3::bigint[], $4::bigint[]) AS c(user_id, after)
CROSS JOIN LATERAL (
    SELECT {_COLUMNS} FROM events
    WHERE events.user_id = c.user_id AND events.space_id IS NULL AND events.id > c.after ORDER BY id LIMIT $5
) e
UNION ALL
SELECT e.* FROM unnest($6::bigint[], $7::bigint[]) AS c(conversation_id, after)
CROSS JOIN LATERAL (
    SELECT {_COLUMNS} FROM events
    WHERE events.conversation_id = c.conversation_id AND events.id > c.after ORDER BY id LIMIT $5
) e
ORDER BY id
"""

_PAGE = {
    "space": f"SELECT {_COLUMNS} FROM events WHERE space_id = $1 AND id > $2 ORDER BY id LIMIT $3",
    "user": f"SELECT {_COLUMNS} FROM events WHERE user_id = $1 AND space_id IS NULL AND id > $2 ORDER BY id LIMIT $3",
    "conversation": f"SELECT {_COLUMNS} FROM events WHERE conversation_id = $1 AND id > $2 ORDER BY id LIMIT $3",
}
_LATEST = {
    "space": "SELECT coalesce(max(id), 0) FROM events WHERE space_id = $1",
    "user": "SELECT coalesce(max(id), 0) FROM events WHERE user_id = $1 AND space_id IS NULL",
    "conversation": "SELECT coalesce(max(id), 0) FROM events WHERE conversation_id = $1",
}


@dataclass(slots=True)
class Event:
    id: int
    key: StreamKey
    kind: str
    frame: str  # the JSON text frame, encoded once for every recipient
    data: events.Event | None  # the declared payload, parsed only for kinds that may revoke access (see revoking())
    wire: bytes  # the same as a complete websocket frame, written as is to every socket


def _event(row) -> Event:
    space_id, user_id, conversation_id, kind = row["space_id"], row["user_id"], row["conversation_id"], row["kind"]
    if conversation_id is not None:
        key: StreamKey = ("conversation", conversation_id)
    else:
        key = ("space", space_id) if space_id is not None else ("user", user_id)
    data = events.parse(kind, json.loads(row["data"])) if revoking(kind) else None
    frame = event_frame(row["id"], space_id, user_id, kind, row["data"], conversation_id)
    return Event(row["id"], key, kind, frame, data, wire(frame))


async def fetch(pool: asyncpg.Pool, cursors: dict[StreamKey, int], limit: int) -> list[Event]:
    """Every stream's events after its cursor (at most `limit` each), in id order."""
    spaces = [(k[1], after) for k, after in cursors.items() if k[0] == "space"]
    users = [(k[1], after) for k, after in cursors.items() if k[0] == "user"]
    conversations = [(k[1], after) for k, after in cursors.items() if k[0] == "conversation"]
    rows = await pool.fetch(
        _FETCH,
        [s for s, _ in spaces],
        [a for _, a in spaces],
        [u for u, _ in users],
        [a for _, a in users],
        limit,
        [c for c, _ in conversations],
        [a for _, a in conversations],
    )
    return [_event(row) for row in rows]


async def page(pool: asyncpg.Pool, key: StreamKey, after: int, limit: int) -> list[Event]:
    return [_event(row) for row in await pool.fetch(_PAGE[key[0]], key[1], after, limit)]


async def latest(pool: asyncpg.Pool, key: StreamKey) -> int:
    return await pool.fetchval(_LATEST[key[0]], key[1])


async def latest_and_epoch(pool: asyncpg.Pool, key: StreamKey) -> tuple[int, int]:
    """The stream's newest id, and the events table's file node: it changes when the table is
    emptied (TRUNCATE, as tests do between cases) or rewritten, i.e. when ids may start over."""
    row = await pool.fetchrow(f"SELECT ({_LATEST[key[0]]}) AS latest, pg_relation_filenode('events') AS epoch", key[1])
    return row["latest"], row["epoch"]


async def horizon(pool: asyncpg.Pool) -> tuple[int, int]:
    """(pruned_through, newest id): a resume point must lie between them."""
    row = await pool.fetchrow(
        "SELECT coalesce((SELECT pruned_through FROM changelog_horizon WHERE id = 1), 0) AS pruned,"
        " coalesce((SELECT max(id) FROM events), 0) AS newest"
    )
    return row["pruned"], max(row["pruned"], row["newest"])


async def thread_space(pool: asyncpg.Pool, thread_id: int) -> int | None:
    return await pool.fetchval("SELECT space_id FROM threads WHERE id = $1", thread_id)
