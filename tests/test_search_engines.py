"""The engine contract: every search engine passes these, the embedded one always and
Meilisearch whenever MEILISEARCH_URL points at a server."""

from __future__ import annotations

import os
import uuid

import pytest

from search import text
from search.engine import Document, EngineUnavailable, Filters, Request

MEILI_URL = os.environ.get("MEILISEARCH_URL")


@pytest.fixture(params=["tantivy", "meilisearch"])
async def engine(request, tmp_path):
    if request.param == "tantivy":
        from search.engines.tantivy import TantivyEngine

        made = TantivyEngine(tmp_path / "search", heap_bytes=15_000_000)
    else:
        if not MEILI_URL:
            pytest.skip("MEILISEARCH_URL is not set: no Meilisearch server to test against")
        from search.engines.meilisearch import MeilisearchEngine

        made = MeilisearchEngine(
            MEILI_URL, os.environ.get("MEILISEARCH_API_KEY"), uid=f"citybridge_test_{uuid.uuid4().hex[:8]}"
        )
    await made.open()
    yield made
    if request.param == "meilisearch":
        await made.client.delete_index_if_exists(made.uid)
    await made.close()


def doc(
    key: str,
    body: str = "",
    *,
    title: str = "",
    space: int = 1,
    lang: str = "en",
    kind: str | None = None,
    cities=(1, 2),
    profiles=("traditional", "newer"),
    themes=(),
    date: int = 1_700_000_000,
    author: int = 1,
) -> Document:
    kind = kind or key.split(":")[0]
    return Document(
        key=key,
        kind=kind,
        id=int(key.split(":")[1]),
        space_id=space,
        city_ids=list(cities),
        profiles=list(profiles),
        themes=list(themes),
        lang=lang,
        author_id=author,
        author_name="Ana",
        date=date,
        title=title,
        body=body,
    )


async def find(engine, q: str, readable=None, **options):
    request = Request(text.parse(q), readable, **options)
    return await engine.search(request)


async def keys(engine, q: str, readable=None, **options) -> list[str]:
    return [hit.document["key"] for hit in (await find(engine, q, readable, **options)).hits]


async def test_upsert_replace_delete(engine):
    await engine.upsert([doc("message:1", "The shelter opens on Monday"), doc("message:2", "Language classes")])
    assert await keys(engine, "shelter") == ["message:1"]
    await engine.upsert([doc("message:1", "The library opens on Tuesday")])
    assert await keys(engine, "shelter") == []
    assert await keys(engine, "tuesday") == ["message:1"]
    await engine.delete(["message:1"])
    assert await keys(engine, "tuesday") == []
    assert await keys(engine, "classes") == ["message:2"]


async def test_stored_fields_come_back(engine):
    await engine.upsert([doc("message:7", "Mentoring programme", themes=["employment"], space=3, cities=[4, 5])])
    hit = (await find(engine, "mentoring")).hits[0].document
    assert hit["key"] == "message:7" and hit["id"] == 7 and hit["space_id"] == 3
    assert hit["city_ids"] == [4, 5] and hit["themes"] == ["employment"] and hit["body"] == "Mentoring programme"


async def test_only_readable_spaces_in_hits_facets_and_total(engine):
    await engine.upsert(
        [
            doc("message:1", "housing plan alpha", space=1, themes=["housing"]),
            doc("message:2", "housing plan beta", space=2, themes=["health"], cities=[7], lang="fr"),
            doc("message:3", "housing plan gamma", space=2, themes=["health"], cities=[7]),
        ]
    )
    result = await find(engine, "housing", readable=[1])
    assert [h.document["key"] for h in result.hits] == ["message:1"]
    assert result.total == 1
    assert result.facets["themes"] == {"housing": 1}
    assert result.facets["space_id"] == {"1": 1}
    assert "7" not in result.facets["city_ids"] and result.facets["lang"] == {"en": 1}
    empty = await find(engine, "housing", readable=[])
    assert empty.hits == [] and empty.total == 0
    assert (await find(engine, "housing", readable=None)).total == 3


