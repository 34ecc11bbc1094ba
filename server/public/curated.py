"""Published collections and threads, as the public may read them: a collection lists only its
published practices; a thread shows only the visible messages of people who consented."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.db.models import City, Collection, CollectionItem, Message, Publication, Resource, Thread, User
from server.public.catalogue import Item
from server.services.publishing import CONSENTING, LIVE, LIVE_COLLECTION, LIVE_THREAD, page_path

# What server/markdown.py renders for an @mention: the person is named by their handle.
MENTION = re.compile(r'<span class="mention" data-user-id="(\d+)">[^<]*</span>')


@dataclass(frozen=True)
class Post:
    author: str
    city: str | None
    created_at: datetime
    html: str


@dataclass(frozen=True)
class Curated:
    publication: Publication
    kind: str
    title: str
    description: str
    themes: list[str]

    @property
    def path(self) -> str:
        return page_path(self.publication)


def _thread_query():
    return (
        select(Publication, Thread)
        .join(Thread, LIVE_THREAD)
        .join(User, (User.id == Thread.author_id) & CONSENTING)  # the title is the author's words
    )


def _curated(publication: Publication, target: Collection | Thread) -> Curated:
    if isinstance(target, Collection):
        return Curated(publication, "collection", target.name, target.description, [])
    return Curated(publication, "thread", target.title, "", list(target.themes))


async def latest(db: AsyncSession, kind: str, *, limit: int = 20) -> list[Curated]:
    if kind == "collection":
        query = select(Publication, Collection).join(Collection, LIVE_COLLECTION)
    else:
        query = _thread_query()
    query = query.order_by(Publication.published_at.desc(), Publication.id.desc()).limit(limit)
    return [_curated(p, t) for p, t in (await db.execute(query)).all()]


async def find(db: AsyncSession, publication: Publication) -> Curated | None:
    """The live collection or thread of this publication, or None if it is no longer public."""
    if publication.target_kind == "collection":
        query = select(Publication, Collection).join(Collection, LIVE_COLLECTION)
    else:
        query = _thread_query()
    row = (await db.execute(query.where(Publication.id == publication.id))).first()
    return _curated(*row) if row is not None else None


async def live(db: AsyncSession, publication_ids: list[int]) -> dict[int, Curated]:
    """The live collections and threads among these publications, by publication id (two queries)."""
    collections = select(Publication, Collection).join(Collection, LIVE_COLLECTION)
    found: dict[int, Curated] = {}
    for query in (collections, _thread_query()):
        for publication, target in (await db.execute(query.where(Publication.id.in_(publication_ids)))).all():
            found[publication.id] = _curated(publication, target)
    return found


async def collection_items(db: AsyncSession, collection_id: int) -> list[Item]:
    """The collection's practices that are themselves published, in the collection's order."""
    query = (
        select(Publication, Resource, City)
        .join(Resource, LIVE)
        .outerjoin(City, City.id == Resource.city_id)
        .join(CollectionItem, CollectionItem.resource_id == Resource.id)
        .where(CollectionItem.collection_id == collection_id)
        .order_by(CollectionItem.added_at, Resource.id)
    )
    return [Item(p, r, c) for p, r, c in (await db.execute(query)).all()]


async def posts(db: AsyncSession, thread_id: int, *, limit: int = 500) -> list[Post]:
    """Messages neither hidden nor deleted, by people who consented, oldest first; mentions of
    anyone who did not consent lose the name."""
    rows = await db.execute(
        select(Message, User.name, City.name)
        .join(User, (User.id == Message.author_id) & CONSENTING)
        .outerjoin(City, City.id == User.city_id)
        .where(Message.thread_id == thread_id, Message.hidden_at.is_(None), Message.deleted_at.is_(None))
        .order_by(Message.created_at, Message.id)
        .limit(limit)
    )
    found = rows.all()
    mentioned = {int(i) for m, _, _ in found for i in MENTION.findall(m.html)}
    named = dict((await db.execute(select(User.id, User.name).where(User.id.in_(mentioned), CONSENTING))).all())

    def redact(match: re.Match) -> str:
        name = named.get(int(match.group(1)))
        return f'<span class="mention">@{escape(name)}</span>' if name else '<span class="mention">@…</span>'

    return [Post(name, city, m.created_at, MENTION.sub(redact, m.html)) for m, name, city in found]


async def thread_author(db: AsyncSession, thread_id: int) -> tuple[str, str | None]:
    row = (
        await db.execute(
            select(User.name, City.name)
            .join(Thread, Thread.author_id == User.id)
            .outerjoin(City, City.id == User.city_id)
            .where(Thread.id == thread_id)
        )
    ).one()
    return row[0], row[1]


async def search(db: AsyncSession, q: str, *, limit: int = 30) -> list[Curated]:
    """Live collections by name or description; live threads by title or by the words of a message
    the public page shows (neither hidden nor deleted, by someone who consented)."""
    query = func.websearch_to_tsquery("simple", q)

    def matches(*texts):
        return func.to_tsvector("simple", func.concat_ws(" ", *texts)).bool_op("@@")(query)

    collections = await db.execute(
        select(Publication, Collection)
        .join(Collection, LIVE_COLLECTION)
        .where(matches(Collection.name, Collection.description))
        .order_by(Publication.published_at.desc())
        .limit(limit)
    )
    writer = aliased(User)
    shown = (
        select(Message.id)
        .join(writer, (writer.id == Message.author_id) & writer.public_name_consent.is_(True))
        .where(
            Message.thread_id == Thread.id,
            Message.hidden_at.is_(None),
            Message.deleted_at.is_(None),
            writer.deactivated_at.is_(None),
            writer.erased_at.is_(None),
            matches(Message.body),
        )
    )
    threads = await db.execute(
        _thread_query()
        .where(matches(Thread.title) | exists(shown))
        .order_by(Publication.published_at.desc())
        .limit(limit)
    )
    return [_curated(p, t) for p, t in [*collections.all(), *threads.all()]]
