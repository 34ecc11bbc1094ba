"""The embedded engine's queries: a query word as typed, as each language's stem, within its typos
and, for the last word, as a prefix; words that name a concept of the vocabulary also as the
concept's other labels (ranked below the words as typed); the filters, the readable spaces first."""

from __future__ import annotations

import tantivy

from search import text
from search.engine import ALL_SHARED, SHARED_RANGE, Filters
from search.text import ParsedQuery, Term
from search.vocabulary import Vocabulary

TITLE_BOOST = 3.0
PREFIX_FROM = 4  # the last word of a query also matches as a prefix from this many letters
EXPANDED_SCORE = 0.1  # a concept's other label found in a field: a constant, below any word typed
Occur = tantivy.Occur
Q = tantivy.Query
FIELDS = (("title", TITLE_BOOST), ("body", 1.0))


class QueryBuilder:
    def __init__(self, schema: tantivy.Schema, vocabulary: Vocabulary) -> None:
        self.schema = schema
        self.vocabulary = vocabulary
        # label()'s queries, built once per builder (one per vocabulary): a concept's thirty-odd labels
        # took 0.25-0.6 ms of Python to build, in each of a search's passes. Queries are immutable,
        # so searches on other threads share them; at most one per label of the vocabulary.
        self._labels: dict[tuple[str, str], tantivy.Query] = {}

    def terms(self, field: str, values: list) -> tantivy.Query:
        return Q.term_set_query(self.schema, field, values)

    def word(self, term: Term, typos: bool = False) -> tantivy.Query:
        """The clauses of one query word: as typed, as each language's stem, the last word as a prefix,
        and, when `typos`, within its allowed typos."""
        schema = self.schema
        clauses: list[tantivy.Query] = []
        for field, boost in FIELDS:
            if term.is_phrase:
                query = self._chars(field, term)
                if query is not None:
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
            if term.prefix and len(word) >= PREFIX_FROM:
                # A one-word phrase prefix is a term range with a constant score: unlike a fuzzy prefix
                # it does not score every completion one by one. Short prefixes ("de", "the") expand to
                # the most frequent words of a language and would cost more than the rest of the query;
                # completing them is the suggest route's work.
                clauses.append(Q.boost_query(Q.phrase_prefix_query(schema, field, [word]), boost * 0.5))
            if typos and term.typos:
                clauses.append(Q.boost_query(Q.fuzzy_term_query(schema, field, word, term.typos, True), boost * 0.5))
        if not clauses:
            return Q.empty_query()
        return Q.boolean_query([(Occur.Should, c) for c in clauses])

    def _chars(self, field: str, term: Term) -> tantivy.Query | None:
        """A run of unbroken script: the phrase of its characters as indexed (signs that are no
        letters drop out), or None when nothing is left."""
        chars = text.analyze(term.text)
        if not chars:
            return None
        if len(chars) == 1:
            return Q.term_query(self.schema, field, chars[0])
        return Q.phrase_query(self.schema, field, chars)

    def phrase(self, words: tuple[str, ...]) -> tantivy.Query:
        tokens = [t for w in words for t in text.analyze(w)]
        if len(tokens) < 2:
            return self.word(Term(words[0], text.fold(words[0])))
        phrases = [Q.boost_query(Q.phrase_query(self.schema, field, tokens), boost) for field, boost in FIELDS]
        return Q.boolean_query([(Occur.Should, q) for q in phrases])

    def label(self, language: str, label: str) -> tantivy.Query:
        """A vocabulary label, in the title or the body: each word as itself or as its stem in the label's
        own language (not every language's: a label says which it is), all of them; the stemmed fields
        keep no positions, so several words are not a phrase ("primo-arrivantes" finds "primo-arrivant").
        A constant score per field: a label found counts EXPANDED_SCORE (times the title's boost), so
        any word as typed, or read with its typos, ranks a document above one with other labels only."""
        query = self._labels.get((language, label))
        if query is None:
            query = self._labels[language, label] = self._label(language, label)
        return query

    def _label(self, language: str, label: str) -> tantivy.Query:
        terms = text.query_terms(label)
        fields = []
        for field, boost in FIELDS:
            words = [self._label_word(language, t, field) for t in terms]
            if any(w is None for w in words):
                return Q.empty_query()
            each = words[0] if len(words) == 1 else Q.boolean_query([(Occur.Must, w) for w in words])
            fields.append(Q.const_score_query(each, EXPANDED_SCORE * boost))
        return Q.boolean_query([(Occur.Should, f) for f in fields])

    def _label_word(self, language: str, term: Term, field: str) -> tantivy.Query | None:
        if term.is_phrase:
            return self._chars(field, term)
        plain = text.analyze(term.text)
        if not plain:
            return None
        stemmed = text.stem(term.text, language) if language in text.STEMMED else ""
        if not stemmed:
            return Q.term_query(self.schema, field, plain[0])
        stem = Q.term_query(self.schema, f"{field}_{language}", stemmed)
        return Q.boolean_query([(Occur.Should, Q.term_query(self.schema, field, plain[0])), (Occur.Should, stem)])

    def groups(self, parsed: ParsedQuery, typos: frozenset[int] = frozenset()) -> list[tantivy.Query]:
        """One clause per query word, or per run of words that names a concept: those words as typed
        (all of them) or one of the concept's other labels; then one per quoted phrase."""
        terms = parsed.terms
        expansions = {e.start: e for e in self.vocabulary.expand(terms)}
        out: list[tantivy.Query] = []
        i = 0
        while i < len(terms):
            expansion = expansions.get(i)
            if expansion is None:
                out.append(self.word(terms[i], i in typos))
                i += 1
                continue
            typed = [self.word(terms[j], j in typos) for j in range(expansion.start, expansion.end)]
            literal = typed[0] if len(typed) == 1 else Q.boolean_query([(Occur.Must, q) for q in typed])
            alternatives = [self.label(lang, label) for lang, label in expansion.labels]
            out.append(Q.boolean_query([(Occur.Should, q) for q in [literal, *alternatives]]))
            i = expansion.end
        return out + [self.phrase(p.words) for p in parsed.phrases]

    def readers(self, readable: list[int]) -> tantivy.Query:
        """The documents these readers may find; ALL_SHARED (search/engine.py) as a range of readers."""
        if ALL_SHARED not in readable:
            return self.terms("readers", readable)
        low, high = SHARED_RANGE
        shared = Q.range_query(self.schema, "readers", tantivy.FieldType.Integer, low, high)
        rest = [r for r in readable if r != ALL_SHARED]
        return Q.boolean_query([(Occur.Should, q) for q in [shared, *([self.terms("readers", rest)] if rest else [])]])

    @staticmethod
    def reads(readable: list[int], reader: int) -> bool:
        """Whether readers(readable) matches a document that `reader` reads: the same rule, for one value."""
        if reader in readable and reader != ALL_SHARED:
            return True
        low, high = SHARED_RANGE
        return ALL_SHARED in readable and low <= reader <= high

    def filters(self, readable: list[int] | None, filters: Filters) -> list[tantivy.Query]:
        must = []
        if readable is not None:
            must.append(self.readers(readable))
        must += [self.terms(field, values) for field, values in filters.by_field()]
        if filters.date_from is not None or filters.date_to is not None:
            must.append(
                Q.range_query(self.schema, "date", tantivy.FieldType.Integer, filters.date_from, filters.date_to)
            )
        return must

    def query(
        self, parsed: ParsedQuery, readable: list[int] | None, filters: Filters, typos: frozenset[int] = frozenset()
    ) -> tantivy.Query:
        """Every word (read with typos when its index is in `typos`) and phrase, within the filters."""
        must = self.groups(parsed, typos) + self.filters(readable, filters)
        if not must:
            return Q.all_query()
        return Q.boolean_query([(Occur.Must, q) for q in must])

    def some_words(
        self, parsed: ParsedQuery, readable: list[int] | None, filters: Filters, typos: frozenset[int]
    ) -> tantivy.Query:
        """Documents with at least one of the words or phrases, within the filters: scored by the words
        they hold, so those with more of them (and the rarer ones) come first."""
        some = Q.boolean_query([(Occur.Should, q) for q in self.groups(parsed, typos)])
        return Q.boolean_query([(Occur.Must, q) for q in [some, *self.filters(readable, filters)]])