async def test_typos(engine):
    await engine.upsert([doc("message:1", "integration of newcomers"), doc("message:2", "the job fair")])
    assert await keys(engine, "integraton") == ["message:1"]  # one typo, 10 letters
    assert await keys(engine, "intgraton") == ["message:1"]  # two typos from 9 letters
    assert await keys(engine, "newcomres") == ["message:1"]  # a transposition is one typo
    assert await keys(engine, "fiar") == ["message:2"]  # one typo from 4 letters
    assert await keys(engine, "jbo") == []  # none under 4


@pytest.mark.parametrize(
    "lang, stored, query",
    [
        ("fr", "Les logements sociaux de la ville", "logement"),
        ("es", "Las viviendas para familias", "vivienda"),
        ("de", "Die Wohnungen der Stadt", "Wohnung"),
        ("nl", "De woningen in de stad", "woning"),
        ("en", "Housing policies of the city", "policy"),
        ("pt", "As casas sobrelotadas da cidade", "sobrelotada"),
        ("it", "Gli alloggi popolari della città", "alloggio"),
    ],
)
async def test_stemming(engine, lang, stored, query):
    await engine.upsert([doc("message:1", stored, lang=lang), doc("message:2", "something else", lang=lang)])
    assert await keys(engine, query) == ["message:1"]


@pytest.mark.parametrize(
    "lang, stored, query",
    [
        ("ru", "Жилище для семей беженцев", "жилищами"),
        ("el", "Τα σπίτια της πόλης", "σπιτιών"),
        ("ar", "المدارس في المدينة", "مدارس"),
    ],
)
async def test_stemming_in_scripts_of_their_own(engine, lang, stored, query):
    """Russian, Greek and Arabic, told by their script, are stemmed in the embedded engine; a word in
    another script is never looked up with their stems."""
    if engine.name != "tantivy":
        pytest.skip("Meilisearch's tokenizer does not stem Russian, Greek or Arabic")
    await engine.upsert([doc("message:1", stored, lang=lang), doc("message:2", "housing in Antwerp", lang=lang)])
    assert await keys(engine, query) == ["message:1"]
    assert await keys(engine, "housing") == ["message:2"]
    assert text.stem("housing", lang) == ""


def test_ukrainian_is_told_from_russian_and_not_stemmed_as_it():
    from search.language import detect_language

    assert detect_language("Житло для біженців у місті та їхні сім'ї") == "uk"
    assert detect_language("Жилище для беженцев в городе") == "ru"
    assert "uk" not in text.STEMMED


async def test_a_new_vocabulary_applies_to_the_next_query(engine):
    """What an admin's save does on every node (server/services/search_vocabulary.py)."""
    from search import vocabulary

    await engine.upsert([doc("message:1", "Our zorblax scheme pairs newcomers"), doc("message:2", "other words")])
    assert await keys(engine, "quuxine") == []
    added = vocabulary.parse("[buddy-scheme]\nen: zorblax\nfr: quuxine\n")
    await engine.use_vocabulary(vocabulary.merge(engine.vocabulary.concepts, added))
    assert await keys(engine, "quuxine") == ["message:1"]
    await engine.use_vocabulary(vocabulary.default())
    assert await keys(engine, "quuxine") == []


async def test_public_copies_are_replaced_whole_and_read_by_the_public_only(engine):
    from search.engine import PUBLIC

    def public(key: str, body: str) -> Document:
        copy = doc(key, body, kind="public_practice", space=0)
        copy.readers = [PUBLIC]
        return copy

    await engine.upsert([doc("practice:1", "Temporary housing for families")])
    await engine.replace_kinds(("public_practice",), [public("public_practice:7", "Temporary housing for families")])
    assert await keys(engine, "housing", readable=[PUBLIC]) == ["public_practice:7"]
    assert await keys(engine, "housing", readable=[1]) == ["practice:1"]  # members never meet the copies
    await engine.replace_kinds(("public_practice",), [public("public_practice:8", "Housing first in winter")])
    assert await keys(engine, "housing", readable=[PUBLIC]) == ["public_practice:8"]
    await engine.replace_kinds(("public_practice",), [])
    assert await keys(engine, "housing", readable=[PUBLIC]) == []
    assert await keys(engine, "housing", readable=[1]) == ["practice:1"]


