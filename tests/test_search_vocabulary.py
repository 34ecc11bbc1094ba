"""The domain vocabulary (search/data/vocabulary/*.txt): what it holds, how a query's words find its
concepts, and how a bad file is refused. Engines expanding with it: tests/test_search_engines.py."""

from __future__ import annotations

import pytest

from search import text, vocabulary
from search.vocabulary import VocabularyError

EUROPEAN = ("en", "fr", "es", "nl", "de", "pt", "it", "pl")


def test_the_shipped_vocabulary_covers_the_network_languages():
    shipped = vocabulary.load(*vocabulary.shipped_files())
    assert len(shipped) >= 45
    for concept in shipped.concepts:
        missing = [lang for lang in EUROPEAN if not concept.labels.get(lang)]
        assert not missing, f"{concept.name} has no label in {missing}"
    asian_or_arabic = {lang for c in shipped.concepts for lang in c.labels} & {"th", "vi", "zh", "ar"}
    assert asian_or_arabic == {"th", "vi", "zh", "ar"}


def labels_for(q: str, vocab=None) -> list[set[str]]:
    vocab = vocab or vocabulary.default()
    return [{label for _, label in e.labels} for e in vocab.expand(text.parse(q).terms)]


def test_words_find_concepts_by_form_plural_and_run_of_words():
    assert "logement" in labels_for("housing")[0] and "vivienda" in labels_for("housing")[0]
    assert "housing" in labels_for("Logements")[0]  # a plural, a capital: stems in the label's language
    assert "nieuwkomer" in labels_for("recently arrived migrants")[0]  # one concept for three words
    both = labels_for("newcomers housing")
    assert len(both) == 2 and "primo-arrivant" in both[0] and "Wohnraum" in both[1]
    assert "住房" in labels_for("ที่อยู่อาศัย")[0]  # Thai finds Chinese
    assert labels_for("the") == [] and labels_for("zebra crossing") == []
    assert all("housing" not in found for found in labels_for("housing"))  # the typed word is not repeated


def test_synonyms_for_meilisearch_are_symmetric_and_folded():
    synonyms = vocabulary.default().synonyms()
    assert "logement" in synonyms["housing"] and "housing" in synonyms["logement"]
    assert "integracion" in synonyms["integration"]  # folded, as both engines compare words


def test_an_operator_file_adds_labels_and_concepts(tmp_path):
    extra = tmp_path / "ours.txt"
    extra.write_text("[housing]\nen: tiny homes\n\n[ramadan]\nen: Ramadan | iftar\nfr: ramadan\n", encoding="utf-8")
    merged = vocabulary.load(*vocabulary.shipped_files(), extra)
    assert "tiny homes" in labels_for("housing", merged)[0] and "logement" in labels_for("tiny homes", merged)[0]
    assert labels_for("iftar", merged) == [{"Ramadan", "ramadan"}]


@pytest.mark.parametrize(
    "source, line, reason",
    [
        ("en: housing\n", 1, "before the first [concept]"),
        ("[Housing Policy]\nen: housing\n", 1, "a concept's name"),
        ("[housing]\nxx: housing\n", 2, "unknown language code 'xx'"),
        ("[housing]\n\nen: housing | | logement\n", 3, "an empty label"),
        ("[housing]\nen: !!!\n", 2, "has no word in it"),
        ("[housing]\nhousing and more\n", 2, "expected '[concept]'"),
        ("[housing]\nen: " + " ".join(["word"] * 7) + "\n", 2, "longer than 6 words"),
    ],
)
def test_a_bad_file_is_refused_with_its_line_and_reason(tmp_path, source, line, reason):
    bad = tmp_path / "bad.txt"
    bad.write_text(source, encoding="utf-8")
    with pytest.raises(VocabularyError) as refused:
        vocabulary.load(bad)
    assert f"{bad}:{line}:" in str(refused.value) and reason in str(refused.value)
