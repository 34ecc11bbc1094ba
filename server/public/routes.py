"""The public pages: the knowledge base's home, lists by theme and city, a practice, search.

No session is read and no cookie is set; everything shown comes from server/public/catalogue.py."""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from server.public import catalogue, discovery
from server.public.catalogue import Item
from server.public.http import AddressLimiter, NotHere, Page, Reader, reader, respond
from server.themes import THEMES

HERE = Path(__file__).parent
TEMPLATES = Environment(
    loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True), auto_reload=False
)
CSS = (HERE / "public.css").read_bytes()
LICENCES = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
MAX_QUERY = 200


def render(r: Reader, template: str, path: str, **values) -> str:
    return TEMPLATES.get_template(template).render(
        lang=r.lang,
        lang_param=r.lang_param,
        languages=("en", "fr", "es"),
        q=f"?lang={r.lang}" if r.lang_param else "",
        t=r.t,
        origin=r.origin,
        canonical=r.origin + path,
        theme_labels=THEMES,
        **values,
    )


def _jsonld(data: dict) -> str:
    # "</" must not close the script element the JSON sits in.
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


async def home(db: AsyncSession, r: Reader, request: Request) -> Page:
    items = await catalogue.latest(db, limit=20)
    counts = await catalogue.theme_counts(db)
    themes = [(slug, label, counts[slug]) for slug, label in THEMES.items() if counts.get(slug)]
    cities = await catalogue.city_counts(db)
    jsonld = {"@context": "https://schema.org", "@type": "WebSite", "name": r.t("site"), "url": r.origin + "/knowledge"}
    html = render(
        r,
        "home.html",
        "/knowledge",
        items=items,
        themes=themes,
        cities=cities,
        jsonld=_jsonld(jsonld),
        empty=r.t("nothing"),
    )
    return Page(html, modified=max((i.modified for i in items), default=None))


async def theme(db: AsyncSession, r: Reader, request: Request) -> Page:
    slug = request.path_params["theme"]
    if slug not in THEMES:
        raise NotHere(404, "not_found")
    items = await catalogue.latest(db, theme=slug)
    path = f"/knowledge/themes/{slug}"
    html = render(
        r,
        "list.html",
        path,
        items=items,
        heading=THEMES[slug],
        feed=f"{r.origin}{path}/feed.atom",
        intro=None,
        empty=r.t("nothing"),
    )
    return Page(html, modified=max((i.modified for i in items), default=None))


async def city(db: AsyncSession, r: Reader, request: Request) -> Page:
    slug = request.path_params["city"]
    items = await catalogue.latest(db, city_slug=slug)
    if not items:
        raise NotHere(404, "not_found")
    heading = items[0].city.name if items[0].city else slug
    html = render(
        r,
        "list.html",
        f"/knowledge/cities/{slug}",
        items=items,
        heading=heading,
        feed=None,
        intro=None,
        empty=r.t("nothing"),
    )
    return Page(html, modified=max(i.modified for i in items))


async def search(db: AsyncSession, r: Reader, request: Request) -> Page:
    q = request.query_params.get("q", "").strip()
    if len(q) > MAX_QUERY or "\x00" in q:
        raise NotHere(400, "no_results")
    items = await catalogue.search(db, q) if q else []
    html = render(
        r,
        "list.html",
        "/knowledge/search",
        items=items,
        heading=r.t("results", q=q) if q else r.t("search"),
        feed=None,
        intro=None,
        empty=r.t("no_results") if q else "",
        query=q,
    )
    return Page(html, headers={"X-Robots-Tag": "noindex"})


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _practice_jsonld(item: Item, url: str, byline: str) -> str:
    return _jsonld(
        {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": item.resource.title,
            "description": item.resource.summary,
            "inLanguage": item.resource.language,
            "url": url,
            "datePublished": item.publication.published_at.isoformat(),
            "dateModified": item.modified.isoformat(),
            "keywords": [THEMES.get(t, t) for t in item.resource.themes],
            "license": LICENCES.get(item.licence, item.licence),
            "author": {"@type": "Organization", "name": byline},
            "contentLocation": {"@type": "City", "name": item.city.name} if item.city else None,
        }
    )


async def practice(db: AsyncSession, r: Reader, request: Request) -> Page:
    found = await catalogue.page(db, request.path_params["city"], request.path_params["slug"])
    if found is None:
        raise NotHere(404, "not_found")
    if not isinstance(found, Item):
        raise NotHere(410, "gone")
    item = found
    name = await catalogue.author_line(db, item)
    city_name = item.city.name if item.city else None
    byline = r.t("by", name=name) if name else r.t("official_of", city=city_name) if city_name else r.t("official")
    sections = [(s, _paragraphs(item.section(s))) for s in catalogue.SECTIONS if item.section(s)]
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
        jsonld=_practice_jsonld(item, r.origin + item.path, byline if name else city_name or r.t("site")),
    )
    return Page(html, modified=item.modified)


def _limiter(request: Request) -> AddressLimiter:
    """One per application, shared by every public route."""
    state = request.app.state
    if not hasattr(state, "public_limiter"):
        state.public_limiter = AddressLimiter()
    return state.public_limiter


def _wrap(handler, *, localised: bool = True):
    async def run(request: Request) -> Response:
        settings = request.app.state.settings
        if not settings.public_knowledge:
            return PlainTextResponse("Not Found", 404)
        r = reader(request)
        allowed, retry = _limiter(request).allow(
            request.client.host if request.client else "", settings.public_rate_per_minute
        )
        if not allowed:
            page = Page(r.t("too_many"), "text/plain; charset=utf-8", status=429, headers={"Retry-After": str(retry)})
            return respond(request, page, r.lang)
        try:
            async with request.app.state.sessions() as db:
                page = await handler(db, r, request)
        except NotHere as error:
            html = render(r, "message.html", request.url.path, message=r.t(error.key))
            page = Page(html, status=error.status)
        return respond(request, page, r.lang if localised else None)

    run.__name__ = handler.__name__
    return run


async def stylesheet(db: AsyncSession, r: Reader, request: Request) -> Page:
    return Page(CSS, "text/css; charset=utf-8")


def public_routes() -> list[Route]:
    """Listed before the browser app's catch-all, so that it never answers these paths."""
    pages = [
        ("/knowledge", home, True),
        ("/knowledge/search", search, True),
        ("/knowledge/static/public.css", stylesheet, False),
        ("/knowledge/feed.atom", discovery.feed_all, False),
        ("/knowledge/themes/{theme}", theme, True),
        ("/knowledge/themes/{theme}/feed.atom", discovery.feed_theme, False),
        ("/knowledge/cities/{city}", city, True),
        ("/knowledge/{city}/{slug}", practice, True),
        ("/sitemap.xml", discovery.sitemap, False),
        ("/robots.txt", discovery.robots, False),
    ]
    return [Route(path, _wrap(handler, localised=lang), methods=["GET", "HEAD"]) for path, handler, lang in pages]