async def test_all_shared_reads_every_space_but_no_public_copy_and_no_one_elses_conversation(engine):
    from search.engine import ALL_SHARED, EVERYONE, PUBLIC, participant

    def read_by(key: str, readers: list[int], kind: str | None = None) -> Document:
        made = doc(key, "housing help", kind=kind, space=0)
        made.readers = readers
        return made

    await engine.upsert(
        [
            doc("message:1", "housing help", space=3),
            read_by("need:2", [EVERYONE]),
            read_by("offer:3", [-7]),
            read_by("public_practice:4", [PUBLIC], kind="public_practice"),
            read_by("direct_message:5", [participant(5), participant(6)], kind="conversation"),
        ]
    )
    shared = ["message:1", "need:2", "offer:3"]
    assert sorted(await keys(engine, "housing", readable=[ALL_SHARED])) == shared
    mine = await keys(engine, "housing", readable=[ALL_SHARED, participant(6)])
    assert sorted(mine) == ["direct_message:5", *shared]
    assert await keys(engine, "housing", readable=[participant(8)]) == []
    assert await keys(engine, "housing", readable=[3, participant(5)]) in (
        ["message:1", "direct_message:5"],
        ["direct_message:5", "message:1"],
    )


async def test_accents_do_not_matter(engine):
    await engine.upsert(
        [
            doc("message:1", "Chính sách nhà ở tại Đà Nẵng", lang="vi"),
            doc("message:2", "programa de integracion", lang="es"),
        ]
    )
    assert await keys(engine, "da nang") == ["message:1"]
    assert await keys(engine, "chinh sach") == ["message:1"]
    assert await keys(engine, "integración") == ["message:2"]


async def test_title_ranks_above_body(engine):
    await engine.upsert(
        [
            doc("message:1", "We talked about the employment fair and other things at length"),
            doc("thread:2", title="Employment fair"),
        ]
    )
    assert await keys(engine, "employment") == ["thread:2", "message:1"]


@pytest.mark.parametrize(
    "stored, query",
    [
        ("我们讨论了住房政策的问题", "住房"),
        ("移民の住宅政策について話しました", "住宅"),
        ("เรากำลังพูดถึงนโยบายที่อยู่อาศัยสำหรับผู้อพยพ", "นโยบาย"),
        ("យើងកំពុងនិយាយអំពីគោលនយោបាយលំនៅដ្ឋាន", "លំនៅដ្ឋាន"),
    ],
)
async def test_word_inside_unspaced_sentence(engine, stored, query):
    await engine.upsert([doc("message:1", stored, lang=""), doc("message:2", "unrelated words", lang="")])
    assert await keys(engine, query) == ["message:1"]


async def test_filters_and_facets(engine):
    await engine.upsert(
        [
            doc(
                "thread:1",
                title="Skills training",
                themes=["employment"],
                date=100,
                cities=[1],
                profiles=["traditional"],
            ),
            doc("message:2", "skills for newcomers", themes=["employment", "education"], date=200, lang="fr"),
            doc(
                "practice:3",
                "skills passport",
                kind="practice",
                themes=["education"],
                date=300,
                cities=[3],
                profiles=["newer"],
            ),
        ]
    )
    assert set(await keys(engine, "skills", filters=Filters(kinds=["practice", "thread"]))) == {
        "practice:3",
        "thread:1",
    }
    assert await keys(engine, "skills", filters=Filters(themes=["education"]), sort="date") == [
        "practice:3",
        "message:2",
    ]
    assert await keys(engine, "skills", filters=Filters(city_ids=[3])) == ["practice:3"]
    assert await keys(engine, "skills", filters=Filters(profiles=["newer"]), sort="date") == ["practice:3", "message:2"]
    assert await keys(engine, "skills", filters=Filters(langs=["fr"])) == ["message:2"]
    assert await keys(engine, "skills", filters=Filters(date_from=150, date_to=250)) == ["message:2"]
    assert await keys(engine, "skills", filters=Filters(kinds=["link"])) == []
    result = await find(engine, "skills")
    assert result.total == 3
    assert result.facets["kind"] == {"thread": 1, "message": 1, "practice": 1}
    assert result.facets["themes"] == {"employment": 2, "education": 2}
    assert result.facets["profiles"] == {"traditional": 2, "newer": 2}


