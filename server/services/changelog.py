"""Append events to the change log, in the same transaction as the rows they describe."""

from __future__ import annotations

import json

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db import driver

NOTIFY_CHANNEL = "citybridge_events"
SIGNALS_CHANNEL = "citybridge_signals"  # realtime's ephemeral signals (realtime/bus.py)
_SPACE_LOCK, _USER_LOCK, _CONVERSATION_LOCK = 1, 2, 3

# One round trip: the advisory lock is taken in the row source, so the id (the column default,
# evaluated when the row is inserted) is drawn while the lock is held; the NOTIFY rides along.
_RECORD = """
WITH e AS (
    INSERT INTO events (space_id, user_id, conversation_id, kind, data)
    SELECT $1::integer, $2::integer, $3::integer, $4::varchar, $5::jsonb
    FROM (SELECT pg_advisory_xact_lock($6::integer, $7::integer)) AS held
    RETURNING id, created_at
)
SELECT id, created_at,
       pg_notify($8::text, json_build_object('id', id, 'space_id', $1::integer, 'user_id', $2::integer,
                                             'conversation_id', $3::integer)::text)
FROM e
"""


# The earlier events of a space (or of a conversation) that show something of one item: those whose
# payload is the item's (data.id), lists it (data.<field> holds its id) or quotes it (data.<field>.id
# is its id). Which kinds and fields: server/events/.
_CARRIERS_SQL = """
SELECT id, kind, data FROM events
WHERE {stream} = :stream_id AND id < :before AND kind = ANY(CAST(:kinds AS text[]))
  AND (data -> 'id' = CAST(:item AS jsonb)
       OR EXISTS (SELECT 1 FROM unnest(CAST(:lists AS text[])) AS f WHERE data -> f @> CAST(:item AS jsonb))
       OR EXISTS (SELECT 1 FROM unnest(CAST(:quotes AS text[])) AS q WHERE data -> q -> 'id' = CAST(:item AS jsonb)))
"""
_CARRIERS = {column: text(_CARRIERS_SQL.format(stream=column)) for column in ("space_id", "conversation_id")}
_REWRITE = text("UPDATE events SET data = CAST(:data AS jsonb) WHERE id = :id")


async def record(
    db: AsyncSession,
    event: events.Event,
    *,
    space_id: int | None = None,
    user_id: int | None = None,
    conversation_id: int | None = None,
) -> int:
    """Append one event for a space (or, with user_id only, for one user; with conversation_id only,
    for one direct conversation).

    The transaction-scoped advisory lock makes events of one space (or one user)
    commit in id order, so a reader that has seen id N of a space never later
    finds a smaller id appear there: resuming "after N" loses nothing. The
    NOTIFY on `citybridge_events` is delivered only if the transaction commits.
    A kind that redacts (server/events.py) rewrites the earlier events of its item here, in the
    same transaction: the log never serves what the API no longer shows. Returns the event's id.
    """
    kind = event.KIND
    if events.KINDS.get(kind) is not type(event):
        raise ValueError(f"undeclared event kind {kind!r}: declare it in server/events.py")
    if event.STREAM == "conversation":
        wrong = conversation_id is None or space_id is not None or user_id is not None
    else:
        wrong = conversation_id is not None or (
            (space_id is None) if event.STREAM == "space" else (user_id is None or space_id is not None)
        )
    if wrong:
        raise ValueError(f"{kind} belongs to a {event.STREAM}'s stream")
    data = event.data()
    if conversation_id is not None:
        lock_class, lock_key = _CONVERSATION_LOCK, conversation_id
    else:
        lock_class, lock_key = (_SPACE_LOCK, space_id) if space_id is not None else (_USER_LOCK, user_id)
    # Straight to asyncpg: this statement is on every write's path (server/db/driver.py).
    raw = await driver.connection(db)
    row = await raw.fetchrow(
        _RECORD, space_id, user_id, conversation_id, kind, _json(data), lock_class, lock_key, NOTIFY_CHANNEL
    )
    if event.REDACTS is not None:
        stream = ("conversation_id", conversation_id) if conversation_id is not None else ("space_id", space_id)
        await _redact(db, stream, event.REDACTS, data["id"], row["id"])
    return row["id"]


def _json(data: dict) -> str:
    """The event's data as JSON text for its jsonb column (orjson: the stdlib encoder was an eighth of
    recording an event)."""
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()


async def _redact(db: AsyncSession, stream: tuple[str, int], item: str, item_id: int, before: int) -> None:
    lists = sorted({c.LISTS[1] for c in events.KINDS.values() if c.LISTS is not None and c.LISTS[0] == item})
    quoting = sorted({c.QUOTES[1] for c in events.KINDS.values() if c.QUOTES is not None and c.QUOTES[0] == item})
    params = {"stream_id": stream[1], "before": before, "kinds": events.carriers(item), "item": str(item_id)}
    for row in await db.execute(_CARRIERS[stream[0]], {**params, "lists": lists, "quotes": quoting}):
        data = json.loads(row.data) if isinstance(row.data, str) else row.data
        redacted = events.redaction_of(row.kind, data, item, item_id)
        if redacted is not None and redacted != data:
            await db.execute(_REWRITE, {"id": row.id, "data": _json(redacted)})


async def signal_sign_out(db: AsyncSession, user_id: int, credential: str | None, reason: str) -> None:
    """Tell every realtime node, once this transaction commits, to close the user's sockets that
    signed in with `credential` (the stored token hash of a session or API token), or all of the
    user's sockets when it is None."""
    payload = json.dumps(
        {"k": "kick", "user_id": user_id, "credential": credential[:16] if credential else None, "reason": reason}
    )
    await db.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": SIGNALS_CHANNEL, "payload": payload})
