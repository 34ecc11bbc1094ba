"""The embedded engine: tantivy in a directory beside the data (its queries: tantivy_query.py).

Each text goes to a plain field (words lowercased, accents folded) and, when its language
is one we stem, to that language's stemmed field too. A query word is looked up as itself,
as each language's stem, within its allowed typos and, for the last word, as a prefix;
unbroken scripts are indexed one character per token and searched as phrases.
"""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import Future
from pathlib import Path

import tantivy

from search import text
from search import vocabulary as vocabularies
from search.engine import (
    SCHEMA_VERSION,
    Document,
    EngineUnavailable,
    Filters,
    Hit,
    Request,
    Result,
)
from search.engines import tantivy_facets
from search.engines.tantivy_query import QueryBuilder
from search.engines.tantivy_schema import (
    FACET_KEYS,
    TEXT_FIELDS,
    schema,
    stored_fields,
    to_tantivy,
)
from search.text import ParsedQuery

# Totals and facet counts are exact up to EXACT_COUNT readable matches; beyond, they are rounded to
# two significant digits and flagged (total_is_estimate), as "about 64,000".
EXACT_COUNT = 10_000
# The distinct readers of a word's matches that _found reads from its aggregation.
READERS_SEEN = 256


Occur = tantivy.Occur


class TantivyEngine:
    name = "tantivy"

    def __init__(
        self, root: Path, *, heap_bytes: int = 128_000_000, vocabulary: vocabularies.Vocabulary | None = None
    ) -> None:
        self.path = Path(root) / f"v{SCHEMA_VERSION}"
        self.heap_bytes = heap_bytes
        self.schema = schema()
        self.vocabulary = vocabulary if vocabulary is not None else vocabularies.default()
        self.queries = QueryBuilder(self.schema, self.vocabulary)
        self.index: tantivy.Index | None = None
        self._writer: tantivy.IndexWriter | None = None
        self._write_lock = asyncio.Lock()
        self._pending = False  # writes not yet committed

    # --- lifecycle ---------------------------------------------------------------

    async def open(self) -> None:
        await asyncio.to_thread(self._open)

    async def use_vocabulary(self, vocabulary: vocabularies.Vocabulary) -> None:
        self.vocabulary, self.queries = vocabulary, QueryBuilder(self.schema, vocabulary)

    def _open(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        self.index.register_tokenizer("cb", text.analyzer())
        for lang in text.STEMMED:
            self.index.register_tokenizer(f"cb_{lang}", text.analyzer(lang))
        marker = self.path / "generation"
        if not marker.exists():
            marker.write_text(uuid.uuid4().hex)

    async def close(self) -> None:
        async with self._write_lock:
            if self._writer is not None:
                writer, self._writer = self._writer, None
                await asyncio.to_thread(writer.wait_merging_threads)

    async def generation(self) -> str:
        try:
            marker = (self.path / "generation").read_text().strip()
        except OSError as error:  # the index directory is gone or unreadable (an unmounted volume, say)
            raise EngineUnavailable(f"cannot read the search index at {self.path}: {error}") from error
        return f"tantivy:{SCHEMA_VERSION}:{marker}"

    def _writer_or_open(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self.index.writer(self.heap_bytes)
            except ValueError as error:  # another process holds the index's writer lock
                raise EngineUnavailable(f"cannot write the search index: {error}") from error
        return self._writer

    # --- writing -----------------------------------------------------------------

    async def upsert(self, documents: list[Document], commit: bool = True) -> None:
        if documents:
            async with self._write_lock:
                await asyncio.to_thread(self._upsert, documents, commit)
        elif commit:
            await self.commit()

    def _upsert(self, documents: list[Document], commit: bool = True) -> None:
        writer = self._writer_or_open()
        try:
            # One delete for the whole batch (a term set), then the adds: a delete only reaches
            # documents added before it, so the new versions stay. tantivy's own threads analyse
            # what is added; commit waits for them.
            writer.delete_documents_by_query(self.queries.terms("key", [d.key for d in documents]))
            add = writer.add_document
            for document in documents:
                add(to_tantivy(document))
        except Exception as error:
            self._rollback(writer)
            raise EngineUnavailable(f"search index write failed: {error}") from error
        self._pending = True
        if commit:
            self._commit(writer)

    async def commit(self) -> None:
        async with self._write_lock:
            if self._pending:
                await asyncio.to_thread(self._commit, self._writer_or_open())

    async def delete(self, keys: list[str]) -> None:
        if keys:
            async with self._write_lock:
                await asyncio.to_thread(self._delete, keys)

    def _delete(self, keys: list[str]) -> None:
        writer = self._writer_or_open()
        writer.delete_documents_by_query(self.queries.terms("key", keys))
        self._commit(writer)

    async def replace_kinds(self, kinds: tuple[str, ...], documents: list[Document]) -> None:
        async with self._write_lock:
            await asyncio.to_thread(self._replace_kinds, kinds, documents)

    def _replace_kinds(self, kinds: tuple[str, ...], documents: list[Document]) -> None:
        """One commit: a reader sees the old set or the new one, never none."""
        writer = self._writer_or_open()
        try:
            writer.delete_documents_by_query(self.queries.terms("kind", list(kinds)))
            for document in documents:
                writer.add_document(to_tantivy(document))
        except Exception as error:
            self._rollback(writer)
            raise EngineUnavailable(f"search index write failed: {error}") from error
        self._commit(writer)

    async def delete_thread_messages(self, thread_ids: list[int]) -> None:
        if thread_ids:
            async with self._write_lock:
                await asyncio.to_thread(self._delete_thread_messages, thread_ids)

    def _delete_thread_messages(self, thread_ids: list[int]) -> None:
        writer = self._writer_or_open()
        writer.delete_documents_by_query(
            tantivy.Query.boolean_query(
                [
                    (Occur.Must, self.queries.terms("kind", ["message"])),
                    (Occur.Must, self.queries.terms("thread_id", thread_ids)),
                ]
            )
        )
        self._commit(writer)

    def _commit(self, writer: tantivy.IndexWriter) -> None:
        try:
            writer.commit()
        except Exception as error:
            self._rollback(writer)
            raise EngineUnavailable(f"search index commit failed: {error}") from error
        self._pending = False
        self.index.reload()

    def _searcher(self) -> tantivy.Searcher:
        """A searcher on the newest commit. In a process that does not write the index (another of
        `serve --workers` indexes), tantivy would notice a commit only about half a second later;
        reloading first (some 25 us) keeps "the index holds event N" true for every worker at once."""
        if self._writer is None:
            self.index.reload()
        return self.index.searcher()

    def _rollback(self, writer: tantivy.IndexWriter) -> None:
        self._pending = False
        try:
            writer.rollback()
        except Exception:  # the writer is unusable: open a new one next time
            self._writer = None

    async def clear(self) -> None:
        async with self._write_lock:
            await asyncio.to_thread(self._clear)

    def _clear(self) -> None:
        writer = self._writer_or_open()
        writer.delete_all_documents()
        self._commit(writer)
        (self.path / "generation").write_text(uuid.uuid4().hex)

    # --- reading -----------------------------------------------------------------

    def _typo_words(
        self, searcher, parsed: ParsedQuery, readable: list[int] | None, only: set[int] | None = None
    ) -> frozenset[int]:
        """The words (of `only`, when given) to read with typos: those long enough that match nothing, as
        typed, by stem or as a prefix, among the readable documents (not the whole index: what other
        spaces contain must not change an answer)."""
        missing = set()
        for i, term in enumerate(parsed.terms):
            if not term.typos or (only is not None and i not in only):
                continue
            if not self._found(searcher, self.queries.word(term), readable):
                missing.add(i)
        return frozenset(missing)

    def _found(self, searcher, query: tantivy.Query, readable: list[int] | None) -> bool:
        """Whether a readable document matches `query`. Its matches' readers come from one aggregation
        over the query alone: the readable documents' bitset, which the filtered query builds first, cost
        more than the whole check (at 1M documents, 0.1-0.8 ms per word against 0.7-2.1). When the
        matches have more distinct readers than READERS_SEEN (the participants of many conversations)
        and none of those seen is readable, the filtered query decides."""
        if readable is None:
            return bool(searcher.search(query, 1, count=False).hits)
        spec = {"r": {"terms": {"field": "readers", "size": READERS_SEEN, "segment_size": FACET_KEYS}}}
        seen = searcher.aggregate(query, spec)["r"]
        if any(self.queries.reads(readable, int(bucket["key"])) for bucket in seen["buckets"]):
            return True
        if not seen.get("sum_other_doc_count"):
            return False
        scoped = tantivy.Query.boolean_query([(Occur.Must, query), (Occur.Must, self.queries.readers(readable))])
        return bool(searcher.search(scoped, 1, count=False).hits)

    async def search(self, request: Request) -> Result:
        if request.readable is not None and not request.readable:
            return Result([], 0, {name: {} for name in request.facets})
        try:
            return await asyncio.to_thread(self._search, request)
        except ValueError:  # a query tantivy refuses matches nothing, rather than failing the request
            return Result([], 0, {name: {} for name in request.facets})

    def _matching(self, searcher, request: Request) -> tuple[object, Future | None, bool]:
        """The page of top hits that answers `request`, its facet counts (under way: _ranked), and
        whether it holds only some of the words: every word as typed; when nothing matches, the
        missing words read with typos; when still nothing, the documents with some of the words."""
        parsed = request.query

        def answered(query, found) -> bool:  # a later page may be empty while the query matches
            return bool(found.hits) or (request.offset > 0 and bool(searcher.search(query, 1, count=False).hits))

        # A word the vocabulary expands matches through its other labels even when it is misspelt
        # ("mieszkanie" for "mieszkania"): such a word is checked as typed at once, and read with
        # typos too when the readable documents do not hold it.
        expanded = {i for e in self.vocabulary.expand(parsed.terms) for i in range(e.start, e.end)}
        typos = self._typo_words(searcher, parsed, request.readable, expanded) if expanded else frozenset()
        query = self.queries.query(parsed, request.readable, request.filters, typos)
        found, facets = self._ranked(searcher, query, request)
        if answered(query, found):
            return found, facets, False
        # Nothing matched as typed. Only then can a word be missing from the readable documents,
        # so only then are words checked one by one and the missing ones read with typos: the
        # common case is a single pass, and the answer is the same as checking every word first.
        typos = self._typo_words(searcher, parsed, request.readable) if any(t.typos for t in parsed.terms) else None
        if typos:
            query = self.queries.query(parsed, request.readable, request.filters, typos)
            found, facets = self._ranked(searcher, query, request)
            if answered(query, found):
                return found, facets, False
        if len(parsed.terms) + len(parsed.phrases) < 2:
            return found, facets, False
        # No readable document has every word: rank those with some of them, as a person would drop
        # a word and search again, and say so (an engine that answers nothing is a dead end).
        query = self.queries.some_words(parsed, request.readable, request.filters, typos or frozenset())
        return *self._ranked(searcher, query, request), True

    def _ranked(self, searcher, query: tantivy.Query, request: Request) -> tuple[object, Future | None]:
        """The page of top hits of `query` and, when the request asks for facets, its facet pass,
        started first on another thread (tantivy_facets.py) so that the two overlap. When the hits show
        the query is not the answer (nothing matched), the facets are left unread."""
        facets = tantivy_facets.submit(searcher, query, request.facets) if request.facets else None
        return self._top(searcher, query, request), facets

    def _search(self, request: Request) -> Result:
        searcher = self._searcher()
        found, facets, some_words = self._matching(searcher, request)
        hits = [Hit(stored_fields(searcher.doc(address)), float(score)) for score, address in found.hits]
        if facets is None:
            return Result(hits, found.count, {}, some_words=some_words)
        if not hits and request.offset == 0:  # nothing matched: the facet pass is not waited for
            return Result([], 0, {name: {} for name in request.facets})
        total, counts = facets.result()
        # Past EXACT_COUNT matches the figures are rounded and flagged: the screen says "about".
        if total <= EXACT_COUNT:
            return Result(hits, total, counts, some_words=some_words)
        return Result(hits, *tantivy_facets.rounded(total, counts), total_is_estimate=True, some_words=some_words)

    @staticmethod
    def _top(searcher, query: tantivy.Query, request: Request):
        # With facets the total comes from the facet pass, so the top hits need no count.
        count = not request.facets
        if request.sort == "date":
            return searcher.search(
                query,
                request.limit,
                count=count,
                offset=request.offset,
                order_by_field="sort_key",
                order=tantivy.Order.Desc,
            )
        return searcher.search(query, request.limit, count=count, offset=request.offset)

    async def suggest(self, words: ParsedQuery, prefix: str, readable: list[int] | None, limit: int) -> list[str]:
        if readable is not None and not readable:
            return []
        return await asyncio.to_thread(self._suggest, words, prefix, readable, limit)

    def _suggest(self, words: ParsedQuery, prefix: str, readable: list[int] | None, limit: int) -> list[str]:
        plain = text.analyze(prefix)
        if not plain:
            return []
        searcher = self._searcher()
        scope = self.queries.query(words, readable, Filters())
        if any(t.typos for t in words.terms) and not searcher.search(scope, 1, count=False).hits:
            typos = self._typo_words(searcher, words, readable)  # as in search: typos only when needed
            if typos:
                scope = self.queries.query(words, readable, Filters(), typos)
        counts: dict[str, int] = {}
        for field in TEXT_FIELDS:
            for term, count in searcher.terms_with_prefix(field, plain[0], filter_query=scope, limit=limit * 2):
                if count and len(term) > 1:
                    counts[term] = counts.get(term, 0) + count
        return [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]
