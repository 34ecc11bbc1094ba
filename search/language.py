"""Language detection by stop words and scripts, for texts that do not say their language
(docs/search.md)."""

from __future__ import annotations

import re
from collections import Counter

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
_UKRAINIAN = re.compile("[іїєґІЇЄҐ]")
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
                if lang == "ru" and _UKRAINIAN.search(sample):  # letters Russian does not have
                    lang = "uk"
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
