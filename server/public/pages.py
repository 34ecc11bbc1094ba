"""The public pages: the knowledge base's home, lists by theme, city and language, a practice,
search, the about page. Everything shown comes from catalogue.py and curated.py."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from server.public import catalogue, curated, curated_pages, files, i18n
from server.public import search as public_search
from server.public.catalogue import Item
from server.public.http import NotHere, Page, Reader
from server.public.templating import LICENCES, jsonld, render
from server.themes import THEMES

CSS = (Path(__file__).parent / "public.css").read_bytes()
MAX_QUERY = 200


def _newest(items: list[Item]):
    return max((i.modified for i in items), default=None)


async def home(db: AsyncSession, r: Reader, request: Request) -> Page:
    items = await catalogue.latest(db, limit=20)
    counts = await catalogue.theme_counts(db)
    themes = [(slug, label, counts[slug]) for slug, label in i18n.theme_labels(r.lang).items() if counts.get(slug)]
    site = {"@context": "https://schema.org", "@type": "WebSite", "name": r.t("site"), "url": r.origin + "/knowledge"}
    site["potentialAction"] = {
        "@type": "SearchAction",
        "target": r.origin + "/knowledge/search?q={query}",
        "query-input": "required name=query",
    }
    html = render(
        r,
        "home.html",
        "/knowledge",
        items=items,
        themes=themes,
        cities=await catalogue.city_counts(db),
        languages_found=await catalogue.language_counts(db),
        collections=await curated.latest(db, "collection"),
        threads=await curated.latest(db, "thread"),
        jsonld=jsonld(site),
        empty=r.t("nothing"),
    )
    return Page(html, modified=_newest(items))


def _list(r: Reader, items: list[Item], path: str, heading: str, feed: str | None) -> Page:
    html = render(r, "list.html", path, items=items, heading=heading, feed=feed, intro=None, empty=r.t("nothing"))
    return Page(html, modified=_newest(items))


async def theme(db: AsyncSession, r: Reader, request: Request) -> Page:
    slug = request.path_params["theme"]
    if slug not in THEMES:
        raise NotHere(404, "not_found")
    path = f"/knowledge/themes/{slug}"
    label = i18n.theme_labels(r.lang)[slug]
    return _list(r, await catalogue.latest(db, theme=slug), path, label, f"{r.origin}{path}/feed.atom")


async def city(db: AsyncSession, r: Reader, request: Request) -> Page:
    slug = request.path_params["city"]
    items = await catalogue.latest(db, city_slug=slug)
    if not items:
        raise NotHere(404, "not_found")
    heading = items[0].city.name if items[0].city else slug
    path = f"/knowledge/cities/{slug}"
    return _list(r, items, path, heading, f"{r.origin}{path}/feed.atom")


async def language(db: AsyncSession, r: Reader, request: Request) -> Page:
    code = request.path_params["lang"]
    items = await catalogue.latest(db, language=code)
    if not items:
        raise NotHere(404, "not_found")
    path = f"/knowledge/languages/{code}"
    return _list(r, items, path, r.t("in_language", code=code), f"{r.origin}{path}/feed.atom")


async def search(db: AsyncSession, r: Reader, request: Request) -> Page:
    params = request.query_params
    q = params.get("q", "").strip()
    chosen = {name: params.get(name, "").strip() for name in ("kind", "theme", "city")}
    if len(q) > MAX_QUERY or "\x00" in q or not _facets_valid(chosen):
        raise NotHere(400, "no_results")
    engine = getattr(request.app.state, "search_engine", None)
    found = await public_search.run(db, q, engine=engine, **chosen) if q else None
    html = render(
        r,
        "search.html",
        "/knowledge/search",
        found=found,
        chosen=chosen,
        facet_url=lambda **change: _search_url(r, q, {**chosen, **change}),
        heading=r.t("results", q=q) if q else r.t("search"),
        empty=r.t("no_results") if q else "",
        query=q,
        noindex=True,
    )
    return Page(html, headers={"X-Robots-Tag": "noindex"})


def _facets_valid(chosen: dict[str, str]) -> bool:
    return (
        chosen["kind"] in ("", *public_search.KINDS)
        and (chosen["theme"] == "" or chosen["theme"] in THEMES)
        and len(chosen["city"]) <= 90
        and all(c.isascii() and (c.isalnum() or c == "-") for c in chosen["city"])
    )


def _search_url(r: Reader, q: str, facets: dict[str, str]) -> str:
    query = {"q": q, **{k: v for k, v in facets.items() if v}}
    if r.lang_param:
        query["lang"] = r.lang
    return "/knowledge/search?" + urlencode(query)


async def about(db: AsyncSession, r: Reader, request: Request) -> Page:
    text = request.app.state.settings.public_about or r.t("intro")
    html = render(r, "about.html", "/knowledge/about", paragraphs=_paragraphs(text))
    return Page(html)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _labels(item: Item) -> dict[str, str]:
    # The structured data declares the content's language (inLanguage): its keywords follow it.
    return i18n.theme_labels(item.resource.language if item.resource.language in i18n.LANGUAGES else "en")


def _practice_jsonld(item: Item, url: str, byline: str) -> str:
    return jsonld(
        {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": item.resource.title,
            "description": item.resource.summary,
            "inLanguage": item.resource.language,
            "url": url,
            "datePublished": item.publication.published_at.isoformat(),
            "dateModified": item.modified.isoformat(),
            "keywords": [_labels(item).get(t, t) for t in item.resource.themes],
            "license": LICENCES.get(item.licence, item.licence),
            "author": {"@type": "Organization", "name": byline},
            "contentLocation": {"@type": "City", "name": item.city.name} if item.city else None,
        }
    )


def _alternates(r: Reader, versions: list[Item]) -> list[tuple[str, str]]:
    """`hreflang` links between the published versions of one practice, in their own languages, and
    x-default (its original if published); none when it has no published translation."""
    if not versions:
        return []
    return [(v.resource.language, r.origin + v.path) for v in versions] + [("x-default", r.origin + versions[0].path)]


async def _practice(db: AsyncSession, r: Reader, item: Item) -> Page:
    name = await catalogue.author_line(db, item)
    city_name = item.city.name if item.city else None
    byline = r.t("by", name=name) if name else r.t("official_of", city=city_name) if city_name else r.t("official")
    sections = [(s, _paragraphs(item.section(s))) for s in catalogue.SECTIONS if item.section(s)]
    versions = await catalogue.translations(db, item)
    others = [v for v in versions if v.resource.id != item.resource.id]
    html = render(
        r,
        "practice.html",
        item.path,
        item=item,
        sections=sections,
        byline=byline,
        published=item.publication.published_at.date().isoformat(),
        licence_url=LICENCES.get(item.licence),
        adapted_from=await catalogue.adaptations(db, item.resource.id, "from"),
        adapted_by=await catalogue.adaptations(db, item.resource.id, "by"),
        documents=files.listed(item, await catalogue.attachments(db, item)),
        alternates=_alternates(r, versions),
        also_in=[(v, i18n.ENDONYMS.get(v.resource.language, v.resource.language)) for v in others],
        jsonld=_practice_jsonld(item, r.origin + item.path, name or city_name or r.t("site")),
    )
    return Page(html, modified=item.modified)


async def item_page(db: AsyncSession, r: Reader, request: Request) -> Page:
    """A published practice, collection or thread at its address; 410 once it is no longer public."""
    found = await catalogue.page(db, request.path_params["city"], request.path_params["slug"])
    if found is None:
        raise NotHere(404, "not_found")
    if isinstance(found, Item):
        return await _practice(db, r, found)
    if found.target_kind in ("collection", "thread"):
        shown = await curated.find(db, found)
        if shown is not None:
            return await curated_pages.render_curated(db, r, shown)
    raise NotHere(410, "gone")


async def stylesheet(db: AsyncSession, r: Reader, request: Request) -> Page:
    return Page(CSS, "text/css; charset=utf-8")
