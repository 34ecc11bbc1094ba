"""The domain vocabulary (search/data/vocabulary/*.txt): what it holds, how a query's words find its
concepts, and how a bad file is refused. Engines expanding with it: tests/test_search_engines.py."""

from __future__ import annotations

import contextlib

import pytest

from search import text, vocabulary
from search.engine import Document, Request
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


def assert_find_each_other(typed: str, other: str) -> None:
    found, back = labels_for(typed), labels_for(other)
    assert len(found) == 1 and other in found[0]
    assert len(back) == 1 and typed in back[0]


def message(number: int, lang: str, body: str, space: int = 1) -> Document:
    return Document(
        key=f"message:{number}",
        kind="message",
        id=number,
        space_id=space,
        city_ids=[],
        profiles=[],
        themes=[],
        lang=lang,
        author_id=1,
        author_name="Ana",
        date=1_700_000_000,
        title="",
        body=body,
    )


@contextlib.asynccontextmanager
async def shipped_engine(tmp_path, documents: list[Document]):
    """The embedded engine with the shipped vocabulary and these documents; yields `keys(q)`, the
    keys of the hits for a reader of space 1."""
    from search.engines.tantivy import TantivyEngine

    engine = TantivyEngine(tmp_path / "search", heap_bytes=15_000_000, vocabulary=vocabulary.default())
    await engine.open()
    try:
        await engine.upsert(documents)

        async def keys(q: str) -> list[str]:
            found = await engine.search(Request(text.parse(q), [1], limit=10))
            return [hit.document["key"] for hit in found.hits]

        yield keys
    finally:
        await engine.close()


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


# status-and-governance.txt: legal statuses, procedures, governance, funding, participation, groups, data,
# communication and crisis response.

STATUS_AND_GOVERNANCE = vocabulary.DEFAULT_DIR / "status-and-governance.txt"


def test_status_and_governance_labels_name_one_concept_each_and_leave_core_alone():
    ours = vocabulary.load(STATUS_AND_GOVERNANCE)
    core = vocabulary.load(vocabulary.DEFAULT_DIR / "core.txt")
    shipped = vocabulary.load(*vocabulary.shipped_files())
    assert len(ours) >= 120
    assert not {c.name for c in ours.concepts} & {c.name for c in core.concepts}
    assert sum(bool({"th", "vi", "zh", "ar"} & set(c.labels)) for c in ours.concepts) >= len(ours) / 2
    # Every label of ours, typed as a query (so folded, and stemmed in every language), names its own
    # concept only: a query word never drags in a second concept's labels through this file.
    for concept in ours.concepts:
        own = set(next(c for c in shipped.concepts if c.name == concept.name).labelled())
        for language, label in concept.labelled():
            terms = text.parse(label).terms
            found = shipped.expand(terms)
            assert [(e.start, e.end) for e in found] == [(0, len(terms))], f"{label!r} ({language})"
            assert set(found[0].labels) <= own, f"{label!r} ({language}) names another concept"


@pytest.mark.parametrize(
    "typed, other",
    [
        ("subsidiary protection", "protezione sussidiaria"),
        ("ochrona czasowa", "temporary protection"),
        ("Dublin transfer", "Dublin-Überstellung"),
        ("apátridas", "无国籍"),  # a plural, an accent, another script
        ("AMIF", "FAMI"),
        ("appels à projets", "Förderaufruf"),
        ("Hasskriminalität", "crimen de odio"),
        ("gobernanza multinivel", "multilevel governance"),
        ("uitgeprocedeerden", "déboutés du droit d'asile"),
        ("buenas prácticas", "good practice"),
    ],
)
def test_status_and_governance_pairs_find_each_other(typed, other):
    assert_find_each_other(typed, other)


