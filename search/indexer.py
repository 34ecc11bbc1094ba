"""The indexer: tails the change log into the search engine.

One node indexes each index at a time: the leader holds a session advisory lock on its own
connection, and the others stay idle until it goes away. The position in the log is kept in
`search_indexer_state`, so a restart or an engine outage only delays indexing.

Ids come from a sequence, so a transaction can take id 100 and commit after another one has
committed 101. The indexer applies every event it can see at once, but it only moves its
stored position past a missing id once every transaction that was in flight when the hole
was seen has ended; then it reads the hole again (the event has committed, or never will).
See docs/search.md.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import socket
import time
from collections.abc import Callable
from typing import Protocol

import asyncpg

from search.documents import Loader, Targets
from search.engine import Document, Engine, EngineUnavailable
from server.background import BackgroundWorker
from server.db.engine import asyncpg_dsn

try:  # the app's metrics; the indexer also runs without the server package (citybridge reindex, bench)
    from server.observability.metrics import INDEXER_LAG
except ImportError:  # pragma: no cover
    INDEXER_LAG = None

log = logging.getLogger("citybridge.search")

NOTIFY_CHANNEL = "citybridge_events"
_LOCK_CLASS = 3  # changelog.py uses 1 (spaces) and 2 (users)


def index_name(engine: Engine) -> str:
    """The state row of an index. An embedded index lives on one host; Meilisearch is shared."""
    if engine.name == "tantivy":
        name = f"tantivy:{socket.gethostname()}:{engine.path}"
    else:
        name = f"meilisearch:{engine.url}/{engine.uid}"
    return name if len(name) <= 200 else name[:150] + hashlib.sha256(name.encode()).hexdigest()[:40]


def lock_key(name: str) -> tuple[int, int]:
    digest = int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big", signed=True)
    return _LOCK_CLASS, digest


async def in_progress(conn: asyncpg.Connection, xids: list[str]) -> bool:
    if not xids:
        return False
    return await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM unnest($1::text[]) x WHERE pg_xact_status(x::xid8) = 'in progress')", xids
    )


async def running_xids(conn: asyncpg.Connection) -> list[str]:
    return await conn.fetchval(
        "SELECT coalesce(array_agg(x::text), '{}') FROM pg_snapshot_xip(pg_current_snapshot()) x"
    )


async def settled_high_water(conn: asyncpg.Connection) -> int:
    """The largest event id such that every event up to it has committed or never will."""
    high = await conn.fetchval("SELECT coalesce(max(id), 0) FROM events")
    xids = await running_xids(conn)
    waited = time.monotonic()
    while await in_progress(conn, xids):
        if time.monotonic() - waited > 30:
            log.warning("search rebuild is waiting for long-running transactions to end")
            waited = time.monotonic()
        await asyncio.sleep(0.05)
    return high


async def rebuild(
    conn: asyncpg.Connection,
    engine: Engine,
    name: str,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 2000,
    copies: Copies | None = None,
) -> int:
    """Empty the index and fill it from the tables; returns the log position it is good up to.
    `progress(rows_done, rows_total)` is called after each batch."""
    await engine.clear()
    generation = await engine.generation()
    position = await settled_high_water(conn)
    loader = Loader(conn)
    total = await loader.count()
    done = 0
    if progress:
        progress(0, total)
    async for rows, documents in loader.scan(batch):
        await engine.upsert(documents, commit=False)
        done += rows
        if done % (10 * batch) < batch:
            await engine.commit()
        if progress:
            progress(done, total)
    await engine.commit()
    await sync_copies(engine, copies)
    await conn.execute(
        """INSERT INTO search_indexer_state (name, position, generation, rebuild_requested, updated_at)
           VALUES ($1, $2, $3, false, now())
           ON CONFLICT (name) DO UPDATE SET position = $2, generation = $3, rebuild_requested = false,
                                            updated_at = now()""",
        name,
        position,
        generation,
    )
    log.info("search index rebuilt: %d rows, up to event %d", done, position)
    return position


class Copies(Protocol):
    """Documents that are copies of what some other rule decides, rebuilt whole when an event may have
    changed them: the public knowledge base's pages (server/public/search_index.py). The indexer
    only asks; the rules stay with their owner."""

    kinds: tuple[str, ...]

    async def relevant(self, events: list[tuple[str, dict]]) -> bool: ...

    async def documents(self) -> list[Document]: ...


async def sync_copies(engine: Engine, copies: Copies | None) -> None:
    if copies is not None:
        await engine.replace_kinds(copies.kinds, await copies.documents())


class _StateLost(Exception):
    """The state row vanished or changed under us: start over with a rebuild."""


class Indexer(BackgroundWorker):
    task_name = "search-indexer"

    def __init__(
        self,
        engine: Engine,
        database_url: str,
        *,
        batch: int = 1000,
        poll_seconds: float = 1.0,
        standby_seconds: float = 5.0,
        pace_seconds: float = 0.25,
        copies: Copies | None = None,
    ) -> None:
        self.engine = engine
        self.copies = copies
        self.dsn = asyncpg_dsn(database_url)
        self.batch = batch
        self.poll_seconds = poll_seconds
        self.standby_seconds = standby_seconds
        # Rounds start at most this often: under a stream of posts, one commit (segment files, fsync,
        # reload, later merges) per quarter second instead of one per event, which cost a third of the
        # server's CPU per post (bench/realtime.py throughput). After a quiet spell, the first event is
        # indexed at once.
        self.pace_seconds = pace_seconds
        self.name = index_name(engine)
        super().__init__()
        self.read_upto = 0
        self.gaps: dict[int, list[str]] = {}
        self._wake = asyncio.Event()
        self._opened = False
        # Why the last round failed (engine or database), None once a round succeeds: /readyz reports it.
        self.last_error: str | None = None

    # --- lifecycle ---------------------------------------------------------------

    async def lead(self) -> None:
        if not self._opened:
            await self.engine.open()
            self._opened = True
        await self._lead()

    def failed(self, error: Exception) -> None:
        self.last_error = f"{type(error).__name__}: {error}"

    async def _lead(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        try:
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", *lock_key(self.name)):
                self.is_leader = False
                await asyncio.sleep(self.standby_seconds)
            self.is_leader = True
            await conn.add_listener(NOTIFY_CHANNEL, lambda *_: self._wake.set())
            self.read_upto, self.gaps = 0, {}
            failures = 0
            loop = asyncio.get_running_loop()
            last_round = -self.pace_seconds
            while True:
                wait = last_round + self.pace_seconds - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                last_round = loop.time()
                try:
                    busy = await self.step(conn)
                    failures = 0
                    self.last_error = None
                except EngineUnavailable as error:
                    self.last_error = str(error)
                    failures += 1
                    delay = min(30.0, 0.25 * 2 ** min(failures, 7))
                    log.warning("search engine unavailable (%s); retrying in %.1fs", error, delay)
                    await asyncio.sleep(delay)
                    continue
                except _StateLost:
                    self.read_upto, self.gaps = 0, {}
                    continue
                if not busy:
                    self._wake.clear()
                    try:
                        await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
                    except TimeoutError:
                        pass
        finally:
            self.is_leader = False
            await conn.close()  # also releases the advisory lock

    # --- one round ---------------------------------------------------------------

    async def _state(self, conn: asyncpg.Connection):
        return await conn.fetchrow(
            "SELECT position, generation, rebuild_requested FROM search_indexer_state WHERE name = $1", self.name
        )

    async def _pruned_through(self, conn: asyncpg.Connection) -> int:
        if not await conn.fetchval("SELECT to_regclass('public.changelog_horizon') IS NOT NULL"):
            return 0
        return await conn.fetchval("SELECT coalesce(max(pruned_through), 0) FROM changelog_horizon")

    async def step(self, conn: asyncpg.Connection) -> bool:
        """Apply the next batch of events. True when there may be more to do right away."""
        state = await self._state(conn)
        generation = await self.engine.generation()
        if (
            state is None
            or state["generation"] != generation
            or state["rebuild_requested"]
            or await self._pruned_through(conn) > state["position"]
        ):
            log.info("search index %s needs a rebuild", self.name)
            self.read_upto = await rebuild(conn, self.engine, self.name, copies=self.copies)
            self.gaps = {}
            return True
        position = state["position"]
        await self._report_lag(conn, position)
        if self.read_upto < position:
            self.read_upto, self.gaps = position, {}

        rows = await conn.fetch(
            "SELECT id, space_id, kind, data FROM events WHERE id > $1 ORDER BY id LIMIT $2", self.read_upto, self.batch
        )
        xids = await running_xids(conn)
        seen = {r["id"] for r in rows}
        if rows:
            for missing in range(self.read_upto + 1, rows[-1]["id"]):
                if missing not in seen:
                    self.gaps[missing] = xids
        settled = []
        if self.gaps:
            pending = {x for waits in self.gaps.values() for x in waits}
            still = set()
            for xid in pending:
                if await in_progress(conn, [xid]):
                    still.add(xid)
            settled = [g for g, waits in self.gaps.items() if not still.intersection(waits)]
        late = []
        if settled:
            late = await conn.fetch("SELECT id, space_id, kind, data FROM events WHERE id = ANY($1::bigint[])", settled)
        await self.apply(conn, list(rows) + list(late))

        if rows:
            self.read_upto = rows[-1]["id"]
        for gap in settled:
            del self.gaps[gap]
        new_position = min(self.gaps) - 1 if self.gaps else self.read_upto
        if new_position != position:
            updated = await conn.execute(
                "UPDATE search_indexer_state SET position = $2, updated_at = now() "
                "WHERE name = $1 AND generation = $3 AND position = $4",
                self.name,
                new_position,
                generation,
                position,
            )
            if updated != "UPDATE 1":
                raise _StateLost()
            await self._report_lag(conn, new_position)
        return len(rows) == self.batch

    async def _report_lag(self, conn: asyncpg.Connection, position: int) -> None:
        """The INDEXER_LAG gauge: event ids after the stored position (ids a rolled-back transaction
        left unused count too, so it is an upper bound). Set before the engine is written to, so it
        keeps growing while the engine fails."""
        if INDEXER_LAG is not None:
            newest = await conn.fetchval("SELECT coalesce(max(id), 0) FROM events")
            INDEXER_LAG.set(max(0, newest - position))

    async def apply(self, conn: asyncpg.Connection, events) -> None:
        targets = Targets()
        seen: list[tuple[str, dict]] = []
        for event in events:
            data = event["data"]
            if isinstance(data, str):
                data = json.loads(data)
            targets.add_event(event["kind"], event["space_id"], data or {})
            seen.append((event["kind"], data or {}))
        if targets:
            await self._apply_targets(conn, targets)
        if self.copies is not None and seen and await self.copies.relevant(seen):
            await sync_copies(self.engine, self.copies)

    async def _apply_targets(self, conn: asyncpg.Connection, targets: Targets) -> None:
        # Chunk by chunk, uncommitted: the engine analyses one chunk in its own threads while the next
        # is built here; one commit at the end, before the caller moves the position.
        loader = Loader(conn)
        gone: list[str] = []
        async for documents, missing in loader.load_chunks(targets):
            gone += missing
            await self.engine.upsert(documents, commit=False)
        if loader.gone_threads:
            await self.engine.delete_thread_messages(sorted(loader.gone_threads))
        await self.engine.delete(gone)
        await self.engine.commit()
