"""The concepts platform admins add to the search vocabulary (docs/search.md, "Admins extend it").

The shipped files (search/data/vocabulary/) and the operator's file (CITYBRIDGE_SEARCH_VOCABULARY)
are read at start; the admins' own concepts are one row of text in the same format, checked line by
line when saved. A concept named there that the shipped files hold gains the admins' labels. Every
node follows the row's `version` (`VocabularyWatch`, a poll of one integer) and hands its engine the
merged vocabulary, so a change is in every node's queries within a couple of seconds, and at once on
the node that saved it. Changing the vocabulary needs no reindex: it acts on queries only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from search import vocabulary as vocabularies
from server.db.models import SearchVocabulary, User
from server.errors import Conflict, Invalid, problem
from server.services import audit
from server.services.access import require_admin

log = logging.getLogger("citybridge.search")

MAX_SOURCE_CHARS = 200_000
SOURCE_NAME = "admins' vocabulary"
POLL_SECONDS = 2.0


def combined(extra: Path | None, source: str) -> vocabularies.Vocabulary:
    """The shipped and operator's vocabulary with the admins' concepts (already checked) merged in."""
    shipped = vocabularies.default(extra)
    if not source.strip():
        return shipped
    return vocabularies.merge(shipped.concepts, vocabularies.parse(source, SOURCE_NAME))


async def _row(db: AsyncSession) -> SearchVocabulary | None:
    query = select(SearchVocabulary).where(SearchVocabulary.id == 1)
    return await db.scalar(query.execution_options(populate_existing=True))  # as just written, not as first read


async def view(db: AsyncSession, actor: User, extra: Path | None) -> dict:
    require_admin(actor)
    row = await _row(db)
    source = row.source if row else ""
    own = vocabularies.parse(source, SOURCE_NAME)  # saved only once checked
    shipped = vocabularies.default(extra)
    editor = await db.get(User, row.updated_by) if row and row.updated_by else None
    return {
        "source": source,
        "version": row.version if row else 0,
        "concepts": len(own),
        "labels": sum(len(c.all_labels()) for c in own),
        "shipped_concepts": len(shipped),
        "updated_at": row.updated_at.isoformat() if row and row.version else None,
        "updated_by": {"id": editor.id, "name": editor.name} if editor else None,
    }


async def save(db: AsyncSession, actor: User, extra: Path | None, source: str, version: int) -> dict:
    """Replace the admins' concepts with `source`, if `version` is still the saved one (else 409: another
    admin saved meanwhile, and their words would be lost)."""
    require_admin(actor)
    try:
        own = vocabularies.parse(source, SOURCE_NAME)
    except vocabularies.VocabularyError as refused:
        raise Invalid(
            f"This vocabulary cannot be used: {refused}",
            code="invalid_vocabulary",
            fields={"source": problem("vocabulary_line", line=refused.line, reason=refused.reason)},
        ) from None
    # Serialise saves, then compare: the row may not exist yet, so FOR UPDATE alone cannot.
    await db.execute(text("SELECT pg_advisory_xact_lock(hashtext('citybridge.search_vocabulary'))"))
    row = await _row(db)
    current = row.version if row else 0
    if version != current:
        raise Conflict(
            "Another admin changed the vocabulary since you opened it: reload it, then make your change again.",
            code="vocabulary_changed",
            fields={"version": problem("stale_version", current=current)},
        )
    statement = insert(SearchVocabulary).values(id=1, source=source, version=current + 1, updated_by=actor.id)
    await db.execute(
        statement.on_conflict_do_update(
            index_elements=["id"],
            set_={"source": source, "version": current + 1, "updated_by": actor.id, "updated_at": text("now()")},
        )
    )
    await audit.record(
        db,
        actor,
        "search.vocabulary",
        space_id=None,
        target_kind="vocabulary",
        target_id=current + 1,
        details={"concepts": len(own), "labels": sum(len(c.all_labels()) for c in own)},
    )
    return await view(db, actor, extra)


class VocabularyWatch:
    """Keeps a node's engine on the saved vocabulary: polls the row's version, and on a change
    (or the row gone: tests empty the tables) hands the engine the merged vocabulary."""

    def __init__(self, engine, sessions, extra: Path | None) -> None:
        self.engine, self.sessions, self.extra = engine, sessions, extra
        self.version = 0
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        async with self._lock, self.sessions() as db:
            row = await _row(db)
            version, source = (row.version, row.source) if row else (0, "")
            if version == self.version:
                return
            try:  # a new Vocabulary indexes every label, some 100 ms of Python: not on the event loop
                vocabulary = await asyncio.to_thread(combined, self.extra, source)
            except vocabularies.VocabularyError as refused:  # saved only once checked: an edit by hand
                log.error("search: the admins' vocabulary is not used: %s", refused)
                vocabulary = vocabularies.default(self.extra)
            await self.engine.use_vocabulary(vocabulary)
            self.version = version
            log.info("search: vocabulary version %s in use (%s concepts)", version, len(vocabulary))

    async def refresh_quietly(self) -> None:
        """refresh(), a failure only logged (the poll tries again): for a route that has committed."""
        try:
            await self.refresh()
        except Exception as failure:
            log.warning("search: the new vocabulary is not in use yet: %s", failure)

    async def run(self) -> None:
        while True:
            try:
                await self.refresh()
            except asyncio.CancelledError:
                raise
            except Exception as failure:  # the database or Meilisearch is away: next round
                log.warning("search: cannot read the admins' vocabulary: %s", failure)
            await asyncio.sleep(POLL_SECONDS)


@contextlib.asynccontextmanager
async def watching(app):
    """The node's VocabularyWatch, started with the app (after the search engine) and stopped with it."""
    watch = VocabularyWatch(app.state.search_engine, app.state.sessions, app.state.settings.search_vocabulary)
    app.state.vocabulary_watch = watch
    task = asyncio.create_task(watch.run(), name="search-vocabulary")
    try:
        yield watch
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
