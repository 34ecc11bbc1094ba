"""Meilisearch, for production: typo tolerance, prefix search and segmentation of every script
are its own. Index settings are applied at start and every task is awaited and checked."""

from __future__ import annotations

import json
from collections import Counter

from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk.errors import MeilisearchApiError, MeilisearchError
from meilisearch_python_sdk.models.settings import (
    MeilisearchSettings,
    MinWordSizeForTypos,
    TypoTolerance,
)

from search import text
from search import vocabulary as vocabularies
from search.engine import (
    ALL_SHARED,
    SCHEMA_VERSION,
    SHARED_RANGE,
    Document,
    EngineUnavailable,
    Filters,
    Hit,
    Request,
    Result,
)
from search.text import ParsedQuery
from search.vocabulary import Vocabulary

FILTERABLE = [
    "readers",
    "regions",
    "sizes",
    "transfers",
    "transfer_states",
    "space_id",
    "city_ids",
    "profiles",
    "themes",
    "lang",
    "kind",
    "date",
    "author_id",
    "thread_id",
]
TASK_TIMEOUT_MS = 120_000


def _settings(vocabulary: Vocabulary) -> MeilisearchSettings:
    return MeilisearchSettings(
        # Each label of a concept of the vocabulary finds the concept's other labels (docs/search.md).
        synonyms=vocabulary.synonyms(),
        searchable_attributes=["title", "body"],  # a title match ranks above a body match
        filterable_attributes=FILTERABLE,
        sortable_attributes=["date", "id"],
        displayed_attributes=["*"],
        # "sort" first: with sort=date:desc the order is by date; without a sort it is a no-op.
        ranking_rules=["sort", "words", "typo", "proximity", "attribute", "exactness"],
        typo_tolerance=TypoTolerance(
            enabled=True, min_word_size_for_typos=MinWordSizeForTypos(one_typo=4, two_typos=9)
        ),
    )


