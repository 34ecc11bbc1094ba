"""The public page of a published collection or thread."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server.public import curated
from server.public.curated import Curated
from server.public.http import Page, Reader
from server.public.templating import jsonld, render


async def render_curated(db: AsyncSession, r: Reader, shown: Curated) -> Page:
    url = r.origin + shown.path
    if shown.kind == "collection":
        items = await curated.collection_items(db, shown.publication.target_id)
        data = {
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": shown.title,
            "description": shown.description or None,
            "url": url,
            "hasPart": [{"@type": "Article", "headline": i.resource.title, "url": r.origin + i.path} for i in items],
        }
        html = render(r, "collection.html", shown.path, shown=shown, items=items, jsonld=jsonld(data), empty="")
        return Page(html)
    posts = await curated.posts(db, shown.publication.target_id)
    author, city = await curated.thread_author(db, shown.publication.target_id)
    data = {
        "@context": "https://schema.org",
        "@type": "DiscussionForumPosting",
        "headline": shown.title,
        "url": url,
        "author": {"@type": "Person", "name": author},
        "datePublished": posts[0].created_at.isoformat() if posts else None,
        "comment": [
            {
                "@type": "Comment",
                "author": {"@type": "Person", "name": p.author},
                "dateCreated": p.created_at.isoformat(),
            }
            for p in posts[1:]
        ],
    }
    html = render(r, "thread.html", shown.path, shown=shown, posts=posts, author=author, city=city, jsonld=jsonld(data))
    return Page(html)
