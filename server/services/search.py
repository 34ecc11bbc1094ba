"""Searching as a user: what a query must ask, and which spaces' documents it may reach.

The engine and its query language are the `search` package's; this module holds the rules the
API applies around them, so that every caller of a search gets the same ones.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from search import query as search_query
from search import text
from search.engine import ALL_SHARED, EVERYONE, Engine, participant
from server.db.like import contains
from server.db.models import ConversationParticipant, Space, User
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


async def readers(db: AsyncSession, user: User) -> list[int]:
    """What the user counts among as a reader (search/engine.py): the spaces they may read, every
    signed-in user, their own city's officials, and the participants of their own conversations;
    for platform admins every space, everyone and every city (ALL_SHARED), and still only their own
    conversations."""
    mine = participant(user.id)
    spaces = await readable_space_ids_or_all(db, user)
    if spaces is None:
        return [ALL_SHARED, mine]
    return [*spaces, EVERYONE, *([-user.city_id] if user.city_id else []), mine]


async def _still_a_participant(db: AsyncSession, user: User, found: dict) -> dict:
    """Drop hits of conversations the user has left since the index was written (the indexer takes
    them out soon after; until then they must not show)."""
    hits = found["hits"]
    asked = {h["thread_id"] for h in hits if h["kind"] == "conversation"}
    if not asked:
        return found
    current = set(
        (
            await db.scalars(
                select(ConversationParticipant.conversation_id).where(
                    ConversationParticipant.user_id == user.id,
                    ConversationParticipant.left_at.is_(None),
                    ConversationParticipant.conversation_id.in_(asked),
                )
            )
        ).all()
    )
    found["hits"] = [h for h in hits if h["kind"] != "conversation" or h["thread_id"] in current]
    return found


async def operators(db: AsyncSession, user: User, query: search_query.Query) -> None:
    """Read `from:` and `in:` out of the query's words into its filters.

    `from:` takes a handle (with or without "@") or `me`; `in:` a space's id or a word of its name,
    among the spaces the user may read only: an unknown or unreadable one is a space with nothing in
    it (the same answer, so that a query cannot tell them apart). Given with the `space` filter too,
    both must hold."""
    query.q, found = text.split_operators(query.q)
    if "in" in found:
        named = await _spaces_named(db, user, found["in"])
        query.spaces = named if query.spaces is None else [s for s in query.spaces if s in named]
    if "from" in found:
        handles = {value.lstrip("@").lower() for value in found["from"]} - {"me"}
        ids = {user.id} if any(v.lower() == "me" for v in found["from"]) else set()
        if handles:
            ids |= set((await db.scalars(select(User.id).where(func.lower(User.handle).in_(handles)))).all())
        query.authors = sorted(ids)


async def _spaces_named(db: AsyncSession, user: User, values: list[str]) -> list[int]:
    readable = await readable_space_ids_or_all(db, user)
    ids = {int(v) for v in values if v.isdigit() and len(v) < 12}
    words = [v for v in values if not v.isdigit()]
    if words:
        names = select(Space.id).where(or_(*(func.lower(Space.name).like(contains(w)) for w in words)))
        ids |= set((await db.scalars(names)).all())
    return sorted(ids if readable is None else ids & set(readable))


async def search(db: AsyncSession, user: User, engine: Engine | None, query: search_query.Query) -> dict:
    """Hits, facets, the total and `has_more`, among the documents the user may read."""
    await operators(db, user, query)
    check(query)
    engine = _available(engine)
    readable = await readers(db, user)
    try:
        return await _still_a_participant(db, user, await search_query.search(engine, readable, query))
    except search_query.SearchUnavailable:
        raise Unavailable("Search is unavailable; try again shortly.", headers={"Retry-After": "5"}) from None


async def suggest(db: AsyncSession, user: User, engine: Engine | None, q: str, limit: int) -> list[str]:
    """Completions of the last word typed, from documents the user may read."""
    engine = _available(engine)
    readable = await readers(db, user)
    q = text.split_operators(q)[0]
    try:
        return await search_query.suggest(engine, readable, q, limit)
    except search_query.SearchUnavailable:
        raise Unavailable("Search is unavailable; try again shortly.", headers={"Retry-After": "5"}) from None
