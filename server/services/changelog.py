"""Append events to the change log, in the same transaction as the rows they describe."""

from __future__ import annotations

import functools
import json

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db import driver

SIGNALS_CHANNEL = "citybridge_signals"  # realtime's ephemeral signals (realtime/bus.py)

# One round trip, with a provisional (negative) id. The event takes its stream's turn when the
# transaction commits (migration 0032's deferred trigger events_take_turn): under the stream's
# transaction-scoped advisory lock (classes 1 space, 2 user, 3 conversation) it gets its id from
# events_id_seq and NOTIFYs `citybridge_events`. That lock is held only while the commit finishes,
# not from the insert through the rest of the request and the COMMIT's round trip (issue 21).
#
# Redaction needs one more lock, the stream's gate (classes 11, 12, 13), taken here in the row source
# and held to the end of the transaction: shared by every event, exclusive by a kind that redacts.
# So a redacting event waits until every event already written in its stream has committed, and
# its rewrite (_redact) sees them all; an event written after it waits until it has committed.
_ORDER_CLASS = {"space": 1, "user": 2, "conversation": 3}
_GATE_CLASS = {stream: 10 + order for stream, order in _ORDER_CLASS.items()}


@functools.cache  # one text per kind of gate and `along` statement: asyncpg prepares each once
def _record_sql(gate: str, along: str = "", offset: int = 0) -> str:
    """The event's INSERT; with `along` (an INSERT that returns the row's `id`), behind it in one
    statement, its parameters first: the event is written only if `along` wrote its row, and the
    gate is taken after that row, as when the two were statements of their own."""
    p = [f"${offset + n}" for n in range(1, 8)]
    lock = f"SELECT {gate}({p[5]}::integer, {p[6]}::integer)"
    source = f"item CROSS JOIN LATERAL ({lock} WHERE item.id IS NOT NULL)" if along else f"({lock})"
    return f"""{f"WITH item AS ({along})" if along else ""}
INSERT INTO events (space_id, user_id, conversation_id, kind, data)
SELECT {p[0]}::integer, {p[1]}::integer, {p[2]}::integer, {p[3]}::varchar, {p[4]}::jsonb
FROM {source} AS gate
RETURNING id"""


# The earlier events of a space (or of a conversation) that show something of one item: those whose
# payload is the item's (data.id), lists it (data.<field> holds its id) or quotes it (data.<field>.id
# is its id). Which kinds and fields: server/events/.
_CARRIERS_SQL = """
SELECT id, kind, data FROM events
WHERE {stream} = :stream_id AND id <> :this AND kind = ANY(CAST(:kinds AS text[]))
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
) -> None:
    """Append one event for a space (or, with user_id only, for one user; with conversation_id only,
    for one direct conversation).

    The event gets its id when the transaction commits, under its stream's advisory lock (see
    _record_sql), so events of one space (one user, one conversation) commit in id order: a reader
    that has seen id N of a space never later finds a smaller id appear there, and resuming
    "after N" loses nothing. The NOTIFY on `citybridge_events` is sent only if the transaction
    commits. A kind that redacts (server/events.py) rewrites the earlier events of its item here,
    in the same transaction: the log never serves what the API no longer shows.
    """
    provisional = await _insert(db, event, space_id, user_id, conversation_id)
    if event.REDACTS is not None:
        stream = ("conversation_id", conversation_id) if conversation_id is not None else ("space_id", space_id)
        await _redact(db, stream, event.REDACTS, event.data()["id"], provisional)


async def record_along(
    db: AsyncSession, event: events.Event, along: str, args: list, *, space_id: int | None = None, alone: bool = False
) -> bool:
    """Write a row with `along` (an INSERT that returns a row when it writes one, its parameters
    `args`) and the event that tells of it, in one statement and one round trip (a message's post:
    issue 21). False, and no event, when `along` wrote nothing (ON CONFLICT DO NOTHING). Only for a
    space's events that redact nothing. `alone`: outside the session's transaction if it has not
    begun one, the statement being its own (row, event and the event's turn at its commit)."""
    if event.REDACTS is not None or event.STREAM != "space":
        raise ValueError(f"{event.KIND}: only a space's non-redacting events are recorded along a row")
    return await _insert(db, event, space_id, None, None, along, args, alone) is not None


async def _insert(
    db: AsyncSession,
    event: events.Event,
    space_id: int | None,
    user_id: int | None,
    conversation_id: int | None,
    along: str = "",
    args: list | tuple = (),
    alone: bool = False,
) -> int | None:
    """The event's row with its provisional id (after `along`'s row, if given); `alone`: record_along."""
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
    # Straight to asyncpg: this statement is on every write's path (server/db/driver.py).
    # Alone only with nothing pending: connection_as_is does not flush the session's ORM rows first,
    # and a row written before them could not refer to them.
    alone = alone and not (db.new or db.dirty or db.deleted)
    raw = await (driver.connection_as_is(db) if alone else driver.connection(db))
    key = {"space": space_id, "user": user_id, "conversation": conversation_id}[event.STREAM]
    gate = "pg_advisory_xact_lock_shared" if event.REDACTS is None else "pg_advisory_xact_lock"
    statement = _record_sql(gate, along, len(args))
    return await raw.fetchval(
        statement, *args, space_id, user_id, conversation_id, kind, _json(event.data()), _GATE_CLASS[event.STREAM], key
    )


def _json(data: dict) -> str:
    """The event's data as JSON text for its jsonb column (orjson: the stdlib encoder was an eighth of
    recording an event)."""
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode()


async def _redact(db: AsyncSession, stream: tuple[str, int], item: str, item_id: int, this: int) -> None:
    lists = sorted({c.LISTS[1] for c in events.KINDS.values() if c.LISTS is not None and c.LISTS[0] == item})
    quoting = sorted({c.QUOTES[1] for c in events.KINDS.values() if c.QUOTES is not None and c.QUOTES[0] == item})
    params = {"stream_id": stream[1], "this": this, "kinds": events.carriers(item), "item": str(item_id)}
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
