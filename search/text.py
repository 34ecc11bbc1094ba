"""Words: how text is cut into tokens, folded, stemmed, parsed as a query and highlighted.

Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer,
Myanmar) are cut into single characters; a word of such a script in a query becomes
a phrase of its characters, so it is found inside a sentence without a dictionary.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import tantivy

STEMMED = {"en": "english", "fr": "french", "es": "spanish", "nl": "dutch", "de": "german"}
MAX_WORDS = 32
MAX_QUERY_CHARS = 500

# Unbroken scripts: each character is a token.
_UNBROKEN = (
    "\u0e00-\u0e7f"  # Thai
    "\u0e80-\u0eff"  # Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff\u19e0-\u19ff"  # Khmer
    "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
)
# A word: letters, digits and combining marks of any other script.
_WORD_PY = re.compile(rf"[{_UNBROKEN}]|[^\W_{_UNBROKEN}](?:[^\W_{_UNBROKEN}]|[\u0300-\u036f])*")
_UNBROKEN_RE = re.compile(rf"[{_UNBROKEN}]")
_WORD_OUTSIDE_UNBROKEN = re.compile(rf"[^\W_{_UNBROKEN}](?:[^\W_{_UNBROKEN}]|[\u0300-\u036f])*")


def is_unbroken(char: str) -> bool:
    return bool(_UNBROKEN_RE.match(char))


def analyzer(language: str | None = None) -> tantivy.TextAnalyzer:
    """The analyzer of the embedded engine: words, lowercased, stemmed for `language`, accents folded.

    tantivy's simple tokenizer (runs of alphanumeric characters) is ~10x faster than a regex
    tokenizer; text goes through `index_form` first, which puts unbroken scripts one character per
    word and composes accents (NFC), so the words come out as `tokens` cuts them."""
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    builder = builder.filter(tantivy.Filter.remove_long(60)).filter(tantivy.Filter.lowercase())
    if language:
        builder = builder.filter(tantivy.Filter.stemmer(STEMMED[language]))
    return builder.filter(tantivy.Filter.ascii_fold()).build()


_UNBROKEN_RUN = re.compile(rf"[{_UNBROKEN}]")


def index_form(text: str) -> str:
    """Text as the engine's analyzer should see it: NFC, each character of an unbroken script a word
    of its own. ASCII text (most of it) is returned as it is, without a copy."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    if _UNBROKEN_RUN.search(text):
        text = _UNBROKEN_RUN.sub(r" \g<0> ", text)
    return text


_analyzers: dict[str | None, tantivy.TextAnalyzer] = {}


def analyze(text: str, language: str | None = None) -> list[str]:
    if language not in _analyzers:
        _analyzers[language] = analyzer(language)
    return _analyzers[language].analyze(index_form(text))


@lru_cache(maxsize=50_000)
def stem(word: str, language: str) -> str:
    tokens = analyze(word, language)
    return tokens[0] if tokens else ""


_FOLD_EXTRA = str.maketrans(
    {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i"}
)


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """Lowercase without accents, close to tantivy's ascii folding for the scripts we meet."""
    lowered = word.lower().translate(_FOLD_EXTRA)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c)) or lowered


def tokens(text: str) -> list[re.Match]:
    return list(_WORD_PY.finditer(text))


# --- queries ------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One word of a query: the word as typed, folded; a run of unbroken script is a phrase of characters."""

    text: str
    folded: str
    chars: tuple[str, ...] = ()
    prefix: bool = False

    @property
    def is_phrase(self) -> bool:
        return bool(self.chars)

    @property
    def typos(self) -> int:
        """One typo from 5 letters, two from 9 (Meilisearch's defaults)."""
        n = len(self.folded)
        return 0 if self.chars or n < 5 else 1 if n < 9 else 2


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass
class ParsedQuery:
    terms: list[Term] = field(default_factory=list)
    phrases: list[Phrase] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.terms and not self.phrases

    def words(self) -> list[str]:
        return [t.text for t in self.terms] + [w for p in self.phrases for w in p.words]


def _terms(text: str) -> list[Term]:
    found: list[Term] = []
    run: list[str] = []
    last_end = -1
    for match in tokens(text):
        word = match.group(0)
        if is_unbroken(word):
            if run and match.start() != last_end:
                found.append(Term("".join(run), "".join(run), tuple(run)))
                run = []
            run.append(word)
            last_end = match.end()
            continue
        if run:
            found.append(Term("".join(run), "".join(run), tuple(run)))
            run = []
        found.append(Term(word, fold(word)))
    if run:
        found.append(Term("".join(run), "".join(run), tuple(run)))
    return found


def parse(q: str) -> ParsedQuery:
    """Words and "quoted phrases". An unbalanced quote is read as a plain word separator."""
    q = unicodedata.normalize("NFC", q)[:MAX_QUERY_CHARS]
    parsed = ParsedQuery()
    parts = q.split('"')
    if len(parts) % 2 == 0:  # unbalanced: ignore the quotes
        parts = [q.replace('"', " ")]
    loose: list[str] = []
    for i, part in enumerate(parts):
        if i % 2 == 1:
            words = [m.group(0) for m in tokens(part)]
            if len(words) > 1:
                parsed.phrases.append(Phrase(tuple(words)))
                continue
        loose.append(part)
    parsed.terms = _terms(" ".join(loose))[:MAX_WORDS]
    ends_in_word = bool(q) and not q[-1].isspace() and not q.endswith('"')
    if parsed.terms and ends_in_word and not parsed.terms[-1].is_phrase:
        last = parsed.terms[-1]
        parsed.terms[-1] = Term(last.text, last.folded, prefix=True)
    return parsed


