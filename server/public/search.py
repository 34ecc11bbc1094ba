"""Public search: published practices, collections and threads matching a query, with facets (kind,
theme, city) counted over those results only, so a count never reveals an unpublished item.

The query runs in the search engine with PUBLIC as the only reader (server/public/search_index.py
keeps one document per live page, holding only the page's own words), so the public gets the
engine's word forms, typos, accents and cross-language vocabulary. Every hit is checked against the
live tables before it is listed: an item unpublished a moment ago is not shown even if the indexer
has not caught up. A search waits (up to a second) for the index to hold every change committed
before it, so a word hidden, deleted or no longer consented to a moment ago finds nothing; while
the index is behind longer than that, or the engine is away, PostgreSQL's full-text search answers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncSession

from search import text
from search.engine import PUBLIC, EngineUnavailable, Request
from search.indexer import index_name
from server.public import catalogue, curated
from server.public.catalogue import Item
from server.public.curated import Curated
from server.public.search_index import PAGE_KIND

log = logging.getLogger("citybridge.public")

KINDS = ("practice", "collection", "thread")
MAX_HITS = 100  # results listed for one query; the counts are over these
CURRENT_WAIT = 1.0  # seconds a search waits for the indexer to reach the changes committed before it


@dataclass
class Results:
    items: list[Item]
    curated: list[Curated]
    kinds: Counter = field(default_factory=Counter)
    themes: Counter = field(default_factory=Counter)
    cities: dict[str, tuple[str, int]] = field(default_factory=dict)  # slug: (name, count)


async def _index_current(db: AsyncSession, engine) -> bool:
    """Whether the index holds every change committed before this search, waiting a little for it. A
    page's words a moment ago hidden, deleted or no longer consented to are then out of its copy: the
    listing is checked live, but which words find a page is the copy's (server/public/search_index.py)."""
    newest = await db.scalar(sql("SELECT coalesce(max(id), 0) FROM events"))
    deadline = time.monotonic() + CURRENT_WAIT
    while True:
        position = await db.scalar(
            sql("SELECT coalesce(max(position), 0) FROM search_indexer_state WHERE name = :name"),
            {"name": index_name(engine)},
        )
        if position >= newest:
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)


async def _engine_matches(db: AsyncSession, engine, q: str) -> tuple[list[Item], list[Curated]] | None:
    """The live pages the engine finds for `q`, best first; None when the engine cannot answer, or
    its index is behind the tables (then PostgreSQL answers, from the tables themselves)."""
    parsed = text.parse(q)
    if parsed.empty:
        return [], []
    if not await _index_current(db, engine):
        log.info("public search: the index is behind the change log, PostgreSQL answers")
        return None
    try:
        result = await engine.search(Request(query=parsed, readable=[PUBLIC], limit=MAX_HITS, facets=()))
    except EngineUnavailable as error:
        log.warning("public search: the engine is away, PostgreSQL answers: %s", error)
        return None
    order = [(PAGE_KIND.get(h.document["kind"]), h.document["id"]) for h in result.hits]
    ids = [i for kind, i in order if kind is not None]
    if not ids:
        return [], []
    practices = {item.publication.id: item for item in await catalogue.by_publications(db, ids)}
    pages = await curated.live(db, ids)
    items = [practices[i] for kind, i in order if kind == "practice" and i in practices]
    others = [
        pages[i] for kind, i in order if kind in ("collection", "thread") and i in pages and pages[i].kind == kind
    ]
    return items, others


async def run(db: AsyncSession, q: str, *, engine=None, kind: str = "", theme: str = "", city: str = "") -> Results:
    """What matches `q`, narrowed by the chosen facets; the counts are those of the whole query."""
    matched = await _engine_matches(db, engine, q) if engine is not None else None
    if matched is None:
        matched = await catalogue.search(db, q), await curated.search(db, q)
    practices, others = matched
    found = Results(practices, others)
    found.kinds.update({"practice": len(practices)})
    found.kinds.update(c.kind for c in others)
    found.themes.update(t for i in practices for t in i.resource.themes or ())
    found.themes.update(t for c in others for t in c.themes)
    for item in practices:
        if item.city is not None:
            name, n = found.cities.get(item.publication.city_slug, (item.city.name, 0))
            found.cities[item.publication.city_slug] = (name, n + 1)
    if kind:
        found.items = found.items if kind == "practice" else []
        found.curated = [c for c in found.curated if c.kind == kind]
    if theme:
        found.items = [i for i in found.items if theme in (i.resource.themes or ())]
        found.curated = [c for c in found.curated if theme in c.themes]
    if city:
        found.items = [i for i in found.items if i.publication.city_slug == city]
        found.curated = []  # collections and threads are the network's, not one city's
    return found
