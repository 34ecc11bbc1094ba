"""Search across every space the caller may read, and search-as-you-type suggestions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)

from search import query as search_query
from search.documents_more import SIZES as size_classes
from search.engine import KINDS, TRANSFER_ROLES
from server.api import paging
from server.api.framework import Context, endpoint
from server.api.schemas.base import Cursor
from server.api.schemas.exact import WHITESPACE, Written, doc, listed
from server.errors import Invalid, problem
from server.services import search as search_service
from server.services.transfers_rules import STATES as TRANSFER_STATES
from server.themes import THEMES

PROFILES = ("traditional", "newer")
SIZES = tuple(name for _, name in size_classes)


def _listed(allowed: tuple[str, ...] | None, number: bool = False):
    def check(raw: str) -> list:
        values = [v.strip() for v in raw.split(",") if v.strip()]
        if not values or len(values) > 50:
            raise ValueError("give 1 to 50 comma-separated values")
        if number:
            if not all(v.isdigit() and 0 < int(v) < 2**53 for v in values):
                raise ValueError("give ids: positive integers separated by commas")
            return sorted({int(v) for v in values})
        unknown = [v for v in values if allowed is not None and v not in allowed]
        if unknown:
            raise ValueError(f"unknown value {unknown[0]!r}; one of: {', '.join(allowed)}")
        return sorted(set(values))

    return check


def _languages(raw: str) -> list[str]:
    values = _listed(None)(raw.lower())
    if not all(v.isalpha() and 2 <= len(v) <= 3 for v in values):
        raise ValueError("give language codes such as en, fr, vi")
    return values


def _joined(value) -> str:
    """A validated list back to its comma-separated form, when the parameters are dumped."""
    return ",".join(map(str, value)) if isinstance(value, list) else value


# Validated into a list; dumped back as the comma-separated string it came as.
Short = Annotated[str, StringConstraints(max_length=1000), PlainSerializer(_joined, return_type=str)]
Ids = Annotated[Short, AfterValidator(_listed(None, number=True)), doc(pattern=listed(item="[1-9][0-9]{0,14}"))]


REGION = rf"[^,{WHITESPACE}][^,]{{0,119}}"  # a region's name: not starting with what strip() takes


class SearchParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    q: Annotated[str, StringConstraints(max_length=500)] = Field(
        "", description='Words to find; "quoted phrases"; the last word also matches as a prefix.'
    )
    space: Ids | None = Field(None, description="Space ids, comma-separated.")
    city: Ids | None = Field(None, description="City ids, comma-separated.")
    profile: Annotated[Short, AfterValidator(_listed(PROFILES)), doc(pattern=listed(PROFILES))] | None = None
    theme: Annotated[Short, AfterValidator(_listed(tuple(THEMES))), doc(pattern=listed(tuple(THEMES)))] | None = None
    lang: Annotated[Short, AfterValidator(_languages), doc(pattern=listed(item="[a-z]{2,3}"))] | None = Field(
        None, description="Language codes."
    )
    kind: Annotated[Short, AfterValidator(_listed(KINDS)), doc(pattern=listed(KINDS))] | None = Field(
        None, description="thread, message, practice, file, link, need, offer, city, event; comma-separated."
    )
    region: Annotated[Short, AfterValidator(_listed(None)), doc(pattern=listed(item=REGION))] | None = Field(
        None, description="Regions of the city (needs, offers, city profiles), comma-separated."
    )
    size: Annotated[Short, AfterValidator(_listed(SIZES)), doc(pattern=listed(SIZES))] | None = Field(
        None, description="City size classes: small (<100k), medium (<500k), large (<1.5M), metropolis."
    )
    transfer: Annotated[Short, AfterValidator(_listed(TRANSFER_ROLES)), doc(pattern=listed(TRANSFER_ROLES))] | None = (
        Field(
            None,
            description="Practice records in a transfer of their own space: `source` (transferred from), `adapted` "
            "(the record a transfer produced).",
        )
    )
    transfer_state: (
        Annotated[Short, AfterValidator(_listed(TRANSFER_STATES)), doc(pattern=listed(TRANSFER_STATES))] | None
    ) = Field(None, description="Practice records in a transfer (of their own space) in one of these states.")
    date_from: Annotated[dt.date, Written] | None = Field(
        None, alias="from", description="Earliest date, YYYY-MM-DD (an event's start date, else its writing)."
    )
    date_to: Annotated[dt.date, Written] | None = Field(
        None, alias="to", description="Latest date, YYYY-MM-DD (included)."
    )
    group: Literal["thread"] | None = Field(
        None, description="`thread`: a thread once per page, its further matches under it as `more`."
    )
    sort: Literal["relevance", "date"] = "relevance"
    limit: Annotated[int, Field(ge=1, le=50)] = 20
    page: Annotated[int, Field(ge=1, le=50)] | None = Field(None, description="Instead of cursor: page number.")
    cursor: Cursor | None = None


class SuggestParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    q: Annotated[str, StringConstraints(max_length=200)]
    limit: Annotated[int, Field(ge=1, le=20)] = 8


class AuthorBrief(BaseModel):
    id: int
    name: str


class SearchHitBrief(BaseModel):
    """A further match in the same thread, shown under the thread's first."""

    key: str
    kind: str
    id: int
    thread_id: int | None
    title: str
    snippet: str
    author: AuthorBrief | None
    date: str


