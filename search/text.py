"""Words: how text is cut into tokens, folded, stemmed and parsed as a query.

Highlighting is in search/highlight.py, language detection in search/language.py.

Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer,
Myanmar) are cut into single characters; a word of such a script in a query becomes
a phrase of its characters, so it is found inside a sentence without a dictionary.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import tantivy

STEMMED = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "nl": "dutch",
    "de": "german",
    "pt": "portuguese",
    "it": "italian",
    # Found by their script (search/language.py): tantivy stems these too. Ukrainian, Thai, Chinese and
    # the other languages without a stemmer are matched as written (folded), never with another's stems.
    "ru": "russian",
    "el": "greek",
    "ar": "arabic",
}
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
WORDS_OUTSIDE_UNBROKEN = re.compile(rf"[^\W_{_UNBROKEN}](?:[^\W_{_UNBROKEN}]|[\u0300-\u036f])*")


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


# A stemmer of a language with its own script stems only words written in it: a Latin word is never
# looked up in the Russian, Greek or Arabic stemmed fields (it would only cost a query clause).
_OWN_SCRIPT = {
    "ru": re.compile("[\u0400-\u04ff]"),
    "el": re.compile("[\u0370-\u03ff\u1f00-\u1fff]"),
    "ar": re.compile("[\u0600-\u06ff]"),
}


@lru_cache(maxsize=50_000)
def stem(word: str, language: str) -> str:
    """The word's stem in the language ("" when it has none there)."""
    script = _OWN_SCRIPT.get(language)
    if script is not None and not script.search(word):
        return ""
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
        """One typo from 4 letters ("dsek", "hosing"), two from 9. Typos are read only for a word no
        readable document holds as typed, so a short word does not flood results with its neighbours."""
        n = len(self.folded)
        return 0 if self.chars or n < 4 else 1 if n < 9 else 2


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


def query_terms(words: str) -> list[Term]:
    """The terms of `words` as a query reads them (a run of unbroken script is one term)."""
    return _terms(unicodedata.normalize("NFC", words))


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


OPERATORS = ("from", "in")
# `from:handle` and `in:space` outside quotes, at the start of a word; the value runs to the next space.
_OPERATOR = re.compile(r'(?<!\S)(from|in):([^\s"]*)', re.IGNORECASE)


def split_operators(q: str) -> tuple[str, dict[str, list[str]]]:
    """The query without its operators, and each operator's values (`from:ana in:12` → {"from":
    ["ana"], "in": ["12"]}). Inside "quoted phrases" they are words; an operator with nothing after
    it ("from:") is dropped."""
    found: dict[str, list[str]] = {}
    parts = q.split('"')
    if len(parts) % 2 == 0:  # unbalanced quotes: parse() ignores them, and so does this
        parts = [q.replace('"', " ")]

    def take(match: re.Match) -> str:
        if match.group(2):
            found.setdefault(match.group(1).lower(), []).append(match.group(2))
        return " "

    kept = [part if i % 2 else _OPERATOR.sub(take, part) for i, part in enumerate(parts)]
    return '"'.join(kept).strip(), found


def prefix_query(q: str) -> tuple[list[Term], str]:
    """For suggestions: the complete words before the last, and the folded last word."""
    terms = _terms(unicodedata.normalize("NFC", q)[:MAX_QUERY_CHARS])[:MAX_WORDS]
    if not terms or q[-1:].isspace():
        return terms, ""
    return terms[:-1], terms[-1].folded