async def test_author_filter_within_the_readable_spaces(engine):
    await engine.upsert(
        [
            doc("message:1", "shelter rota", author=7),
            doc("message:2", "shelter keys", author=8),
            doc("message:3", "shelter budget", author=7, space=2),
        ]
    )
    assert set(await keys(engine, "shelter", filters=Filters(author_ids=[7]))) == {"message:1", "message:3"}
    assert await keys(engine, "shelter", [1], filters=Filters(author_ids=[7])) == ["message:1"]
    assert set(await keys(engine, "shelter", filters=Filters(author_ids=[7, 8], space_ids=[1]))) == {
        "message:1",
        "message:2",
    }
    assert await keys(engine, "", [1], filters=Filters(author_ids=[8])) == ["message:2"]
    result = await find(engine, "shelter", [1, 2], filters=Filters(author_ids=[7]))
    assert result.total == 2 and result.facets["space_id"] == {"1": 1, "2": 1}


async def test_sort_by_date_and_paging(engine):
    await engine.upsert([doc(f"message:{i}", f"meeting notes number {i}", date=1000 + i) for i in range(1, 8)])
    first = await find(engine, "meeting", sort="date", limit=3)
    assert [h.document["id"] for h in first.hits] == [7, 6, 5] and first.total == 7
    second = await find(engine, "meeting", sort="date", limit=3, offset=3)
    assert [h.document["id"] for h in second.hits] == [4, 3, 2]


async def test_browse_without_words(engine):
    await engine.upsert([doc("message:1", "a", space=1, date=5), doc("message:2", "b", space=2, date=6)])
    result = await find(engine, "", readable=[2], sort="date")
    assert [h.document["key"] for h in result.hits] == ["message:2"] and result.total == 1


async def test_phrases_and_odd_input(engine):
    await engine.upsert([doc("message:1", "social housing for families"), doc("message:2", "housing is social")])
    assert await keys(engine, '"social housing"') == ["message:1"]
    assert set(await keys(engine, '"social housing')) == {"message:1", "message:2"}  # unbalanced quote
    assert (await find(engine, "!!! ??? ...")).hits is not None
    assert await keys(engine, "x" * 400) == []


async def test_suggest_completes_the_last_word(engine):
    await engine.upsert(
        [doc("message:1", "integration integration interpreters", space=1), doc("message:2", "intercultural", space=2)]
    )
    words, prefix = text.prefix_query("inte")
    assert await engine.suggest(text.parse(""), prefix, [1], 5) == ["integration", "interpreters"]
    assert "intercultural" not in await engine.suggest(text.parse(""), prefix, [1], 5)
    assert await engine.suggest(text.parse(""), prefix, [], 5) == []


async def test_clear_gives_a_new_generation(engine):
    await engine.upsert([doc("message:1", "before clearing")])
    before = await engine.generation()
    await engine.clear()
    assert await engine.generation() != before
    assert await keys(engine, "clearing") == []


async def test_unreachable_engine_raises_engine_unavailable(tmp_path):
    if not MEILI_URL:
        from search.engines.meilisearch import MeilisearchEngine

        engine = MeilisearchEngine("http://127.0.0.1:9", None)
        with pytest.raises(EngineUnavailable):
            await engine.open()
        await engine.close()


async def test_date_order_breaks_ties_by_id_across_pages(engine):
    await engine.upsert([doc(f"message:{i}", "same moment", date=1_700_000_000_000) for i in (3, 11, 7, 5, 9)])
    first = await keys(engine, "moment", sort="date", limit=3)
    second = await keys(engine, "moment", sort="date", limit=3, offset=3)
    assert first + second == ["message:11", "message:9", "message:7", "message:5", "message:3"]


async def test_typos_hold_on_later_pages_and_in_suggestions(engine):
    await engine.upsert([doc(f"message:{i}", f"the shelter programme {i}") for i in range(1, 6)])
    assert (await find(engine, "sheltre", limit=2)).total == 5
    assert len((await find(engine, "sheltre", limit=2, offset=4)).hits) == 1
    assert await engine.suggest(text.ParsedQuery(terms=text.prefix_query("sheltre pro")[0]), "pro", None, 5) == [
        "programme"
    ]


