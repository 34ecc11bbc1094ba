"""Credentials looked up a moment ago, kept in each node's memory and forgotten as soon as they change.

Every authenticated request reads its session or API token, with its user and the two-factor rule
of the user's city, in one statement (server/services/accounts.py): a round trip to PostgreSQL, most
of what `GET /api/me` cost beyond `/healthz` (issue 21). A node keeps each row it read for a short
while (CITYBRIDGE_CREDENTIAL_CACHE_SECONDS) and forgets a user's rows whenever anything about them
changes:

- on every node, by NOTIFY `citybridge_credentials`, which triggers on users, sessions, api_tokens
  and cities send when the changing transaction commits (migration 0034), whatever made the change:
  the app, an admin in psql, a restore;
- in this process, at the commit of an ORM session that changed one of those tables, before the
  writer's answer leaves: signing out and then knocking on the same node never meets the old session.

While the node's LISTEN connection is down nothing is served from the cache, and it starts empty
after every (re)connection; a connection that died without a word is found out by the listener's
health check within about 15 seconds (realtime/bus.py), which bounds how long it can miss a change.
What is left is the instant between a commit and its notification's arrival on another node (well
under a millisecond on one machine): a request there may still be let in, as that node's websockets
are still open in that instant (realtime's sign-out signal travels the same way).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
import weakref
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy.sql.elements import TextClause

from realtime.bus import Listener
from server.db import commit_watch
from server.db.engine import asyncpg_dsn
from server.db.models import ApiToken, City, Session, User
from server.observability.metrics import CREDENTIAL_LOOKUPS

CHANNEL = "citybridge_credentials"  # migration 0034's triggers; payload: a user id, or "*" for everyone
LISTENER_NAME = "citybridge-credential-listener"
SIZE = 10_000  # entries per process; the oldest goes first

_CACHES: weakref.WeakSet[CredentialCache] = weakref.WeakSet()
_HITS, _MISSES = CREDENTIAL_LOOKUPS.labels("hit"), CREDENTIAL_LOOKUPS.labels("miss")


@dataclass(slots=True)
class Entry:
    """One credential's row as its look-up statement returned it, and its user's id."""

    row: tuple
    user_id: int
    until: float  # time.monotonic() after which it is read again
    last_used_at: datetime | None  # as last written; accounts writes it again every few minutes


class CredentialCache:
    def __init__(self, seconds: float, size: int = SIZE) -> None:
        self.seconds = seconds
        self.size = size
        self.entries: dict[Hashable, Entry] = {}
        self.by_user: dict[int, set[Hashable]] = {}
        self.generation = 0
        self.connected: asyncio.Event | None = None  # the node's LISTEN connection is up
        _CACHES.add(self)

    @property
    def usable(self) -> bool:
        return self.seconds > 0 and self.connected is not None and self.connected.is_set()

    def get(self, key: Hashable) -> Entry | None:
        entry = self.entries.get(key) if self.usable else None
        if entry is not None and entry.until <= time.monotonic():
            self._drop(key)
            entry = None
        (_MISSES if entry is None else _HITS).inc()
        return entry

    def put(self, key: Hashable, generation: int, row: Any, user_id: int, last_used_at: datetime | None) -> None:
        """Keep a row read while the cache was at `generation`, unless anything changed since."""
        if not self.usable or generation != self.generation:
            return
        if key not in self.entries and len(self.entries) >= self.size:
            self._drop(next(iter(self.entries), None))  # the oldest
        self.entries[key] = Entry(tuple(row), user_id, time.monotonic() + self.seconds, last_used_at)
        self.by_user.setdefault(user_id, set()).add(key)

    def forget(self, user_id: int) -> None:
        self.generation += 1  # a look-up in flight may have read the row before the change
        for key in self.by_user.pop(user_id, ()):
            self.entries.pop(key, None)

    def clear(self) -> None:
        self.generation += 1
        self.entries.clear()
        self.by_user.clear()

    def _drop(self, key: Hashable) -> None:
        # Tolerates a key gone meanwhile: a commit in another thread (tests run servers in threads)
        # may have emptied the cache (_forget_everyone below).
        entry = self.entries.pop(key, None)
        if entry is None:
            return
        keys = self.by_user.get(entry.user_id)
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self.by_user[entry.user_id]


def _on_payload(cache: CredentialCache, _channel: str, payload: str) -> None:
    if payload.isdigit():
        cache.forget(int(payload))
    else:
        cache.clear()  # "*", or anything this version does not know: forget everyone


@contextlib.asynccontextmanager
async def running(app, database_url: str):
    """The app's credential cache, and the LISTEN connection that keeps it true."""
    cache = CredentialCache(app.state.settings.credential_cache_seconds)
    app.state.credentials = cache
    if cache.seconds <= 0:
        yield cache
        return
    dsn = asyncpg_dsn(database_url)
    listener = Listener(
        dsn,
        lambda channel, payload: _on_payload(cache, channel, payload),
        cache.clear,  # notifications sent while the connection was down are lost
        channels=(CHANNEL,),
        name=LISTENER_NAME,
    )
    cache.connected = listener.connected
    async with listener.running():
        yield cache


# --- this process's own changes, forgotten at their commit ----------------------------------------

_MODELS = (User, Session, ApiToken, City)
_TABLES = frozenset(model.__tablename__ for model in _MODELS)
_TEXT_WRITE = re.compile(
    r"\b(?:update|delete\s+from|truncate(?:\s+table)?)\s+(?:only\s+)?(?:users|sessions|api_tokens|cities)\b", re.I
)


def _flushed(session) -> bool:
    return any(isinstance(instance, _MODELS) for instance in chain(session.dirty, session.deleted))


def _executed(state) -> bool:
    statement = state.statement
    table = getattr(statement, "table", None)  # update(), delete(), insert()
    return getattr(table, "name", None) in _TABLES or (
        isinstance(statement, TextClause) and bool(_TEXT_WRITE.search(statement.text))
    )


def _forget_everyone() -> None:
    for cache in list(_CACHES):
        cache.clear()


commit_watch.watch("credentials_changed", flushed=_flushed, executed=_executed, committed=_forget_everyone)
