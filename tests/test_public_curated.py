"""Published collections and threads, the page cache, and two nodes reading one knowledge base."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.harness import ServerThread, expect
from tests.library_helpers import practice
from tests.test_search_api import indexed


async def _reviewed(world, **changes) -> dict:
    body = practice(world.cities[0]["id"], review_status="reviewed", **changes)
    return expect(await world.moderator.post(f"/api/spaces/{world.space_a['id']}/resources", json=body), 201)


async def _consent(client, value: bool) -> None:
    expect(await client.put("/api/me/public-name-consent", json={"public_name_consent": value}), 200)


async def _thread(world) -> tuple[dict, dict]:
    """A thread by the moderator with messages of every kind; returns (thread, messages by name)."""
    space = world.space_a["id"]
    thread = expect(
        await world.moderator.post(
            f"/api/spaces/{space}/threads",
            json={"title": "How we staff welcome desks", "themes": ["integration"], "body": "We rotate staff weekly."},
        ),
        201,
    )
    path = f"/api/threads/{thread['id']}/messages"
    handle = world.member.user["handle"]
    posted = {
        "mentioning": expect(await world.moderator.post(path, json={"body": f"Thanks @{handle} for the plan."}), 201),
        "member": expect(await world.member.post(path, json={"body": "Our desk opens at eight."}), 201),
        "hidden": expect(await world.moderator.post(path, json={"body": "Draft numbers, not final."}), 201),
        "deleted": expect(await world.moderator.post(path, json={"body": "Sent by mistake."}), 201),
    }
    expect(await world.moderator.post(f"/api/messages/{posted['hidden']['id']}/hide", json={"reason": "draft"}), 200)
    expect(await world.moderator.delete(f"/api/messages/{posted['deleted']['id']}"), 204)
    return thread, posted


async def test_a_thread_is_published_with_only_consenting_authors_visible_words(world, server):
    thread, _ = await _thread(world)
    refused = expect(await world.moderator.post(f"/api/threads/{thread['id']}/publish"), 422)
    assert refused["error"]["code"] == "author_not_consenting"
    await _consent(world.moderator, True)
    expect(await world.member.post(f"/api/threads/{thread['id']}/publish"), 403)
    expect(await world.other.post(f"/api/threads/{thread['id']}/publish"), 404)
    published = expect(await world.moderator.post(f"/api/threads/{thread['id']}/publish"), 200)
    assert published["url"] == f"{server.base_url}/knowledge/threads/how-we-staff-welcome-desks"
    handle = "@" + world.member.user["handle"]
    async with httpx.AsyncClient(timeout=30) as anonymous:
        page = (await anonymous.get(published["url"])).text
        assert "How we staff welcome desks" in page and "We rotate staff weekly." in page
        assert "Mieke Moderator" in page and "DiscussionForumPosting" in page
        # Hidden and deleted messages never; the member did not consent: neither words nor name.
        for absent in ("Draft numbers", "Sent by mistake", "Our desk opens at eight", "Nguyen", handle):
            assert absent not in page, absent
        assert 'Thanks <span class="mention">@…</span> for the plan.' in page
        await _consent(world.member, True)
        page = (await anonymous.get(published["url"])).text
        assert "Our desk opens at eight" in page and "@Nguyen Member" in page
        await _consent(world.member, False)  # withdrawn: gone at once
        assert "Our desk opens at eight" not in (await anonymous.get(published["url"])).text
        await _consent(world.moderator, False)  # the title is the author's words: the page goes
        assert (await anonymous.get(published["url"])).status_code == 410
        await _consent(world.moderator, True)
        assert (await anonymous.get(published["url"])).status_code == 200
        assert published["url"] in (await anonymous.get(f"{server.base_url}/sitemap.xml")).text
        expect(await world.moderator.post(f"/api/threads/{thread['id']}/unpublish"), 200)
        assert (await anonymous.get(published["url"])).status_code == 410
        assert published["url"] not in (await anonymous.get(f"{server.base_url}/sitemap.xml")).text
    status = expect(await world.member.get(f"/api/threads/{thread['id']}/publication"), 200)
    assert status["published"] is False and status["kind"] == "thread"
    actions = [
        e["action"] for e in expect(await world.moderator.get(f"/api/spaces/{world.space_a['id']}/audit"), 200)["items"]
    ]
    assert actions[:2] == ["thread.unpublished", "thread.published"]


async def test_a_collection_shows_its_published_practices_only(world, server):
    space = world.space_a["id"]
    shown = await _reviewed(world, title="Shown practice")
    unpublished = await _reviewed(world, title="Kept inside practice")
    collection = expect(
        await world.moderator.post(
            f"/api/spaces/{space}/collections", json={"name": "Welcome desks", "description": "What we learned."}
        ),
        201,
    )
    for record in (shown, unpublished):
        expect(await world.moderator.put(f"/api/collections/{collection['id']}/resources/{record['id']}"), 200)
    expect(await world.moderator.post(f"/api/resources/{shown['id']}/publish"), 200)
    expect(await world.member.post(f"/api/collections/{collection['id']}/publish"), 403)
    published = expect(await world.moderator.post(f"/api/collections/{collection['id']}/publish"), 200)
    assert published["url"].endswith("/knowledge/collections/welcome-desks")
    async with httpx.AsyncClient(timeout=30) as anonymous:
        page = (await anonymous.get(published["url"])).text
        assert "What we learned." in page and "/knowledge/antwerp/shown-practice" in page
        assert "Kept inside practice" not in page and "CollectionPage" in page
        home = (await anonymous.get(f"{server.base_url}/knowledge")).text
        assert "/knowledge/collections/welcome-desks" in home
        expect(await world.moderator.post(f"/api/resources/{shown['id']}/unpublish"), 200)
        assert "Shown practice" not in (await anonymous.get(published["url"])).text
        expect(await world.moderator.post(f"/api/collections/{collection['id']}/unpublish"), 200)
        assert (await anonymous.get(published["url"])).status_code == 410
        assert "welcome-desks" not in (await anonymous.get(f"{server.base_url}/knowledge")).text


async def test_pages_are_cached_until_anything_changes(world, server):
    record = await _reviewed(world)
    url = expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)["url"]
    async with httpx.AsyncClient(timeout=30) as anonymous:
        first = await anonymous.get(url)
        second = await anonymous.get(url)
        assert "cache;desc=miss" in first.headers["server-timing"]
        assert "cache;desc=hit" in second.headers["server-timing"] and second.text == first.text
        expect(await world.moderator.patch(f"/api/resources/{record['id']}", json={"results": "Queues gone"}), 200)
        assert "Queues gone" in (await anonymous.get(url)).text
        expect(await world.moderator.post(f"/api/resources/{record['id']}/hide", json={"reason": "check"}), 200)
        assert (await anonymous.get(url)).status_code == 410


@pytest.fixture
async def second_node(settings, database_url):
    thread = ServerThread(settings, database_url).start()
    yield thread
    thread.stop()


async def _until(check, seconds: float = 1.0) -> float:
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < seconds, "the second node did not change within a second"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


async def test_publish_edit_unpublish_reach_the_second_node_within_a_second(world, server, second_node):
    record = await _reviewed(world)
    url = expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)["url"]
    other = url.replace(server.base_url, second_node.base_url)
    async with httpx.AsyncClient(timeout=30) as anonymous:

        async def shows(text: str | None = None, status: int = 200):
            response = await anonymous.get(other)
            return response.status_code == status and (text is None or text in response.text)

        await _until(lambda: shows())
        await anonymous.get(other)  # now cached on the second node
        expect(await world.moderator.patch(f"/api/resources/{record['id']}", json={"results": "Halved"}), 200)
        await _until(lambda: shows("Halved"))
        expect(await world.moderator.post(f"/api/resources/{record['id']}/unpublish"), 200)
        await _until(lambda: shows(status=410))


async def test_public_search_finds_published_threads_and_collections_with_facets(world, server, database_url):
    thread, _ = await _thread(world)
    await _consent(world.moderator, True)
    expect(await world.moderator.post(f"/api/threads/{thread['id']}/publish"), 200)
    record = await _reviewed(world, title="Rotating welcome desk staff", themes=["integration"])
    expect(await world.moderator.post(f"/api/resources/{record['id']}/publish"), 200)
    collection = expect(
        await world.moderator.post(
            f"/api/spaces/{world.space_a['id']}/collections",
            json={"name": "Desk rotation kit", "description": "How cities rotate staff at their desks."},
        ),
        201,
    )
    expect(await world.moderator.post(f"/api/collections/{collection['id']}/publish"), 200)
    await indexed(database_url)  # public search runs in the engine: the pages' copies are indexed after commit
    search = f"{server.base_url}/knowledge/search"
    async with httpx.AsyncClient(timeout=30) as anonymous:
        page = (await anonymous.get(search, params={"q": "rotate"})).text
        # The thread by its shown message, the collection by its description, the practice by its title.
        for found in ("How we staff welcome desks", "Desk rotation kit"):
            assert found in page, found
        assert "Discussion (1)" in page and "Collection (1)" in page
        # Words only a hidden, deleted or non-consenting message holds find nothing.
        for private in ("Draft numbers", "mistake", "eight"):
            words = (await anonymous.get(search, params={"q": private})).text
            assert "How we staff welcome desks" not in words and "Discussion (" not in words, private
        narrowed = (await anonymous.get(search, params={"q": "rotate", "kind": "collection"})).text
        assert "Desk rotation kit" in narrowed and "How we staff welcome desks" not in narrowed
        assert (await anonymous.get(search, params={"q": "rotate", "kind": "secret"})).status_code == 400
        assert (await anonymous.get(search, params={"q": "rotate", "theme": "no-such"})).status_code == 400
        expect(await world.moderator.post(f"/api/threads/{thread['id']}/unpublish"), 200)
        gone = (await anonymous.get(search, params={"q": "rotate"})).text
        assert "How we staff welcome desks" not in gone and "Discussion (" not in gone


async def test_public_search_reads_as_the_engine_does_and_shows_only_what_the_page_shows(world, server, database_url):
    """Public search runs in the engine over copies of the live pages: word forms, typos and other
    languages find a published record; its contact, an unpublished record and the members' own search
    never meet; an unpublished page leaves the results at once, before the indexer has run."""
    shown = await _reviewed(world, title="Temporary housing for families", contact="call 5551234 before noon")
    expect(await world.moderator.post(f"/api/resources/{shown['id']}/publish"), 200)
    await _reviewed(world, title="Quiet shelter pilot", summary="An unpublished zorblax experiment.")
    await indexed(database_url)
    search = f"{server.base_url}/knowledge/search"
    async with httpx.AsyncClient(timeout=30) as anonymous:

        async def titles(q: str) -> str:
            return (await anonymous.get(search, params={"q": q})).text

        for q in ("housing", "famlies", "logement", "vivienda", "Wohnraum"):  # as typed, a typo, three languages
            assert "Temporary housing for families" in await titles(q), q
        for private in ("5551234", "noon", "zorblax", "unpublished experiment"):  # its contact; an unpublished record
            page = await titles(private)
            assert "Temporary housing for families" not in page and "Quiet shelter pilot" not in page, private
        # The members' own search (an admin may read everything) never returns the public copies.
        hits = expect(await world.admin.get("/api/search", params={"q": "temporary housing"}), 200)["hits"]
        assert hits and {h["kind"] for h in hits} <= {"practice", "thread", "message"}
        expect(await world.moderator.post(f"/api/resources/{shown['id']}/unpublish"), 200)
        assert "Temporary housing for families" not in await titles("housing")  # no wait for the indexer


async def test_words_hidden_or_withdrawn_a_moment_ago_find_the_thread_no_more(world, server, database_url):
    """Which words find a page is its copy in the index; a search waits for the index to hold every
    change committed before it, so the moment a message is hidden or its author withdraws consent,
    its words find nothing, with no wait in the test."""
    thread, _ = await _thread(world)
    await _consent(world.moderator, True)
    await _consent(world.member, True)
    path = f"/api/threads/{thread['id']}/messages"
    hidden = expect(await world.moderator.post(path, json={"body": "The wobbelkram budget doubled."}), 201)
    expect(await world.member.post(path, json={"body": "Our plinthor team answers at night."}), 201)
    expect(await world.moderator.post(f"/api/threads/{thread['id']}/publish"), 200)
    await indexed(database_url)
    search = f"{server.base_url}/knowledge/search"
    async with httpx.AsyncClient(timeout=30) as anonymous:

        async def finds(q: str) -> bool:
            return "How we staff welcome desks" in (await anonymous.get(search, params={"q": q})).text

        assert await finds("wobbelkram") and await finds("plinthor")
        expect(await world.moderator.post(f"/api/messages/{hidden['id']}/hide", json={"reason": "draft"}), 200)
        assert not await finds("wobbelkram")
        await _consent(world.member, False)
        assert not await finds("plinthor")
        assert await finds("rotate")  # the thread itself is still public
