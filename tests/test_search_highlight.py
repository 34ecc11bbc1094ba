"""Snippets mark what the engines matched (search/highlight.py): typos only for the query's own words."""

from __future__ import annotations

import re

from search import text
from search.highlight import Highlighter


def marked(snippet: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", snippet)


def test_a_query_word_is_marked_within_its_typos_a_label_and_a_phrase_only_as_written():
    # "housing" is a label the vocabulary added: the engines match it as written (or by its stem),
    # never within a typo, so "hausing" stays unmarked while "sheltr" (one typo from the query's own
    # "shelter") is marked.
    highlighter = Highlighter(text.parse("shelter"), also=("housing",))
    assert marked(highlighter.snippet("a sheltr, some housing and hausing", "en")) == ["sheltr", "housing"]

    # A quoted phrase is matched as written: its words are marked, a near miss is not.
    highlighter = Highlighter(text.parse('"welcome desk" interpreters'))
    assert marked(highlighter.snippet("the welcme dsk has interpretors", "en")) == ["interpretors"]
    assert marked(highlighter.snippet("the welcome desk", "en")) == ["welcome", "desk"]
