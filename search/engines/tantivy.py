"""The embedded engine: tantivy in a directory beside the data.

Each text goes to a plain field (words lowercased, accents folded) and, when its language
is one we stem, to that language's stemmed field too. A query word is looked up as itself,
as each language's stem, within its allowed typos and, for the last word, as a prefix;
unbroken scripts are indexed one character per token and searched as phrases.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import tantivy

from search import text
from search.engine import SCHEMA_VERSION, Document, EngineUnavailable, Filters, Hit, Request, Result
from search.text import ParsedQuery, Term

_INT_FIELDS = ("id", "space_id", "author_id", "thread_id", "date")
_KEYWORD_FIELDS = ("kind", "lang", "profiles", "themes")
_MULTI = {"city_ids", "profiles", "themes"}
_TEXT = ("title", "body")
TITLE_BOOST = 3.0
Occur = tantivy.Occur


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    for name in _INT_FIELDS + ("city_ids",):
        builder.add_integer_field(name, stored=True, indexed=True, fast=True)
    for name in _KEYWORD_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name="raw", fast=True)
    for name in ("author_name", "context"):
        builder.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
    for name in _TEXT:
        builder.add_text_field(name, stored=True, tokenizer_name="cb")
        for lang in text.STEMMED:
            builder.add_text_field(f"{name}_{lang}", tokenizer_name=f"cb_{lang}")
    return builder.build()


def _doc(document: Document) -> tantivy.Document:
    fields = document.as_dict()
    lang = fields["lang"]
    if lang in text.STEMMED:
        fields[f"title_{lang}"] = fields["title"]
        fields[f"body_{lang}"] = fields["body"]
    if not fields["lang"]:
        del fields["lang"]
    return tantivy.Document(**{k: v for k, v in fields.items() if v != []})


def _stored(doc: tantivy.Document) -> dict:
    raw = doc.to_dict()
    out = {k: (v if k in _MULTI else v[0]) for k, v in raw.items() if v or k in _MULTI}
    for name in _MULTI:
        out.setdefault(name, [])
    out.setdefault("lang", "")
    return out


class TantivyEngine:
    name = "tantivy"

    def __init__(self, root: Path, *, heap_bytes: int = 128_000_000) -> None:
        self.path = Path(root) / f"v{SCHEMA_VERSION}"
        self.heap_bytes = heap_bytes
        self.schema = _schema()
        self.index: tantivy.Index | None = None
        self._writer: tantivy.IndexWriter | None = None
        self._write_lock = asyncio.Lock()

    # --- lifecycle ---------------------------------------------------------------

    async def open(self) -> None:
        await asyncio.to_thread(self._open)

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
        return f"tantivy:{SCHEMA_VERSION}:{(self.path / 'generation').read_text().strip()}"

    def _writer_or_open(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self.index.writer(self.heap_bytes)
            except ValueError as error:  # another process holds the index's writer lock
                raise EngineUnavailable(f"cannot write the search index: {error}") from error
        return self._writer

    # --- writing -----------------------------------------------------------------

    async def upsert(self, documents: list[Document]) -> None:
        if documents:
            async with self._write_lock:
                await asyncio.to_thread(self._upsert, documents)

    def _upsert(self, documents: list[Document]) -> None:
        writer = self._writer_or_open()
        for document in documents:
            writer.delete_documents_by_term("key", document.key)
            writer.add_document(_doc(document))
        self._commit(writer)

    async def delete(self, keys: list[str]) -> None:
        if keys:
            async with self._write_lock:
                await asyncio.to_thread(self._delete, keys)

    def _delete(self, keys: list[str]) -> None:
        writer = self._writer_or_open()
        for key in keys:
            writer.delete_documents_by_term("key", key)
        self._commit(writer)

    def _commit(self, writer: tantivy.IndexWriter) -> None:
        try:
            writer.commit()
        except Exception as error:
            writer.rollback()
            raise EngineUnavailable(f"search index commit failed: {error}") from error
        self.index.reload()

    async def clear(self) -> None:
        async with self._write_lock:
            await asyncio.to_thread(self._clear)

    def _clear(self) -> None:
        writer = self._writer_or_open()
        writer.delete_all_documents()
        self._commit(writer)
        (self.path / "generation").write_text(uuid.uuid4().hex)

    # --- reading -----------------------------------------------------------------

    def _terms(self, field: str, values: list) -> tantivy.Query:
        return tantivy.Query.term_set_query(self.schema, field, values)

    def _word(self, term: Term, searcher=None, scope: tantivy.Query | None = None) -> tantivy.Query:
        schema, Q = self.schema, tantivy.Query
        clauses: list[tantivy.Query] = []
        fuzzy: list[tantivy.Query] = []
        for field, boost in (("title", TITLE_BOOST), ("body", 1.0)):
            if term.is_phrase:
                query = (Q.phrase_query(schema, field, list(term.chars)) if len(term.chars) > 1
                         else Q.term_query(schema, field, term.chars[0]))
                clauses.append(Q.boost_query(query, boost))
                continue
            plain = text.analyze(term.text)
            if not plain:
                continue
            word = plain[0]
            clauses.append(Q.boost_query(Q.term_query(schema, field, word), boost * 1.5))
            for lang in text.STEMMED:
                stemmed = text.stem(term.text, lang)
                if stemmed:
                    clauses.append(Q.boost_query(Q.term_query(schema, f"{field}_{lang}", stemmed), boost))
            if term.prefix and len(word) >= 2:
                clauses.append(Q.boost_query(Q.fuzzy_term_query(schema, field, word, 0, True, True), boost * 0.5))
            if term.typos:
                fuzzy.append(Q.boost_query(Q.fuzzy_term_query(schema, field, word, term.typos, True), boost * 0.5))
        if not clauses:
            return Q.empty_query()
        exact = Q.boolean_query([(Occur.Should, c) for c in clauses])
        # A word found as typed (or by its stem, or as a prefix) in the readable documents is taken as
        # meant; only a word found nowhere there is read with typos. Levenshtein automata cost about
        # a millisecond each, so this keeps common queries fast; the check is scoped to readable
        # spaces so that what other spaces contain cannot change an answer.
        if fuzzy and searcher is not None and not self._exists(searcher, exact, scope):
            return Q.boolean_query([(Occur.Should, c) for c in clauses + fuzzy])
        return exact

    @staticmethod
    def _exists(searcher, query: tantivy.Query, scope: tantivy.Query | None) -> bool:
        if scope is not None:
            query = tantivy.Query.boolean_query([(Occur.Must, query), (Occur.Must, scope)])
        return bool(searcher.search(query, 1, count=False).hits)

    def _phrase(self, words: tuple[str, ...]) -> tantivy.Query:
        Q = tantivy.Query
        tokens = [t for w in words for t in text.analyze(w)]
        if len(tokens) < 2:
            return self._word(Term(words[0], text.fold(words[0])))
        return Q.boolean_query([
            (Occur.Should, Q.boost_query(Q.phrase_query(self.schema, field, tokens), boost))
            for field, boost in (("title", TITLE_BOOST), ("body", 1.0))
        ])

    def _filters(self, readable: list[int] | None, filters: Filters) -> list[tantivy.Query]:
        must = []
        if readable is not None:
            must.append(self._terms("space_id", readable))
        for field, values in (("space_id", filters.space_ids), ("city_ids", filters.city_ids),
                              ("profiles", filters.profiles), ("themes", filters.themes),
                              ("lang", filters.langs), ("kind", filters.kinds)):
            if values is not None:
                must.append(self._terms(field, values))
        if filters.date_from is not None or filters.date_to is not None:
            must.append(tantivy.Query.range_query(self.schema, "date", tantivy.FieldType.Integer,
                                                  filters.date_from, filters.date_to))
        return must

    def _query(self, parsed: ParsedQuery, readable: list[int] | None, filters: Filters,
               searcher=None) -> tantivy.Query:
        scope = self._terms("space_id", readable) if readable is not None else None
        must = [self._word(t, searcher, scope) for t in parsed.terms] + [self._phrase(p.words) for p in parsed.phrases]
        must += self._filters(readable, filters)
        if not must:
            return tantivy.Query.all_query()
        return tantivy.Query.boolean_query([(Occur.Must, q) for q in must])

    async def search(self, request: Request) -> Result:
        if request.readable is not None and not request.readable:
            return Result([], 0, {name: {} for name in request.facets})
        try:
            return await asyncio.to_thread(self._search, request)
        except ValueError:  # a query tantivy refuses matches nothing, rather than failing the request
            return Result([], 0, {name: {} for name in request.facets})

    def _search(self, request: Request) -> Result:
        searcher = self.index.searcher()
        query = self._query(request.query, request.readable, request.filters, searcher)
        if request.sort == "date":
            found = searcher.search(query, request.limit, count=True, offset=request.offset,
                                    order_by_field="date", order=tantivy.Order.Desc)
        else:
            found = searcher.search(query, request.limit, count=True, offset=request.offset)
        hits = [Hit(_stored(searcher.doc(address)), float(score)) for score, address in found.hits]
        facets: dict[str, dict[str, int]] = {}
        if request.facets and found.count:
            spec = {name: {"terms": {"field": name, "size": 200}} for name in request.facets}
            aggregated = searcher.aggregate(query, spec)
            for name in request.facets:
                facets[name] = {str(b["key"]): b["doc_count"] for b in aggregated[name]["buckets"]}
        else:
            facets = {name: {} for name in request.facets}
        return Result(hits, found.count, facets)

    async def suggest(self, words: ParsedQuery, prefix: str, readable: list[int] | None,
                      limit: int) -> list[str]:
        if readable is not None and not readable:
            return []
        return await asyncio.to_thread(self._suggest, words, prefix, readable, limit)

    def _suggest(self, words: ParsedQuery, prefix: str, readable: list[int] | None, limit: int) -> list[str]:
        plain = text.analyze(prefix)
        if not plain:
            return []
        searcher = self.index.searcher()
        scope = self._query(words, readable, Filters(), searcher)
        counts: dict[str, int] = {}
        for field in _TEXT:
            for term, count in searcher.terms_with_prefix(field, plain[0], filter_query=scope, limit=limit * 2):
                if count and len(term) > 1:
                    counts[term] = counts.get(term, 0) + count
        return [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]
