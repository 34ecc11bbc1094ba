"""Highlighting: which words of a text a query matched, and the snippet that shows them
(docs/search.md)."""

from __future__ import annotations

import html

from rapidfuzz.distance import OSA

from search.text import STEMMED, WORDS_OUTSIDE_UNBROKEN, ParsedQuery, Term, fold, is_unbroken, stem


def _within(a: str, b: str, limit: int) -> bool:
    """Damerau-Levenshtein (optimal string alignment) distance of a and b is at most limit: the
    engines' typo rule. rapidfuzz computes it in C++ and stops at the limit."""
    return abs(len(a) - len(b)) <= limit and OSA.distance(a, b, score_cutoff=limit) <= limit


_CHUNK = 600


class Highlighter:
    """Marks the words of a text that a query matched, by the rules the engines match with:
    the same word without accents, the same stem in the text's language, a word within the
    allowed typos, the last word as a prefix, and runs of unbroken script."""

    def __init__(self, parsed: ParsedQuery, also: tuple[str, ...] = ()) -> None:
        """`also`: more words to mark, such as the labels a vocabulary expanded the query with."""
        self.words: list[Term] = [t for t in parsed.terms if not t.is_phrase]
        self.words += [Term(w, fold(w)) for p in parsed.phrases for w in p.words if not is_unbroken(w[:1])]
        self.words += [Term(w, fold(w)) for w in also if not is_unbroken(w[:1])]
        self.exact = {t.folded for t in self.words}
        # The engines read with typos only the query's own words: never a quoted phrase's, never a
        # label the vocabulary adds. Marking those within a typo would mark what did not match.
        self.typo_words = [t for t in parsed.terms if not t.is_phrase and t.typos]
        self.runs = [t.text for t in parsed.terms if t.is_phrase]
        self.runs += ["".join(p.words) for p in parsed.phrases if all(is_unbroken(w) for w in p.words)]
        self.prefixes = [t.folded for t in self.words if t.prefix and len(t.folded) >= 2]
        self._stems: dict[str, set[str]] = {}
        self._seen: dict[str | None, dict[str, bool]] = {}
        self._typo_seen: dict[tuple, dict[str, bool]] = {}

    def _stems_for(self, language: str) -> set[str]:
        if language not in self._stems:
            self._stems[language] = {stem(t.text, language) for t in self.words}
        return self._stems[language]

    def _matches(self, word: str, language: str | None, typos: list[tuple[str, int]]) -> bool:
        folded = fold(word)
        if folded in self.exact:
            return True
        for prefix in self.prefixes:
            if folded.startswith(prefix):
                return True
        if language in STEMMED:
            stems = self._stems_for(language)
            if any(folded.startswith(s[:3]) for s in stems if s) and stem(word, language) in stems:
                return True
        return any(_within(folded, target, limit) for target, limit in typos)

    def spans(self, text: str, language: str | None) -> list[tuple[int, int]]:
        # Each distinct word is judged once per query (words repeat across the hits of a page).
        seen = self._seen.setdefault(language, {})
        words = [(m.group(0), m.span()) for m in WORDS_OUTSIDE_UNBROKEN.finditer(text)]
        found = []
        for word, span in words:
            matched = seen.get(word)
            if matched is None:
                matched = seen[word] = self._matches(word, language, [])
            if matched:
                found.append(span)
        # Typos are tried only for query words the text does not contain as typed: the engines
        # read a word with typos only when it is not found as it is.
        heads = {fold(text[a:b])[:4] for a, b in found}
        typos = tuple((t.folded, t.typos) for t in self.typo_words if t.folded[:4] not in heads)
        if typos:
            judged = self._typo_seen.setdefault(typos, {})
            already = set(found)
            for word, span in words:
                if span in already:
                    continue
                matched = judged.get(word)
                if matched is None:
                    folded = fold(word)
                    matched = judged[word] = any(_within(folded, target, limit) for target, limit in typos)
                if matched:
                    found.append(span)
        for run in self.runs:
            start = text.find(run)
            while start >= 0:
                found.append((start, start + len(run)))
                start = text.find(run, start + len(run))
        return sorted(found)

    def _first_spans(self, text: str, language: str | None) -> list[tuple[int, int]]:
        """The matches of the first stretch of a long text that has any: a snippet shows one place,
        so a 100,000-character document is not marked up whole for every hit."""
        start = 0
        while start < len(text):
            end = min(len(text), start + _CHUNK)
            if end < len(text):
                space = text.rfind(" ", start, end)
                end = space if space > start else end
            found = self.spans(text[start:end], language)
            if found:
                # Mark the stretch a snippet can show around the first match, across chunk ends.
                first = start + found[0][0]
                low = text.rfind(" ", 0, max(0, first - 400)) + 1
                high = text.find(" ", first + 800)
                high = len(text) if high < 0 else high
                return [(a + low, b + low) for a, b in self.spans(text[low:high], language)]
            start = end
        return []

    def snippet(self, text: str, language: str | None, width: int = 240) -> str:
        """An HTML fragment of about `width` characters around the first match; only <mark> is markup."""
        if not text:
            return ""
        spans = self.spans(text, language) if len(text) <= _CHUNK else self._first_spans(text, language)
        start = 0
        if spans and spans[0][0] > width // 3:
            start = spans[0][0] - width // 3
            space = text.rfind(" ", start - 20, start)
            start = space + 1 if space >= 0 else start
        end = min(len(text), start + width)
        if end < len(text):
            space = text.find(" ", end, end + 20)
            end = space if space >= 0 else end
        out = ["…" if start > 0 else ""]
        cursor = start
        for a, b in spans:
            if b <= cursor or a >= end:
                continue
            a = max(a, cursor)
            out.append(html.escape(text[cursor:a], quote=False))
            out.append(f"<mark>{html.escape(text[a:b], quote=False)}</mark>")
            cursor = b
        out.append(html.escape(text[cursor:end], quote=False))
        if end < len(text):
            out.append("…")
        return "".join(out).replace("</mark><mark>", "")
