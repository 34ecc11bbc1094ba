"""Publishing reviewed practice records, and the public pages anyone can read without a session."""

from __future__ import annotations

import httpx

from tests.harness import expect
from tests.library_helpers import practice


async def _reviewed(world, **changes) -> dict:
    body = practice(world.cities[0]["id"], review_status="reviewed", **changes)
    return expect(await world.moderator.post(f"/api/spaces/{world.space_a['id']}/resources", json=body), 201)


def _anonymous(server) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.base_url, timeout=30)


async def test_a_moderator_publishes_a_reviewed_practice_and_anyone_reads_it(world, server):
    record = await _reviewed(world)
    published = expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)
    assert published["published"] is True
    assert published["url"] == f"{server.base_url}/knowledge/antwerp/welcome-desks-in-the-town-hall"
    async with _anonymous(server) as anonymous:
        page = await anonymous.get(published["url"])
        assert page.status_code == 200, page.text
        assert "set-cookie" not in page.headers
        html = page.text
        assert '<article lang="en">' in html
        assert "Welcome desks in the town hall" in html and "Three agencies share one counter." in html
        assert "CC-BY-4.0" in html and "Antwerp" in html and "Objective 15" in html
        assert 'type="application/atom+xml"' in html and 'rel="canonical"' in html
        assert "application/ld+json" in html and 'property="og:title"' in html
        # The contact field may name a person: the public page sends readers to sign in instead.
        assert "welcome@antwerpen.test" not in html
        # The author did not consent: no name, only the city.
        assert "Mieke" not in html and "Written by an official of Antwerp" in html
        assert page.headers["cache-control"].startswith("public")
        again = await anonymous.get(published["url"], headers={"If-None-Match": page.headers["etag"]})
        assert again.status_code == 304
        assert "Last-Modified" in page.headers
        home = await anonymous.get("/knowledge")
        assert home.status_code == 200 and "/knowledge/antwerp/welcome-desks-in-the-town-hall" in home.text
    entries = expect(await world.moderator.get(f"/api/spaces/{world.space_a['id']}/audit"), 200)["items"]
    assert [e["action"] for e in entries][:1] == ["resource.published"]


async def test_unpublishing_answers_410_at_once_and_republishing_keeps_the_address(world, server):
    record = await _reviewed(world)
    url = expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)["url"]
    async with _anonymous(server) as anonymous:
        assert (await anonymous.get(url)).status_code == 200
        gone = expect(await world.moderator.post(f"/api/resources/{record['id']}/unpublish"), 200)
        assert gone["published"] is False
        assert (await anonymous.get(url)).status_code == 410
        assert "welcome-desks" not in (await anonymous.get("/knowledge")).text
        assert "welcome-desks" not in (await anonymous.get("/sitemap.xml")).text
        again = expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)
        assert again["url"] == url
        assert (await anonymous.get(url)).status_code == 200
        # Hiding the record takes it off the public site as well.
        expect(await world.moderator.post(f"/api/resources/{record['id']}/hide", json={"reason": "check"}), 200)
        assert (await anonymous.get(url)).status_code == 410
        assert (await anonymous.get("/knowledge/antwerp/no-such-thing")).status_code == 404


async def test_editing_a_published_practice_updates_its_page(world, server):
    record = await _reviewed(world)
    url = expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)["url"]
    async with _anonymous(server) as anonymous:
        before = await anonymous.get(url)
        expect(
            await world.moderator.patch(f"/api/resources/{record['id']}", json={"results": "Waits fell by 60%"}), 200
        )
        after = await anonymous.get(url, headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200 and "Waits fell by 60%" in after.text


async def test_only_reviewed_practices_by_moderators_are_published(world):
    draft = expect(
        await world.member.post(f"/api/spaces/{world.space_a['id']}/resources", json=practice(world.cities[0]["id"])),
        201,
    )
    refused = expect(await world.moderator.post(f"/api/resources/{draft['id']}/publish"), 422)
    assert refused["error"]["code"] == "not_reviewed"
    reviewed = await _reviewed(world)
    refused = expect(await world.member.post(f"/api/resources/{reviewed['id']}/publish"), 403)
    assert refused["error"]["code"] == "not_a_moderator"
    expect(await world.other.post(f"/api/resources/{reviewed['id']}/publish"), 404)
    expect(await world.anonymous.post(f"/api/resources/{reviewed['id']}/publish"), 401)
    expect(await world.admin.post(f"/api/resources/{reviewed['id']}/publish"), 200)
    link = expect(
        await world.moderator.post(
            f"/api/spaces/{world.space_a['id']}/resources",
            json={"kind": "link", "title": "A link", "url": "https://example.org/"},
        ),
        201,
    )
    assert expect(await world.moderator.post(f"/api/resources/{link['id']}/publish"), 422)["error"]["code"] == (
        "not_a_practice"
    )
    never = await _reviewed(world, title="Never published")
    assert expect(await world.moderator.post(f"/api/resources/{never['id']}/unpublish"), 422)["error"]["code"] == (
        "not_published"
    )


async def test_a_consenting_official_is_named(world, server):
    expect(await world.moderator.put("/api/me/public-name-consent", json={"public_name_consent": True}), 200)
    record = await _reviewed(world)
    url = expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)["url"]
    async with _anonymous(server) as anonymous:
        assert "Written by Mieke Moderator" in (await anonymous.get(url)).text
    expect(await world.moderator.put("/api/me/public-name-consent", json={"public_name_consent": "yes"}), 422)