def _value(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def filter_expression(readable: list[int] | None, filters: Filters) -> list[str]:
    """Meilisearch filter clauses, ANDed; the readable spaces always come first."""
    clauses = []
    if readable is not None:
        listed = [r for r in readable if r != ALL_SHARED]
        within = [f"readers IN [{', '.join(str(int(s)) for s in listed)}]"] if listed else []
        if ALL_SHARED in readable:  # a range of readers (search/engine.py)
            within.append(f"readers {SHARED_RANGE[0]} TO {SHARED_RANGE[1]}")
        clauses.append(" OR ".join(within) if len(within) == 1 else f"({' OR '.join(within)})")
    for field, values in filters.by_field():
        clauses.append(f"{field} IN [{', '.join(_value(v) for v in values)}]")
    if filters.date_from is not None:
        clauses.append(f"date >= {int(filters.date_from)}")
    if filters.date_to is not None:
        clauses.append(f"date <= {int(filters.date_to)}")
    return clauses


def query_string(parsed: ParsedQuery) -> str:
    words = [t.text for t in parsed.terms]
    words += ['"' + " ".join(p.words) + '"' for p in parsed.phrases]
    return " ".join(words)


def _pk(key: str) -> str:
    return key.replace(":", "-")


class MeilisearchEngine:
    name = "meilisearch"

    def __init__(
        self, url: str, api_key: str | None, *, uid: str | None = None, vocabulary: Vocabulary | None = None
    ) -> None:
        self.url = url
        self.vocabulary = vocabulary if vocabulary is not None else vocabularies.default()
        self.client = AsyncClient(url, api_key, timeout=30)
        self.uid = uid or f"citybridge_v{SCHEMA_VERSION}"
        self.index = self.client.index(self.uid)

    async def _wait(self, task) -> None:
        result = await self.client.wait_for_task(task.task_uid, timeout_in_ms=TASK_TIMEOUT_MS)
        if result.status != "succeeded":
            raise EngineUnavailable(f"Meilisearch task {task.task_uid} {result.status}: {result.error}")

    async def _call(self, coroutine):
        try:
            return await coroutine
        except EngineUnavailable:
            raise
        except (MeilisearchError, OSError, Exception) as error:  # the client wraps httpx errors variously
            raise EngineUnavailable(f"Meilisearch: {error}") from error

    async def use_vocabulary(self, vocabulary: Vocabulary) -> None:
        """The synonyms setting, then the expansion marks: Meilisearch reindexes nothing for synonyms."""

        async def update():
            await self._wait(await self.index.update_synonyms(vocabulary.synonyms()))

        await self._call(update())
        self.vocabulary = vocabulary

    async def open(self) -> None:
        async def setup():
            try:
                self.index = await self.client.get_index(self.uid)
            except MeilisearchApiError:
                self.index = await self.client.create_index(self.uid, primary_key="pk")
            await self._wait(await self.index.update_settings(_settings(self.vocabulary)))

        await self._call(setup())

    async def close(self) -> None:
        await self.client.aclose()

    async def generation(self) -> str:
        info = await self._call(self.index.fetch_info())
        return f"meilisearch:{SCHEMA_VERSION}:{self.uid}:{info.created_at.isoformat()}"

    async def upsert(self, documents: list[Document], commit: bool = True) -> None:
        # Every task is awaited, so each write is already durable: commit has nothing to add.
        if documents:
            rows = [{**d.as_dict(), "pk": _pk(d.key)} for d in documents]
            await self._call(self._wait(await self.index.add_documents(rows, primary_key="pk")))

    async def commit(self) -> None:
        pass

    async def delete(self, keys: list[str]) -> None:
        if keys:
            await self._call(self._wait(await self.index.delete_documents([_pk(k) for k in keys])))

    async def replace_kinds(self, kinds: tuple[str, ...], documents: list[Document]) -> None:
        """The new set first, then what is no longer in it: a reader never finds the kinds empty."""
        await self.upsert(documents)
        keep = {_pk(d.key) for d in documents}
        stale: list[str] = []
        offset = 0
        while True:
            page = await self._call(
                self.index.get_documents(
                    filter=f"kind IN [{', '.join(kinds)}]", fields=["pk"], offset=offset, limit=1000
                )
            )
            stale += [row["pk"] for row in page.results if row["pk"] not in keep]
            offset += len(page.results)
            if not page.results or offset >= page.total:
                break
        if stale:
            await self._call(self._wait(await self.index.delete_documents(stale)))

    async def delete_thread_messages(self, thread_ids: list[int]) -> None:
        if thread_ids:
            expression = f"kind = message AND thread_id IN [{', '.join(str(int(t)) for t in thread_ids)}]"
            await self._call(self._wait(await self.index.delete_documents_by_filter(expression)))

    async def clear(self) -> None:
        async def recreate():
            await self.client.delete_index_if_exists(self.uid)
            self.index = await self.client.create_index(self.uid, primary_key="pk")
            await self._wait(await self.index.update_settings(_settings(self.vocabulary)))

        await self._call(recreate())

    async def search(self, request: Request) -> Result:
        if request.readable is not None and not request.readable:
            return Result([], 0, {name: {} for name in request.facets})
        found, total, estimated = await self._page(request, "all")
        some_words = False
        if not total and len(request.query.terms) + len(request.query.phrases) > 1:
            # No readable document has every word: those with some, dropping the most frequent words
            # first (as the embedded engine ranks them), and the answer says so.
            found, total, estimated = await self._page(request, "frequency")
            some_words = True
        hits = []
        for raw in found.hits:
            score = raw.pop("_rankingScore", 0.0)
            raw.pop("pk", None)
            hits.append(Hit(raw, float(score)))
        facets = {
            name: {str(k): v for k, v in (found.facet_distribution or {}).get(name, {}).items()}
            for name in request.facets
        }
        return Result(hits, total, facets, estimated, some_words and bool(hits))

    async def _page(self, request: Request, strategy: str):
        options = dict(
            filter=filter_expression(request.readable, request.filters) or None,
            facets=list(request.facets) or None,
            sort=["date:desc", "id:desc"] if request.sort == "date" else None,
            matching_strategy=strategy,
            show_ranking_score=True,
        )
        if request.offset % request.limit == 0:  # pages give an exact total
            found = await self._call(
                self.index.search(
                    query_string(request.query),
                    hits_per_page=request.limit,
                    page=request.offset // request.limit + 1,
                    **options,
                )
            )
            return found, found.total_hits or 0, False
        found = await self._call(
            self.index.search(query_string(request.query), offset=request.offset, limit=request.limit, **options)
        )
        return found, found.estimated_total_hits or 0, True

    async def suggest(self, words: ParsedQuery, prefix: str, readable: list[int] | None, limit: int) -> list[str]:
        if readable is not None and not readable or not prefix:
            return []
        found = await self._call(
            self.index.search(
                f"{query_string(words)} {prefix}".strip(),
                limit=50,
                matching_strategy="all",
                filter=filter_expression(readable, Filters()) or None,
                attributes_to_retrieve=["title", "body"],
            )
        )
        counts: Counter[str] = Counter()
        for hit in found.hits:
            for field in ("title", "body"):
                for match in text.tokens(hit.get(field) or ""):
                    word = text.fold(match.group(0))
                    if word.startswith(prefix) and len(word) > 1:
                        counts[word] += 1
        return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]
