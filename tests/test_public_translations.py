"""Translations of one practice: editors link a record to its original, and the public pages of the
published versions carry `hreflang` alternates and an "Also in" switch, naming nothing unpublished."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import httpx

from tests.harness import expect
from tests.library_helpers import practice

CODED = {"Prefer": "errors=coded"}
SITEMAP, XHTML = "{http://www.sitemaps.org/schemas/sitemap/0.9}", "{http://www.w3.org/1999/xhtml}"


async def _record(world, title: str, language: str, client=None, space=None, **changes) -> dict:
    review = "reviewed" if client in (None, world.admin) else "draft"
    body = practice(world.cities[0]["id"], title=title, language=language, review_status=review, **changes)
    space_id = (space or world.space_a)["id"]
    return expect(await (client or world.moderator).post(f"/api/spaces/{space_id}/resources", json=body), 201)


async def _translate(client, record: dict, original: dict, status: int = 200, **kwargs) -> dict:
    return expect(await client.put(f"/api/resources/{record['id']}/translation-of/{original['id']}", **kwargs), status)


def _alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


async def test_published_translations_link_one_another_with_hreflang(world, server):
    original = await _record(world, "Welcome desks", "en")
    french = await _record(world, "Guichets d'accueil", "fr")
    spanish = await _record(world, "Ventanillas de acogida", "es")
    dutch = await _record(world, "Onthaalbalies", "nl")  # never published
    for record in (french, spanish, dutch):
        linked = await _translate(world.moderator, record, original)
        assert linked["translation_of"]["id"] == original["id"]
    detail = expect(await world.member.get(f"/api/resources/{original['id']}"), 200)
    assert [t["language"] for t in detail["translations"]] == ["es", "fr", "nl"]
    urls = {}
    for record in (original, french, spanish):
        urls[record["id"]] = expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)["url"]
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as anonymous:
        for record in (original, french, spanish):
            html = (await anonymous.get(urls[record["id"]])).text
            assert _alternates(html) == {
                "en": urls[original["id"]],
                "fr": urls[french["id"]],
                "es": urls[spanish["id"]],
                "x-default": urls[original["id"]],
            }, record["title"]
            assert "Onthaalbalies" not in html and "onthaalbalies" not in html
        sitemap = ElementTree.fromstring((await anonymous.get("/sitemap.xml")).content)
        for entry in sitemap.iter(f"{SITEMAP}url"):
            links = {x.get("hreflang"): x.get("href") for x in entry.iter(f"{XHTML}link")}
            if entry.find(f"{SITEMAP}loc").text in urls.values():
                assert links == {**{"x-default": urls[original["id"]]}, **_alternates(html)}
            else:
                assert links == {}
        french_page = (await anonymous.get(urls[french["id"]])).text
        switch = re.search(r'<nav class="public-also-in".*?</nav>', french_page, re.S).group(0)
        assert "Also in:" in switch and ">English</a>" in switch and ">Español</a>" in switch
        assert ">Français</a>" not in switch and "Nederlands" not in switch
        # Unpublishing one version takes it out of the others' alternates at once.
        expect(await world.moderator.post(f"/api/resources/{spanish['id']}/unpublish"), 200)
        html = (await anonymous.get(urls[original["id"]])).text
        assert _alternates(html) == {
            "en": urls[original["id"]],
            "fr": urls[french["id"]],
            "x-default": urls[original["id"]],
        }
        assert "Español" not in re.search(r'<nav class="public-also-in".*?</nav>', html, re.S).group(0)
        # With no other published version, the chrome's languages are the alternates again.
        expect(await world.moderator.post(f"/api/resources/{french['id']}/unpublish"), 200)
        html = (await anonymous.get(urls[original["id"]])).text
        assert _alternates(html) == {code: f"{urls[original['id']]}?lang={code}" for code in ("en", "fr", "es")}
        assert "public-also-in" not in html


async def test_a_translation_link_is_checked_with_a_code_per_field(world):
    original = await _record(world, "Welcome desks", "en")
    french = await _record(world, "Guichets d'accueil", "fr")
    other_french = await _record(world, "Autres guichets", "fr")
    english = await _record(world, "Welcome desks again", "en")
    elsewhere = await _record(world, "Toronto desks", "fr", client=world.admin, space=world.space_b)
    await _translate(world.moderator, french, original)

    async def refused(record, target, field, code, client=None):
        body = await _translate(client or world.moderator, record, target, 422, headers=CODED)
        assert body["error"]["fields"][field]["code"] == code, (record["title"], code)
        assert body["error"]["code"] == ("not_a_practice" if code == "not_a_practice" else "invalid_translation")

    await refused(other_french, original, "language", "language_taken")  # French is taken
    await refused(english, original, "language", "language_taken")  # the original's own language
    await refused(other_french, french, "original_id", "is_a_translation")
    await refused(original, english, "resource_id", "has_translations")
    await refused(original, original, "original_id", "same_record")
    await refused(other_french, {"id": 999_999}, "original_id", "not_in_library")
    # Another space's record can be made neither a translation nor an original, even by an admin
    # who reads both spaces.
    await refused(other_french, elsewhere, "original_id", "not_in_library", client=world.admin)
    await refused(elsewhere, original, "original_id", "not_in_library", client=world.admin)
    space_b_original = await _record(world, "Toronto original", "en", client=world.other, space=world.space_b)
    await _translate(world.admin, elsewhere, space_b_original)  # within its own space it can
    link = expect(
        await world.moderator.post(
            f"/api/spaces/{world.space_a['id']}/resources",
            json={"kind": "link", "title": "A link", "url": "https://example.org/"},
        ),
        201,
    )
    await refused(other_french, link, "original_id", "not_a_practice")
    await refused(link, original, "resource_id", "not_a_practice")
    # Only the record's editors link it; strangers do not learn it exists.
    drafted = await _record(world, "Mesas de acogida", "es", client=world.member)
    assert (await _translate(world.member, original, drafted, 403))["error"]["code"] == "not_the_author"
    await _translate(world.other, drafted, original, 404)
    await _translate(world.member, drafted, original)
    # Unlinking.
    cleared = expect(await world.moderator.delete(f"/api/resources/{french['id']}/translation-of"), 200)
    assert cleared["translation_of"] is None
    await _translate(world.moderator, other_french, original)  # French is free again
