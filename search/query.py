"""A user's search: the spaces they may read go into the engine query, then hits become answers
with highlighted snippets. Nothing here trims a page after the engine has answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from search import text
from search.engine import ALL_SHARED, Engine, EngineUnavailable, Filters, Request
from search.highlight import Highlighter
from server.observability.metrics import SEARCH_LATENCY

# API filter name → engine facet field
FACET_NAMES = {
    "kind": "kind",
    "lang": "lang",
    "theme": "themes",
    "city": "city_ids",
    "profile": "profiles",
    "space": "space_id",
    "region": "regions",
    "size": "sizes",
    "transfer": "transfers",
    "transfer_state": "transfer_states",
}
MAX_OFFSET = 1000


class SearchUnavailable(Exception):
    pass


@dataclass
class Query:
    q: str = ""
    spaces: list[int] | None = None
    cities: list[int] | None = None
    profiles: list[str] | None = None
    themes: list[str] | None = None
    langs: list[str] | None = None
    kinds: list[str] | None = None
    regions: list[str] | None = None
    sizes: list[str] | None = None
    transfers: list[str] | None = None
    transfer_states: list[str] | None = None
    authors: list[int] | None = None  # `from:` (server/services/search.py resolves the handles)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    group: bool = False  # a thread once, its further matches under it (_grouped)
    offset: int = 0
    limit: int = 20


def _epoch(day: date, end: bool) -> int:
    moment = datetime.combine(day, time.max if end else time.min, tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _iso(milliseconds: int) -> str:
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC).isoformat()


def has_filters(query: Query) -> bool:
    return any(
        v is not None
        for v in (
            query.spaces,
            query.cities,
            query.profiles,
            query.themes,
            query.langs,
            query.kinds,
            query.regions,
            query.sizes,
            query.transfers,
            query.transfer_states,
            query.authors,
            query.date_from,
            query.date_to,
        )
    )


def _hit(document: dict, highlighter: Highlighter) -> dict:
    # No score: relevance statistics span the whole index, so a score could hint at other spaces.
    lang = document.get("lang") or None
    title = document.get("title") or ""
    body = document.get("body") or ""
    return {
        "key": document["key"],
        "kind": document["kind"],
        "id": document["id"],
        "space_id": document["space_id"] or None,  # needs, offers and city profiles belong to no space
        "context": document.get("context") or "",
        "thread_id": document.get("thread_id") or None,
        "title": title or document.get("context") or "",
        "title_html": highlighter.snippet(title, lang, width=300) if title else "",
        "snippet": highlighter.snippet(body, lang) if body else "",
        "author": {"id": document["author_id"], "name": document.get("author_name") or ""}
        if document.get("author_id")
        else None,
        "date": _iso(document["date"]),
        "lang": document.get("lang") or None,
        "themes": list(document.get("themes") or []),
        "city_ids": list(document.get("city_ids") or []),
        "more": [],
    }


def _grouped(hits: list[dict]) -> list[dict]:
    """A thread once per page: its later hits on the page (the thread or its messages) go under its
    first as `more`, best first, so a long thread's sixty matching replies are one card, not sixty."""
    first: dict[int, dict] = {}
    out = []
    for hit in hits:
        thread = hit["thread_id"] if hit["kind"] in ("thread", "message") else None
        if thread is None:
            out.append(hit)
        elif thread in first:
            first[thread]["more"].append(hit)
        else:
            first[thread] = {**hit, "more": []}
            out.append(first[thread])
    return out


def _counts(name: str, counts: dict[str, int]) -> dict[str, int]:
    # Space 0 stands for "no space" (needs, offers, city profiles): not a value to choose.
    return {k: v for k, v in counts.items() if k != "0"} if name == "space" else counts


def _expanded_words(engine: Engine, parsed: text.ParsedQuery) -> tuple[str, ...]:
    """The words of the labels the engine's vocabulary adds to the query, to mark in snippets: a
    label's words from 4 letters ("logement social" marks both; "of" in a label marks nothing)."""
    words = []
    for expansion in engine.vocabulary.expand(parsed.terms):
        for _, label in expansion.labels:
            terms = text.query_terms(label)
            words += [t.text for t in terms if len(terms) == 1 or len(t.folded) >= 4]
    return tuple(words)


async def search(engine: Engine, readable: list[int] | None, query: Query) -> dict:
    """Hits, facet counts and the total among the documents of `readable` spaces (None: every space)."""
    parsed = text.parse(query.q)
    empty = {
        "hits": [],
        "total": 0,
        "total_is_estimate": False,
        "some_words": False,
        "facets": {name: {} for name in FACET_NAMES},
        "has_more": False,
    }
    if parsed.empty and query.q.strip():
        return empty  # only punctuation: nothing can match
    if query.spaces is not None and readable is not None and ALL_SHARED not in readable:
        # A space the asker cannot read is treated as one with nothing in it.
        allowed = set(readable)
        query.spaces = [s for s in query.spaces if s in allowed]
    if query.spaces == [] or query.authors == []:
        return empty
    offset = min(query.offset, MAX_OFFSET)
    request = Request(
        query=parsed,
        readable=readable,
        filters=Filters(
            space_ids=query.spaces,
            city_ids=query.cities,
            profiles=query.profiles,
            themes=query.themes,
            langs=query.langs,
            kinds=query.kinds,
            regions=query.regions,
            sizes=query.sizes,
            transfers=query.transfers,
            transfer_states=query.transfer_states,
            author_ids=query.authors,
            date_from=_epoch(query.date_from, False) if query.date_from else None,
            date_to=_epoch(query.date_to, True) if query.date_to else None,
        ),
        sort="date" if query.sort == "date" or parsed.empty else "relevance",
        # Facets on the first page only: later pages keep the first page's (the frontend does).
        offset=offset,
        limit=query.limit,
        facets=tuple(FACET_NAMES.values()) if offset == 0 else (),
    )
    try:
        with SEARCH_LATENCY.time():  # the engine's part: no auth, no snippets
            result = await engine.search(request)
    except EngineUnavailable as error:
        raise SearchUnavailable(str(error)) from error
    highlighter = Highlighter(parsed, _expanded_words(engine, parsed))
    return {
        "hits": (_grouped if query.group else list)([_hit(h.document, highlighter) for h in result.hits]),
        "total": result.total,
        "total_is_estimate": result.total_is_estimate,
        "some_words": result.some_words,
        "facets": {api: _counts(api, result.facets.get(field, {})) for api, field in FACET_NAMES.items()},
        "has_more": offset + len(result.hits) < min(result.total, MAX_OFFSET + query.limit),
    }


async def suggest(engine: Engine, readable: list[int] | None, q: str, limit: int) -> list[str]:
    """Completions of the last word of `q`, from documents the asker may read that match the words before it."""
    words, prefix = text.prefix_query(q)
    if not prefix:
        return []
    parsed = text.ParsedQuery(terms=words)
    try:
        with SEARCH_LATENCY.time():
            found = await engine.suggest(parsed, prefix, readable, limit)
    except EngineUnavailable as error:
        raise SearchUnavailable(str(error)) from error
    head = " ".join(t.text for t in words)
    return [f"{head} {word}".strip() for word in found]