async def test_adaptations_link_published_practices_only(world, server):
    source = await _reviewed(world, title="Source practice")
    hidden_source = await _reviewed(world, title="Unpublished source")
    adapted = await _reviewed(world, title="Adapted practice", adapted_from=[source["id"], hidden_source["id"]])
    for record in (source, adapted):
        expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)
    async with _anonymous(server) as anonymous:
        page = (await anonymous.get("/knowledge/antwerp/adapted-practice")).text
        assert "/knowledge/antwerp/source-practice" in page and "Unpublished source" not in page
        source_page = (await anonymous.get("/knowledge/antwerp/source-practice")).text
        assert "/knowledge/antwerp/adapted-practice" in source_page


async def test_the_chrome_follows_the_reader_language(world, server):
    record = await _reviewed(world)
    url = expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)["url"]
    async with _anonymous(server) as anonymous:
        french = await anonymous.get(url, headers={"Accept-Language": "fr-BE,fr;q=0.9,en;q=0.5"})
        assert (
            '<html lang="fr">' in french.text and "Licence" in french.text and "Interroger cette ville" in french.text
        )
        assert french.headers["content-language"] == "fr" and "Accept-Language" in french.headers["vary"]
        spanish = await anonymous.get(url + "?lang=es", headers={"Accept-Language": "fr"})
        assert '<html lang="es">' in spanish.text and "Preguntar a esta ciudad" in spanish.text
        assert '<article lang="en">' in spanish.text  # the content keeps its own language
        english = await anonymous.get(url, headers={"Accept-Language": "de"})
        assert '<html lang="en">' in english.text


async def test_public_routes_are_not_the_browser_app_and_need_no_session(server):
    async with _anonymous(server) as anonymous:
        for path in ("/knowledge", "/sitemap.xml", "/robots.txt", "/knowledge/feed.atom", "/knowledge/search?q=x"):
            response = await anonymous.get(path)
            assert response.status_code == 200, path
            assert "set-cookie" not in response.headers, path
            assert 'id="app"' not in response.text, path
        robots = (await anonymous.get("/robots.txt")).text
        assert f"Sitemap: {server.base_url}/sitemap.xml" in robots
        css = await anonymous.get("/knowledge/static/public.css")
        assert css.headers["content-type"].startswith("text/css")
        assert (await anonymous.get("/knowledge/themes/not-a-theme")).status_code == 404
        assert (await anonymous.get("/knowledge/search", params={"q": "x" * 500})).status_code == 400
        assert (await anonymous.get("/knowledge/cities/nowhere")).status_code == 404


async def test_theme_names_are_in_the_reader_language(world, server):
    record = await _reviewed(world)
    url = expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)["url"]
    async with _anonymous(server) as anonymous:
        french = (await anonymous.get(url + "?lang=fr")).text
        assert ">Intégration</a>" in french and ">Logement</a>" in french
        assert ">Housing</a>" not in french and ">Integration</a>" not in french
        home = (await anonymous.get("/knowledge?lang=es")).text
        assert ">Vivienda</a>" in home and ">Housing</a>" not in home
        theme = (await anonymous.get("/knowledge/themes/housing?lang=fr")).text
        assert "<h1>Logement</h1>" in theme or ">Logement<" in theme
        english = (await anonymous.get(url, headers={"Accept-Language": "en"})).text
        assert ">Housing</a>" in english
