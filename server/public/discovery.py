"""How readers and crawlers find the knowledge base: Atom feeds, the sitemap, robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import escape

from feedgen.feed import FeedGenerator
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from server.public import catalogue, curated, i18n
from server.public.catalogue import Item
from server.public.http import NotHere, Page, Reader
from server.themes import THEMES

FEED_SIZE = 50
ATOM = "application/atom+xml; charset=utf-8"
QUOTE = {'"': "&quot;"}


def _site(r: Reader) -> str:
    return r.request.app.state.settings.public_platform_name or r.t("site")


def _feed(r: Reader, items: list[Item], *, path: str, title: str, language: str = "en") -> Page:
    feed = FeedGenerator()
    feed.id(r.origin + path)
    feed.title(title)
    feed.link(href=r.origin + path, rel="self")
    feed.link(href=r.origin + "/knowledge", rel="alternate")
    feed.language(language)
    feed.updated(max((i.modified for i in items), default=None) or _epoch())
    for item in reversed(items):  # feedgen puts the last added first
        entry = feed.add_entry()
        url = r.origin + item.path
        entry.id(url)
        entry.title(item.resource.title)
        entry.link(href=url)
        entry.summary(item.resource.summary)
        entry.published(item.publication.published_at)
        entry.updated(item.modified)
        entry.rights(item.licence)
        entry.author(name=item.city.name if item.city else "Citybridge")
        for theme in item.resource.themes:
            entry.category(term=theme, label=i18n.theme_labels(language).get(theme, theme))
    return Page(feed.atom_str(pretty=False), ATOM, modified=max((i.modified for i in items), default=None))


def _epoch():
    from datetime import UTC, datetime

    return datetime(2024, 1, 1, tzinfo=UTC)


async def feed_all(db: AsyncSession, r: Reader, request: Request) -> Page:
    items = await catalogue.latest(db, limit=FEED_SIZE)
    return _feed(r, items, path="/knowledge/feed.atom", title=_site(r))


async def feed_theme(db: AsyncSession, r: Reader, request: Request) -> Page:
    slug = request.path_params["theme"]
    if slug not in THEMES:
        raise NotHere(404, "not_found")
    items = await catalogue.latest(db, limit=FEED_SIZE, theme=slug)
    label = i18n.theme_labels(r.lang)[slug]
    return _feed(r, items, path=f"/knowledge/themes/{slug}/feed.atom", title=f"{_site(r)}: {label}")


async def feed_city(db: AsyncSession, r: Reader, request: Request) -> Page:
    slug = request.path_params["city"]
    items = await catalogue.latest(db, limit=FEED_SIZE, city_slug=slug)
    if not items:
        raise NotHere(404, "not_found")
    name = items[0].city.name if items[0].city else slug
    return _feed(r, items, path=f"/knowledge/cities/{slug}/feed.atom", title=f"{_site(r)}: {name}")


async def feed_language(db: AsyncSession, r: Reader, request: Request) -> Page:
    code = request.path_params["lang"]
    items = await catalogue.latest(db, limit=FEED_SIZE, language=code)
    if not items:
        raise NotHere(404, "not_found")
    path = f"/knowledge/languages/{code}/feed.atom"
    return _feed(r, items, path=path, title=f"{_site(r)} ({code})", language=code)


def _versions(items: list[Item]) -> dict[int, list[Item]]:
    """The published versions of each practice that has more than one, one per language, original
    first (as its page's hreflang alternates: catalogue.translations), by resource id."""
    groups: dict[tuple[int, int], dict[str, Item]] = {}
    for i in sorted(items, key=lambda i: (i.resource.translation_of_id is not None, i.resource.id)):
        if i.resource.language:
            root = (i.resource.translation_of_id or i.resource.id, i.resource.space_id)
            groups.setdefault(root, {}).setdefault(i.resource.language, i)
    return {i.resource.id: list(g.values()) for g in groups.values() if len(g) > 1 for i in g.values()}


def _alternate_links(r: Reader, versions: list[Item]) -> str:
    links = [(v.resource.language, r.origin + v.path) for v in versions] + [("x-default", r.origin + versions[0].path)]
    return "".join(
        f'<xhtml:link rel="alternate" hreflang="{escape(code, QUOTE)}" href="{escape(href, QUOTE)}"/>'
        for code, href in links
    )


async def sitemap(db: AsyncSession, r: Reader, request: Request) -> Page:
    items = await catalogue.everything(db)
    themes = await catalogue.theme_counts(db)
    cities = await catalogue.city_counts(db)
    versions = _versions(items)
    alternates = {
        r.origin + i.path: _alternate_links(r, versions[i.resource.id]) for i in items if i.resource.id in versions
    }
    urls = [(r.origin + "/knowledge", max((i.modified for i in items), default=None))]
    urls += [(r.origin + i.path, i.modified) for i in items]
    urls += [(f"{r.origin}/knowledge/themes/{slug}", None) for slug in THEMES if themes.get(slug)]
    urls += [(f"{r.origin}/knowledge/cities/{slug}", None) for slug, _, _ in cities]
    urls += [(f"{r.origin}/knowledge/languages/{code}", None) for code, _ in await catalogue.language_counts(db)]
    for kind in ("collection", "thread"):
        urls += [(r.origin + shown.path, None) for shown in await curated.latest(db, kind, limit=50_000)]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for url, modified in urls:
        lastmod = f"<lastmod>{modified.date().isoformat()}</lastmod>" if modified else ""
        lines.append(f"<url><loc>{escape(url)}</loc>{lastmod}{alternates.get(url, '')}</url>")
    lines.append("</urlset>")
    return Page("\n".join(lines) + "\n", "application/xml; charset=utf-8")


async def robots(db: AsyncSession, r: Reader, request: Request) -> Page:
    if request.app.state.settings.public_robots == "noindex":
        return Page("User-agent: *\nDisallow: /\n", "text/plain; charset=utf-8")
    text = (
        "User-agent: *\n"
        "Allow: /knowledge\n"
        "Disallow: /knowledge/search\n"
        "Disallow: /api/\n"
        f"Sitemap: {r.origin}/sitemap.xml\n"
    )
    return Page(text, "text/plain; charset=utf-8")