def prefix_query(q: str) -> tuple[list[Term], str]:
    """For suggestions: the complete words before the last, and the folded last word."""
    terms = _terms(unicodedata.normalize("NFC", q)[:MAX_QUERY_CHARS])[:MAX_WORDS]
    if not terms or q[-1:].isspace():
        return terms, ""
    return terms[:-1], terms[-1].folded


# --- highlighting ---------------------------------------------------------------


def _within(a: str, b: str, limit: int) -> bool:
    """Damerau-Levenshtein (optimal string alignment) distance of a and b is at most limit."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


_CHUNK = 600


class Highlighter:
    """Marks the words of a text that a query matched, by the rules the engines match with:
    the same word without accents, the same stem in the text's language, a word within the
    allowed typos, the last word as a prefix, and runs of unbroken script."""

    def __init__(self, parsed: ParsedQuery) -> None:
        self.words: list[Term] = [t for t in parsed.terms if not t.is_phrase]
        self.words += [Term(w, fold(w)) for p in parsed.phrases for w in p.words if not is_unbroken(w[:1])]
        self.exact = {t.folded for t in self.words}
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
        words = [(m.group(0), m.span()) for m in _WORD_OUTSIDE_UNBROKEN.finditer(text)]
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
        typos = tuple((t.folded, t.typos) for t in self.words if t.typos and t.folded[:4] not in heads)
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


# --- languages ------------------------------------------------------------------

_STOPWORDS = {
    "en": "the and of to in is that for it with as was on are be this by have from or not at which but "
    "we our their they has were been will can an these",
    "fr": "le la les de des du et est une un que qui dans pour pas sur au aux avec ce cette sont il elle "
    "nous vous leur ou par plus se ne",
    "es": "el la los las de del y que en un una es por con para se no al lo como su sus más pero este esta son hay",
    "nl": "de het een en van in is dat op te zijn voor met die niet aan er om ook als bij wordt naar maar wij deze",
    "de": "der die das und ist nicht mit von zu den dem ein eine auf für sich auch es im des werden wir sind bei oder",
    "pt": "o a os as de do da dos das e que em um uma para com não no na por se mais são",
    "it": "il lo la gli le di del della e che in un una per con non sono da al nel si anche",
    "vi": "và của là có không được cho trong những các một người này với đã để khi thì",
}
_STOPSETS = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}
_SCRIPTS = [
    ("th", "\u0e00", "\u0e7f"),
    ("lo", "\u0e80", "\u0eff"),
    ("km", "\u1780", "\u17ff"),
    ("my", "\u1000", "\u109f"),
    ("ja", "\u3040", "\u30ff"),
    ("ko", "\uac00", "\ud7af"),
    ("zh", "\u4e00", "\u9fff"),
    ("ar", "\u0600", "\u06ff"),
    ("ru", "\u0400", "\u04ff"),
    ("el", "\u0370", "\u03ff"),
    ("hi", "\u0900", "\u097f"),
]


_STOPWORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _words in _STOPSETS.items():
    for _word in _words:
        _STOPWORD_LANGS[_word] = _STOPWORD_LANGS.get(_word, ()) + (_lang,)
_LETTER_RUNS = re.compile(r"[^\W_]+")
_BEYOND_LATIN = re.compile("[\u0370-\U0010ffff]")
_VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")


def detect_language(text: str, fallback: str | None = None) -> str | None:
    """A small, predictable detector: the script for non-Latin text, else the language whose common
    words the text uses most. Falls back when the text gives no clear signal.

    It runs once per indexed message, so the common case (Latin text) is a few regular-expression
    passes in C: script counting only looks at characters beyond Latin, when there are any."""
    sample = text[:2000]
    ascii_only = sample.isascii()
    if not ascii_only:
        beyond = _BEYOND_LATIN.findall(sample)
        if beyond:
            counts: dict[str, int] = {}
            for char in beyond:
                if char.isalpha():
                    for lang, low, high in _SCRIPTS:
                        if low <= char <= high:
                            counts[lang] = counts.get(lang, 0) + 1
                            break
            if counts:
                letters = sum(1 for c in sample if c.isalpha())
                lang, n = max(counts.items(), key=lambda kv: kv[1])
                if lang == "zh" and counts.get("ja"):
                    lang = "ja"
                if n * 3 >= letters:
                    return lang
    scores = dict.fromkeys(_STOPSETS, 0)
    # Words for counting: runs of letters and digits (a cheaper pattern than `tokens`; unbroken
    # scripts, the only place they differ, were decided on above or hold no stop words).
    words = Counter(_LETTER_RUNS.findall(sample.lower()))
    n_words = words.total()
    for word in words:
        langs = _STOPWORD_LANGS.get(word)
        if langs:
            for lang in langs:
                scores[lang] += words[word]
    if not ascii_only and _VIETNAMESE.search(sample):
        scores["vi"] += 3
    best = max(scores.items(), key=lambda kv: kv[1])
    ranked = sorted(scores.values(), reverse=True)
    if best[1] >= 2 and best[1] > ranked[1]:
        return best[0]
    if best[1] == 1 and ranked[1] == 0 and n_words <= 6:
        return best[0]
    return fallback
