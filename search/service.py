"""Search inside the running app: the engine that answers queries on every node, and the indexer,
which indexes on one node at a time."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from search import vocabulary as vocabularies
from search.engine import EngineUnavailable, create_engine
from search.indexer import Indexer

log = logging.getLogger("citybridge.search")


@contextlib.asynccontextmanager
async def running(app, database_url: str):
    settings = app.state.settings
    # Reading the vocabulary (parsing, and each label's stems) takes some 100 ms of Python: in a
    # thread, not on the event loop the other parts have started on.
    vocabulary = await asyncio.to_thread(vocabularies.default, settings.search_vocabulary)
    engine = create_engine(settings, vocabulary)
    try:
        await engine.open()
    except EngineUnavailable as error:
        log.warning("search engine unavailable at start (%s); the indexer keeps trying", error)
    # Copies the server keeps in the index beside the rows (the public pages: server/public/search_index.py).
    indexer = Indexer(engine, database_url, copies=getattr(app.state, "search_copies", None))
    app.state.search_engine = engine
    app.state.search_indexer = indexer
    try:
        from server.observability import readiness

        async def check() -> None:
            await engine.generation()  # the index (or Meilisearch) answers
            if indexer.last_error is not None:  # the engine refuses writes: indexing is held up
                raise EngineUnavailable(f"indexing is failing, retrying: {indexer.last_error}")

        readiness.register(app, "search", check)
    except ImportError:
        pass
    indexer.start()
    try:
        yield
    finally:
        await indexer.stop()
        await engine.close()