class SearchHit(BaseModel):
    key: str
    kind: str
    id: int
    space_id: int | None = Field(description="None for needs, offers and city profiles.")
    context: str = Field(
        "",
        description="The thread of a message, the city of a need or offer, an event's status (scheduled, cancelled).",
    )
    thread_id: int | None
    title: str
    title_html: str = Field(description="The title, HTML-escaped, with matches in <mark>.")
    snippet: str = Field(description="A fragment of the text, HTML-escaped, with matches in <mark>.")
    author: AuthorBrief | None
    date: str
    lang: str | None
    themes: list[str]
    city_ids: list[int]
    more: list[SearchHitBrief] = Field(
        [],
        description="Threads and messages: the thread's further matches on this page, best first (the thread "
        "is one card per page; `total` and paging count every match).",
    )


class SearchOut(BaseModel):
    hits: list[SearchHit]
    total: int
    total_is_estimate: bool = Field(
        False,
        description="True when more than 10,000 readable documents match: `total` and the facet counts "
        "are then estimated from a sample (rounded to two significant digits); hits are exact.",
    )
    some_words: bool = Field(
        False,
        description="True when no readable document holds every word of `q`: the hits hold some of them, "
        "those with more of the words (and the rarer ones) first.",
    )
    facets: dict[str, dict[str, int]] = Field(
        description="Counts per value of kind, lang, theme, city, profile, space, region, size, transfer and "
        "transfer_state, among "
        "readable documents; on the first page only (empty on later pages)."
    )
    next_cursor: str | None


class SuggestOut(BaseModel):
    items: list[str]


def _engine(ctx: Context):
    return getattr(ctx.request.app.state, "search_engine", None)


@endpoint(
    "GET",
    "/api/search",
    summary="Search threads, messages, library resources, events, needs, offers and city profiles the caller may read",
    tag="search",
    query=SearchParams,
    response=SearchOut,
    errors=(400, 401, 422, 429, 503),
    rate="search",
)
async def search(ctx: Context[None, SearchParams]):
    params = ctx.query
    if params.cursor is not None and params.page is not None:
        raise Invalid("Give a cursor or a page, not both.", fields={"page": problem("conflicts_with", other="cursor")})
    secret = ctx.settings.secret_key
    if params.cursor is not None:
        offset = paging.decode(secret, params.cursor, (int,))[0]
    else:
        offset = ((params.page or 1) - 1) * params.limit
    query = search_query.Query(
        q=params.q,
        spaces=params.space,
        cities=params.city,
        profiles=params.profile,
        themes=params.theme,
        langs=params.lang,
        kinds=params.kind,
        regions=params.region,
        sizes=params.size,
        transfers=params.transfer,
        transfer_states=params.transfer_state,
        date_from=params.date_from,
        date_to=params.date_to,
        sort=params.sort,
        group=params.group == "thread",
        offset=offset,
        limit=params.limit,
    )
    found = await search_service.search(ctx.db, ctx.user, _engine(ctx), query)
    next_cursor = paging.encode(secret, [offset + len(found["hits"])]) if found.pop("has_more") else None
    return {**found, "next_cursor": next_cursor}


@endpoint(
    "GET",
    "/api/search/suggest",
    summary="Complete the last word typed, from readable documents",
    tag="search",
    query=SuggestParams,
    response=SuggestOut,
    errors=(401, 422, 429, 503),
    rate="suggest",
)
async def suggest(ctx: Context[None, SuggestParams]):
    items = await search_service.suggest(ctx.db, ctx.user, _engine(ctx), ctx.query.q, ctx.query.limit)
    return {"items": items}
