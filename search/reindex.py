"""`citybridge reindex`: rebuild the search index from the tables."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from search.engine import create_engine
from search.indexer import Copies, index_name, lock_key, rebuild
from server.db.engine import asyncpg_dsn


async def reindex(
    settings, database_url: str, progress: Callable[[int, int], None] | None = None, copies: Copies | None = None
) -> str:
    """Rebuild here when no server is indexing ("rebuilt"); otherwise ask the indexing server to
    rebuild, since only one process may write the index at a time ("requested"). `copies`: the
    server's copies kept beside the rows (search.indexer.Copies), rebuilt too."""
    engine = create_engine(settings)
    await engine.open()
    name = index_name(engine)
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        if await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", *lock_key(name)):
            await rebuild(conn, engine, name, progress, copies=copies)
            return "rebuilt"
        await conn.execute(
            """INSERT INTO search_indexer_state (name, position, generation, rebuild_requested)
               VALUES ($1, 0, '', true)
               ON CONFLICT (name) DO UPDATE SET rebuild_requested = true""",
            name,
        )
        return "requested"
    finally:
        await conn.close()
        await engine.close()
