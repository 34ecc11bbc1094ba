"""The public routes: the off switch, the per-address limit, the page cache, then a page.

No session is read and no cookie is set (docs/public.md)."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from server.public import discovery, files, pages
from server.public.http import AddressLimiter, NotHere, Page, answer, prepare, reader
from server.public.templating import render


def _limiter(request: Request) -> AddressLimiter:
    """One per application, shared by every public route."""
    state = request.app.state
    if not hasattr(state, "public_limiter"):
        state.public_limiter = AddressLimiter()
    return state.public_limiter


def _refused(request: Request, r) -> Response | None:
    """The off switch, then the per-address limit: what every public route checks first."""
    settings = request.app.state.settings
    if not settings.public_knowledge:
        return PlainTextResponse("Not Found", 404)
    allowed, retry = _limiter(request).allow(
        request.client.host if request.client else "", settings.public_rate_per_minute
    )
    if not allowed:
        page = Page(r.t("too_many"), "text/plain; charset=utf-8", status=429, headers={"Retry-After": str(retry)})
        return answer(request, prepare(page, r.lang), "app")
    return None


def _wrap(handler, *, localised: bool = True):
    async def run(request: Request) -> Response:
        started = time.perf_counter()
        r = reader(request)
        if (refused := _refused(request, r)) is not None:
            return refused
        cache = getattr(request.app.state, "public_cache", None)
        key = (request.url.path, request.url.query, r.lang)
        prepared = cache.get(key) if cache is not None else None
        if prepared is not None:
            return answer(request, prepared, f"cache;desc=hit, app;dur={(time.perf_counter() - started) * 1000:.3f}")
        generation = cache.generation if cache is not None else 0
        try:
            async with request.app.state.sessions() as db:
                page = await handler(db, r, request)
        except NotHere as error:
            page = Page(render(r, "message.html", request.url.path, message=r.t(error.key)), status=error.status)
        prepared = prepare(page, r.lang if localised else None)
        if cache is not None and prepared.status in (200, 410):
            cache.put(key, generation, prepared)
        return answer(request, prepared, f"cache;desc=miss, app;dur={(time.perf_counter() - started) * 1000:.3f}")

    run.__name__ = handler.__name__
    return run


async def _download(request: Request) -> Response:
    """A document published with a practice: streamed from storage, never kept in the page cache."""
    r = reader(request)
    if (refused := _refused(request, r)) is not None:
        return refused
    try:
        async with request.app.state.sessions() as db:
            return await files.download(db, request)
    except NotHere as error:
        page = Page(render(r, "message.html", request.url.path, message=r.t(error.key)), status=error.status)
        return answer(request, prepare(page, r.lang), "app")


def public_routes() -> list[Route]:
    """Listed before the browser app's catch-all, so that it never answers these paths."""
    table = [
        ("/knowledge", pages.home, True),
        ("/knowledge/search", pages.search, True),
        ("/knowledge/about", pages.about, True),
        ("/knowledge/static/public.css", pages.stylesheet, False),
        ("/knowledge/feed.atom", discovery.feed_all, False),
        ("/knowledge/themes/{theme}", pages.theme, True),
        ("/knowledge/themes/{theme}/feed.atom", discovery.feed_theme, False),
        ("/knowledge/cities/{city}", pages.city, True),
        ("/knowledge/cities/{city}/feed.atom", discovery.feed_city, False),
        ("/knowledge/languages/{lang}", pages.language, True),
        ("/knowledge/languages/{lang}/feed.atom", discovery.feed_language, False),
        ("/knowledge/{city}/{slug}", pages.item_page, True),
        ("/sitemap.xml", discovery.sitemap, False),
        ("/robots.txt", discovery.robots, False),
    ]
    routes = [Route(path, _wrap(handler, localised=lang), methods=["GET", "HEAD"]) for path, handler, lang in table]
    routes.append(Route("/knowledge/{city}/{slug}/files/{document_id:int}", _download, methods=["GET", "HEAD"]))
    return routes
