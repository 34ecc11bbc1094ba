"""The change log as tests see it: the events a piece of work appended, each read back through its
declared kind (server/events.py), so a test also fails if a service writes a payload the registry
does not describe."""

from __future__ import annotations

import json

import asyncpg

from server import events
from server.db.engine import asyncpg_dsn

_ROWS = "SELECT id, space_id, user_id, kind, data::text AS data FROM events WHERE id > $1 ORDER BY id"


async def appended(database_url: str, *, after: int = 0, space_id: int | None = None, kind: str | None = None):
    """Events after id `after` (of one space, of one kind, if given) in id order, as dicts with
    id, space_id, user_id, kind, data (the JSON object) and payload (the declared instance)."""
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        rows = await conn.fetch(_ROWS, after)
    finally:
        await conn.close()
    found = []
    for row in rows:
        if (space_id is not None and row["space_id"] != space_id) or (kind is not None and row["kind"] != kind):
            continue
        data = json.loads(row["data"])
        found.append({**row, "data": data, "payload": events.parse(row["kind"], data)})
    return found


async def newest(database_url: str) -> int:
    """The id of the newest event (0 for an empty log): pass it as `after` to see what work appends."""
    return max([e["id"] for e in await appended(database_url)], default=0)


class Capture:
    """`async with Capture(database_url) as log:` ... then `log.events`: what the block appended."""

    def __init__(self, database_url: str, **filters) -> None:
        self.database_url, self.filters, self.events = database_url, filters, []

    async def __aenter__(self) -> Capture:
        self.start = await newest(self.database_url)
        return self

    async def __aexit__(self, *exc) -> None:
        if exc[0] is None:
            self.events = await appended(self.database_url, after=self.start, **self.filters)

    def kinds(self) -> list[str]:
        return [e["kind"] for e in self.events]