async def test_status_and_governance_terms_find_documents_in_other_languages(tmp_path):
    documents = [
        message(1, "fr", "Les bénéficiaires de la protection subsidiaire et leurs droits"),
        message(2, "de", "Eine Dublin-Überstellung nach Italien: was die Kommune wissen muss"),
        message(3, "pl", "Ochrona czasowa: wskazówki dla urzędu miasta"),
        message(4, "en", "Temporary protection: a guide for the town hall"),
        message(5, "es", "Convocatoria del FAMI para ayuntamientos pequeños"),
        message(6, "nl", "Een haatmisdrijf melden: zo werkt het meldpunt"),
        message(7, "zh", "无国籍儿童的出生登记"),
        message(8, "it", "Corso di cucina per tutti i quartieri"),
        message(9, "es", "Protección temporal en Valencia", space=2),  # not readable
    ]
    async with shipped_engine(tmp_path, documents) as keys:
        assert await keys("subsidiary protection") == ["message:1"]
        assert await keys("Dublin transfer") == ["message:2"]
        assert await keys("AMIF call for proposals") == ["message:5"]
        assert await keys("hate crime") == ["message:6"]
        assert await keys("statelessness") == ["message:7"]
        # The words as typed first, the other language's label after; never the unreadable space.
        assert await keys("temporary protection") == ["message:4", "message:3"]
        assert set(await keys("tijdelijke bescherming")) == {"message:3", "message:4"}


# services.txt: the public services a city runs (housing in detail, work, schools, health and care,
# social welfare, childcare, culture and sport, digital and financial inclusion, neighbourhoods).

SERVICES = vocabulary.DEFAULT_DIR / "services.txt"
MAIN_LANGUAGES = {"en", "fr", "es", "nl", "de", "pt", "it", "pl"}


def test_services_concepts_have_the_eight_languages_and_labels_of_their_own():
    ours = vocabulary.load(SERVICES)
    others = vocabulary.load(*(p for p in vocabulary.shipped_files() if p != SERVICES))
    shipped = vocabulary.load(*vocabulary.shipped_files())
    assert len(ours) >= 100
    assert not {c.name for c in ours.concepts} & {c.name for c in others.concepts}
    assert all(MAIN_LANGUAGES <= set(c.labels) for c in ours.concepts)
    assert sum(bool({"th", "vi", "zh", "ar"} & set(c.labels)) for c in ours.concepts) >= len(ours) / 2
    for concept in ours.concepts:
        own = set(concept.labelled())
        for language, label in concept.labelled():
            terms = text.parse(label).terms
            found = shipped.expand(terms)
            assert [(e.start, e.end) for e in found] == [(0, len(terms))], f"{label!r} ({language})"
            assert set(found[0].labels) <= own, f"{label!r} ({language}) names another concept"


@pytest.mark.parametrize(
    "typed, other",
    [
        ("huurtoeslag", "Wohngeld"),
        ("desahucios", "eviction prevention"),  # a plural
        ("job centre", "centro per l'impiego"),
        ("Kindergeld", "allocations familiales"),
        ("schuldhulpverlening", "surendettement"),
        ("aulas de acogida", "Willkommensklasse"),
        ("médecin traitant", "huisarts"),
        ("banco alimentar", "food bank"),
        ("Basiskonto", "droit au compte"),
        ("rijbewijs omwisselen", "驾照"),  # another script
    ],
)
def test_services_pairs_find_each_other(typed, other):
    assert_find_each_other(typed, other)


async def test_services_terms_find_documents_in_other_languages(tmp_path):
    documents = [
        message(1, "nl", "Hoe vraag je huurtoeslag aan met een tijdelijke verblijfsvergunning?"),
        message(2, "de", "Schuldnerberatung in mehreren Sprachen: unsere Erfahrungen"),
        message(3, "fr", "Le surendettement des familles arrivées récemment"),
        message(4, "es", "Cómo funcionan las aulas de acogida en Murcia"),
        message(5, "pl", "Wymiana prawa jazdy dla obywateli Ukrainy"),
        message(6, "it", "Orari del pronto soccorso pediatrico"),
        message(7, "en", "A newsletter about our gardens"),
        message(8, "de", "Wohngeld für Geflüchtete: was die Kommune wissen muss", space=2),  # not readable
    ]
    async with shipped_engine(tmp_path, documents) as keys:
        assert await keys("housing benefit") == ["message:1"]
        assert await keys("welcome classes") == ["message:4"]
        assert await keys("driving licence exchange") == ["message:5"]
        assert await keys("emergency department") == ["message:6"]
        # The words as typed first, the other language's label after; never the unreadable space.
        assert await keys("Schuldnerberatung") == ["message:2", "message:3"]
        assert set(await keys("debt counselling")) == {"message:2", "message:3"}
