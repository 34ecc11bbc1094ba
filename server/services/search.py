"""Searching as a user: what a query must ask, and which spaces' documents it may reach.

The engine and its query language are the `search` package's; this module holds the rules the
API applies around them, so that every caller of a search gets the same ones.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from search import query as search_query
from search.engine import EVERYONE, Engine
from server.db.models import User
from server.errors import Invalid, Unavailable, problem
from server.services.access import readable_space_ids_or_all


def _available(engine: Engine | None) -> Engine:
    if engine is None:
        raise Unavailable("Search is not available on this server right now.", headers={"Retry-After": "5"})
    return engine


def check(query: search_query.Query) -> None:
    """A search asks for words or filters, and its dates run forwards."""
    if not query.q.strip() and not search_query.has_filters(query):
        raise Invalid(
            "Type something to search for, or choose a filter.", code="empty_query", fields={"q": problem("required")}
        )
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise Invalid("`from` is after `to`.", fields={"from": problem("after", other="to")})


async def readers(db: AsyncSession, user: User) -> list[int] | None:
    """What the user counts among as a reader (search/engine.py EVERYONE): the spaces they may read,
    every signed-in user, and their own city's officials; None for platform admins (everything)."""
    spaces = await readable_space_ids_or_all(db, user)
    if spaces is None:
        return None
    return [*spaces, EVERYONE, *([-user.city_id] if user.city_id else [])]


async def search(db: AsyncSession, user: User, engine: Engine | None, query: search_query.Query) -> dict:
    """Hits, facets, the total and `has_more`, among the documents the user may read."""
    check(query)
    engine = _available(engine)
    readable = await readers(db, user)
    try:
        return await search_query.search(engine, readable, query)
    except search_query.SearchUnavailable:
        raise Unavailable("Search is unavailable; try again shortly.", headers={"Retry-After": "5"}) from None


async def suggest(db: AsyncSession, user: User, engine: Engine | None, q: str, limit: int) -> list[str]:
    """Completions of the last word typed, from documents the user may read."""
    engine = _available(engine)
    readable = await readers(db, user)
    try:
        return await search_query.suggest(engine, readable, q, limit)
    except search_query.SearchUnavailable:
        raise Unavailable("Search is unavailable; try again shortly.", headers={"Retry-After": "5"}) from None