async def test_tantivy_estimates_totals_and_facets_beyond_the_exact_limit(tmp_path, monkeypatch):
    """Past EXACT_COUNT readable matches the total and facets are rounded and flagged; the hits stay exact,
    other spaces never count, and at or below the limit everything is exact."""
    from search.engines import tantivy as module

    engine = module.TantivyEngine(tmp_path / "search", heap_bytes=15_000_000)
    await engine.open()
    try:
        await engine.upsert(
            [
                doc(f"message:{i}", f"common words number {i}", space=1 + i % 2, lang="en" if i % 4 else "fr")
                for i in range(1, 3201)
            ]
            + [doc("message:9999", "rare common", space=3)]
        )
        exact = await find(engine, "common", [1, 2], limit=5)
        assert exact.total == 3200 and not exact.total_is_estimate
        assert exact.facets["space_id"] == {"1": 1600, "2": 1600} and exact.facets["lang"] == {"en": 2400, "fr": 800}

        monkeypatch.setattr(module, "EXACT_COUNT", 1000)
        estimated = await find(engine, "common", [1, 2], limit=5)
        assert estimated.total_is_estimate
        # Counted in full and rounded to two significant digits (3,200 and its parts already are).
        assert estimated.total == 3200
        assert estimated.facets["space_id"] == {"1": 1600, "2": 1600}  # space 3 is not readable: never counted
        assert estimated.facets["lang"] == {"en": 2400, "fr": 800}
        assert [h.document["key"] for h in estimated.hits] == [h.document["key"] for h in exact.hits]
        # A match set within the limit stays exact; so does a later page, which needs no facets.
        assert not (await find(engine, "common", [3], limit=5)).total_is_estimate
        later = await find(engine, "common", [1, 2], limit=5, offset=5, facets=())
        assert later.total == 3200 and not later.total_is_estimate
    finally:
        await engine.close()


async def test_tantivy_judges_a_word_as_typed_among_the_readable_documents_only(tmp_path, monkeypatch):
    """A word that only unreadable documents hold is read with typos; one that a readable document holds
    is not. The engine reads that from the readers of the word's matches, and past READERS_SEEN distinct
    readers, none of them readable, from the filtered query: both ways give the same answers."""
    from search.engines import tantivy as module

    engine = module.TantivyEngine(tmp_path / "search", heap_bytes=15_000_000)
    await engine.open()
    try:
        await engine.upsert(
            [doc(f"message:{i}", "integraton as misspelt here", space=1) for i in range(1, 4)]
            + [doc(f"message:{i}", "integraton as misspelt there", space=i) for i in range(4, 8)]
            + [doc("message:9", "integration of newcomers", space=9)]
        )
        for seen in (module.READERS_SEEN, 1):
            monkeypatch.setattr(module, "READERS_SEEN", seen)
            # No readable document has both words as typed. Only other spaces hold "integraton": it is
            # read with typos, and message 9 has both words.
            for readable in ([9], [9, 42]):
                found = await find(engine, "integraton newcomers", readable)
                assert [h.document["key"] for h in found.hits] == ["message:9"], (seen, readable)
                assert not found.some_words
            # A readable document holds it as typed: no typos, and the documents with some of the words.
            found = await find(engine, "integraton newcomers", [9, 5])
            assert {h.document["key"] for h in found.hits} == {"message:5", "message:9"}, seen
            assert found.some_words
    finally:
        await engine.close()

    # The rule for one reader is readers()'s: a platform admin's ALL_SHARED reads every space, everyone
    # and every city, never the public copies nor another's conversations.
    from search.engine import ALL_SHARED, EVERYONE, PUBLIC, participant
    from search.engines.tantivy_query import QueryBuilder

    admin = [ALL_SHARED, participant(1)]
    assert all(QueryBuilder.reads(admin, r) for r in (5, EVERYONE, -3, participant(1)))
    assert not any(QueryBuilder.reads(admin, r) for r in (PUBLIC, participant(2)))
    assert QueryBuilder.reads([3, EVERYONE], 3) and not QueryBuilder.reads([3, EVERYONE], 4)


