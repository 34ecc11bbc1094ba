"""The domain vocabulary: concepts of local migration governance with their labels per language
(the files of search/data/vocabulary/, the format described in core.txt), read into an index that finds the
concepts a run of query words names, by its words as typed or by their stems in the label's
language. Engines expand those words with the concept's other labels (docs/search.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from search import text

# The shipped vocabulary: every .txt file of this directory, read in name order (one file per field of
# work; a concept named in two files gains both files' labels).
DEFAULT_DIR = Path(__file__).parent / "data" / "vocabulary"


def shipped_files() -> list[Path]:
    return sorted(DEFAULT_DIR.glob("*.txt"))


LANGUAGES = frozenset("en fr es nl de pt it pl sv da fi no ro cs hu el tr ru uk th vi zh ja ko ar fa hi id".split())
MAX_LABEL_WORDS = 6
_CONCEPT = re.compile(r"^\[([a-z0-9][a-z0-9-]{0,60})\]$")
_LABELS = re.compile(r"^([a-z]{2,3}):\s*(.*)$")


class VocabularyError(ValueError):
    """A vocabulary file with a bad entry: says which file, which line and why."""

    def __init__(self, name: str, line: int, reason: str) -> None:
        super().__init__(f"{name}:{line}: {reason}")
        self.line, self.reason = line, reason


@dataclass
class Concept:
    name: str
    labels: dict[str, list[str]] = field(default_factory=dict)  # language -> labels, preferred first

    def all_labels(self) -> list[str]:
        return [label for labels in self.labels.values() for label in labels]

    def labelled(self) -> list[tuple[str, str]]:
        return [(language, label) for language, labels in self.labels.items() for label in labels]


@dataclass(frozen=True)
class Expansion:
    """Query words `start`..`end` (indexes into the query's terms) name concepts; `labels` are the
    other labels of those concepts with their language, to be searched beside the words."""

    start: int
    end: int
    labels: tuple[tuple[str, str], ...]


def _key(label: str) -> tuple[str, ...]:
    return tuple(t.folded for t in text.query_terms(label))


def _stem_key(label: str, language: str) -> tuple[str, ...]:
    return tuple(text.stem(t.text, language) or t.folded for t in text.query_terms(label))


class Vocabulary:
    def __init__(self, concepts: list[Concept]) -> None:
        self.concepts = concepts
        # (language or "", words) -> concept indexes; "" holds the folded words of every label,
        # a language its stemmed labels, so "newcomers" finds the label "newcomer".
        self._index: dict[tuple[str, tuple[str, ...]], set[int]] = {}
        self.longest = 1
        self._expand = lru_cache(maxsize=4096)(self._expand_uncached)
        for i, concept in enumerate(concepts):
            for language, labels in concept.labels.items():
                for label in labels:
                    key = _key(label)
                    self.longest = max(self.longest, len(key))
                    self._index.setdefault(("", key), set()).add(i)
                    if language in text.STEMMED:
                        self._index.setdefault((language, _stem_key(label, language)), set()).add(i)

    def __len__(self) -> int:
        return len(self.concepts)

    def _concepts_of(self, terms: list[text.Term]) -> set[int]:
        found = set(self._index.get(("", tuple(t.folded for t in terms)), ()))
        for language in text.STEMMED:
            stems = tuple(text.stem(t.text, language) or t.folded for t in terms)
            found |= self._index.get((language, stems), set())
        return found

    def expand(self, terms: list[text.Term]) -> tuple[Expansion, ...]:
        """The runs of `terms` that name concepts, longest first and not overlapping, each with the
        concepts' other labels (the words as typed are searched anyway). Remembered for the last
        queries: an engine's query, its typo check and the snippets all ask for the same words."""
        return self._expand(tuple(terms))

    def _expand_uncached(self, terms: tuple[text.Term, ...]) -> tuple[Expansion, ...]:
        expansions: list[Expansion] = []
        i = 0
        while i < len(terms):
            for n in range(min(self.longest, len(terms) - i), 0, -1):
                run = terms[i : i + n]
                if any(t.is_phrase and len(t.chars) > 40 for t in run):
                    continue
                concepts = self._concepts_of(run)
                if concepts:
                    typed = tuple(t.folded for t in run)
                    labels = sorted(
                        {
                            (language, label)
                            for c in concepts
                            for language, label in self.concepts[c].labelled()
                            if _key(label) != typed
                        }
                    )
                    expansions.append(Expansion(i, i + n, tuple(labels)))
                    i += n
                    break
            else:
                i += 1
        return tuple(expansions)

    def synonyms(self) -> dict[str, list[str]]:
        """Every label -> the other labels of its concepts, folded: Meilisearch's `synonyms` setting."""
        out: dict[str, set[str]] = {}
        for concept in self.concepts:
            folded = sorted({" ".join(_key(label)) for label in concept.all_labels()} - {""})
            for label in folded:
                out.setdefault(label, set()).update(other for other in folded if other != label)
        return {label: sorted(others) for label, others in sorted(out.items()) if others}


def parse(source: str, name: str = "vocabulary") -> list[Concept]:
    """The concepts of a vocabulary file; a bad line raises VocabularyError naming it."""
    concepts: dict[str, Concept] = {}
    current: Concept | None = None
    for number, raw in enumerate(source.splitlines(), start=1):
        line = raw.strip()

        def refuse(reason: str, number: int = number) -> VocabularyError:
            return VocabularyError(name, number, reason)

        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            match = _CONCEPT.match(line)
            if not match:
                raise refuse("a concept's name is [lowercase-letters-digits-and-dashes]")
            current = concepts.setdefault(match.group(1), Concept(match.group(1)))
            continue
        match = _LABELS.match(line)
        if not match:
            raise refuse("expected '[concept]' or 'language: label | label'")
        if current is None:
            raise refuse("labels before the first [concept]")
        language, rest = match.groups()
        if language not in LANGUAGES:
            raise refuse(f"unknown language code {language!r}")
        labels = [label.strip() for label in rest.split("|")]
        for label in labels:
            if not label:
                raise refuse("an empty label")
            words = _key(label)
            if not words:
                raise refuse(f"the label {label!r} has no word in it")
            if len(words) > MAX_LABEL_WORDS:
                raise refuse(f"the label {label!r} is longer than {MAX_LABEL_WORDS} words")
        known = current.labels.setdefault(language, [])
        known += [label for label in labels if label not in known]
    return list(concepts.values())


def merge(*sources: list[Concept]) -> Vocabulary:
    """One vocabulary of these lists of concepts, in order: a concept named again later gains its labels."""
    merged: dict[str, Concept] = {}
    for concepts in sources:
        for concept in concepts:
            into = merged.setdefault(concept.name, Concept(concept.name))
            for language, labels in concept.labels.items():
                known = into.labels.setdefault(language, [])
                known += [label for label in labels if label not in known]
    return Vocabulary(list(merged.values()))


def load(*paths: Path) -> Vocabulary:
    """The vocabulary of these files, in order: a concept named again in a later file gains its labels."""
    return merge(*(parse(Path(path).read_text(encoding="utf-8"), str(path)) for path in paths))


@lru_cache(maxsize=8)
def default(extra: Path | None = None) -> Vocabulary:
    """The vocabulary shipped with Citybridge, and the operator's file when there is one."""
    return load(*shipped_files(), *([extra] if extra else []))
