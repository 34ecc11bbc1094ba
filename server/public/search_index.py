"""The public knowledge base in the search engine: one document per live published page, holding
the page's own words and nothing else, read only by PUBLIC (search/engine.py).

The documents are built with the queries that render the pages (server/public/catalogue.py and
curated.py, every one through publishing.LIVE and CONSENTING), so search can show no more than the
pages do. The indexer rebuilds them whole (`Engine.replace_kinds`, one commit) after any event that
may change a page: publishing, consent, a collection, a published record or a message or title of a
published thread, a user erased, and at least every REFRESH_SECONDS while events flow (a
deactivation records no event). A hit is checked against the live tables again when it is shown
(server/public/search.py), so an unpublished page is never listed, even before the indexer runs.
"""

from __future__ import annotations

import time

from sqlalchemy import select

from search.documents import html_text
from search.engine import PUBLIC, Document
from search.language import detect_language
from server.db.models import Collection, Publication, Thread
from server.public import catalogue, curated
from server.public.catalogue import SECTIONS, Item
from server.public.curated import Curated

KIND_OF = {"practice": "public_practice", "collection": "public_collection", "thread": "public_thread"}
PAGE_KIND = {engine_kind: kind for kind, engine_kind in KIND_OF.items()}
REFRESH_SECONDS = 300.0
_ALWAYS = ("publication.", "consent.", "collection.", "user.")


def _millis(item_date) -> int:
    return int(item_date.timestamp() * 1000)


def _document(kind: str, publication: Publication, title: str, body: str, themes, city_ids, lang: str | None):
    return Document(
        key=f"{KIND_OF[kind]}:{publication.id}",
        kind=KIND_OF[kind],
        id=publication.id,
        space_id=0,
        city_ids=list(city_ids),
        profiles=[],
        themes=list(themes or ()),
        lang=lang or detect_language(f"{title} {body}") or "",
        author_id=0,
        author_name="",
        date=_millis(publication.published_at),
        title=title,
        body=body,
        readers=[PUBLIC],
    )


def practice_document(item: Item) -> Document:
    resource = item.resource
    body = "\n".join(p for p in [resource.summary or "", *(item.section(name) for name in SECTIONS)] if p)
    cities = [resource.city_id] if resource.city_id else []
    return _document("practice", item.publication, resource.title, body, resource.themes, cities, resource.language)


class PublicCopies:
    """search.indexer.Copies for the public knowledge base."""

    kinds = tuple(KIND_OF.values())

    def __init__(self, sessions) -> None:
        self.sessions = sessions
        self.resources: set[int] | None = None  # published targets, as of the last rebuild
        self.threads: set[int] = set()
        self.synced_at = 0.0

    async def relevant(self, events: list[tuple[str, dict]]) -> bool:
        if self.resources is None or time.monotonic() - self.synced_at > REFRESH_SECONDS:
            return True
        for kind, data in events:
            if kind.startswith(_ALWAYS):
                return True
            if kind.startswith("resource.") and data.get("id") in self.resources:
                return True
            thread = data.get("id") if kind.startswith("thread.") else data.get("thread_id")
            if kind.startswith(("thread.", "message.")) and thread in self.threads:
                return True
        return False

    async def documents(self) -> list[Document]:
        async with self.sessions() as db:
            items = await catalogue.everything(db)
            documents = [practice_document(item) for item in items]
            for page in await curated.latest(db, "collection", limit=50_000):
                documents.append(await self._collection(db, page))
            for page in await curated.latest(db, "thread", limit=50_000):
                documents.append(await self._thread(db, page))
            live = select(Publication.target_kind, Publication.target_id).where(Publication.unpublished_at.is_(None))
            published = (await db.execute(live)).all()
        self.resources = {i for kind, i in published if kind == "resource"}
        self.threads = {i for kind, i in published if kind == "thread"}
        self.synced_at = time.monotonic()
        return documents

    async def _collection(self, db, page: Curated) -> Document:
        collection = await db.get(Collection, page.publication.target_id)
        listed = await curated.collection_items(db, collection.id)
        body = "\n".join([page.description, *(item.resource.title for item in listed)])
        return _document("collection", page.publication, page.title, body, page.themes, [], None)

    async def _thread(self, db, page: Curated) -> Document:
        thread = await db.get(Thread, page.publication.target_id)
        posts = await curated.posts(db, thread.id)
        body = "\n".join(html_text(post.html) for post in posts)
        return _document("thread", page.publication, page.title, body, thread.themes, [], None)