async def test_some_words_when_no_document_has_them_all(engine):
    await engine.upsert(
        [
            doc("message:1", "interpreters for newcomers at the housing desk", space=1),
            doc("message:2", "housing desk opening hours", space=1),
            doc("message:3", "a school for newcomers", space=1),
            doc("message:4", "interpreters housing desk newcomers rooftop", space=2),  # not readable
        ]
    )
    both = await find(engine, "housing desk", readable=[1])
    assert {h.document["key"] for h in both.hits} == {"message:1", "message:2"} and not both.some_words
    # No readable document has "rooftop": those with more of the other words come first.
    some = await find(engine, "interpreters newcomers housing rooftop", readable=[1])
    assert some.some_words
    keys_found = [h.document["key"] for h in some.hits]
    assert keys_found[0] == "message:1" and set(keys_found) == {"message:1", "message:2", "message:3"}
    assert some.total == 3 and some.facets["space_id"] == {"1": 3}  # space 2's document counts nowhere
    # One word alone falls back to nothing; words found nowhere give nothing.
    assert (await find(engine, "rooftop", readable=[1])).hits == []
    nothing = await find(engine, "rooftop balcony", readable=[1])
    assert nothing.hits == [] and nothing.total == 0
    # Later pages keep the fallback.
    later = await find(engine, "interpreters newcomers housing rooftop", readable=[1], offset=2, limit=2)
    assert [h.document["key"] for h in later.hits] == keys_found[2:] and later.some_words


async def test_vocabulary_finds_other_words_and_languages_below_the_words_typed(engine):
    await engine.upsert(
        [
            doc("message:1", "Housing for newly arrived families", space=1),
            doc("message:2", "Le logement des familles primo-arrivantes", space=1, lang="fr"),
            doc("message:3", "Nieuwkomers vinden een woning via het onthaalbureau", space=1, lang="nl"),
            doc("message:4", "Vivienda para recién llegados", space=2, lang="es"),  # not readable
            doc("message:5", "The job fair", space=1),
        ]
    )
    assert await keys(engine, "housing", readable=[1]) == ["message:1", "message:2", "message:3"]
    assert set(await keys(engine, "newcomers", readable=[1])) == {"message:1", "message:2", "message:3"}
    assert await keys(engine, "recently arrived migrants housing", readable=[1]) != []
    found = await find(engine, "housing", readable=[1])
    assert found.total == 3 and found.facets["space_id"] == {"1": 3}
    assert await keys(engine, "vivienda", readable=[3]) == []


async def test_transfer_facets_filter_and_count_within_readable_spaces(engine):
    def record(key: str, space: int, roles=(), states=()) -> Document:
        made = doc(key, "welcome desk for newcomers", title="Welcome desk", space=space)
        made.transfers, made.transfer_states = list(roles), list(states)
        return made

    await engine.upsert(
        [
            record("practice:1", 1, ["source"], ["completed", "implementing"]),
            record("practice:2", 1, ["adapted"], ["completed"]),
            record("practice:3", 1),
            record("practice:4", 2, ["adapted", "source"], ["proposed"]),  # a space the asker does not read
        ]
    )
    result = await find(engine, "welcome", readable=[1])
    assert result.total == 3
    assert result.facets["transfers"] == {"source": 1, "adapted": 1}
    assert result.facets["transfer_states"] == {"completed": 2, "implementing": 1}
    assert await keys(engine, "welcome", [1], filters=Filters(transfers=["source"])) == ["practice:1"]
    assert set(await keys(engine, "welcome", [1], filters=Filters(transfers=["source", "adapted"]))) == {
        "practice:1",
        "practice:2",
    }
    assert set(await keys(engine, "welcome", [1], filters=Filters(transfer_states=["completed"]))) == {
        "practice:1",
        "practice:2",
    }
    assert await keys(engine, "welcome", [1], filters=Filters(transfer_states=["proposed"])) == []
    assert await keys(engine, "welcome", None, filters=Filters(transfer_states=["proposed"])) == ["practice:4"]
    hit = (await find(engine, "welcome", [2])).hits[0].document
    assert hit["transfers"] == ["adapted", "source"] and hit["transfer_states"] == ["proposed"]
    untouched = next(h.document for h in (await find(engine, "welcome", [1])).hits if h.document["id"] == 3)
    assert untouched["transfers"] == [] and untouched["transfer_states"] == []


def test_counts_past_the_exact_limit_are_rounded_to_two_significant_digits():
    from search.engines.tantivy_facets import rounded

    assert rounded(64_165, {"lang": {"en": 40_321, "vi": 3, "fr": 149}}) == (
        64_000,
        {"lang": {"en": 40_000, "vi": 3, "fr": 150}},
    )
