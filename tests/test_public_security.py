"""Nothing private reaches the public knowledge base: a crawl of everything it links, with a plain
HTTP client, finds none of the words that exist only in private content."""

from __future__ import annotations

import re
from dataclasses import replace
from xml.etree import ElementTree

import feedparser
import httpx
import pytest
from lxml import etree

from tests.harness import ServerThread, expect, inside_one_rate_window
from tests.library_helpers import practice
from tests.test_search_api import indexed

MARKERS = {
    "thread": "zanzibarquokka",
    "message": "hiddenmarmoset",
    "unpublished": "unpublishedpangolin",
    "withdrawn": "withdrawnaxolotl",
    "official": "Quillonbury",
    "not_consenting": "silentwombat",
    "in_collection": "collectedokapi",
}
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


async def _seed(world) -> str:
    """Published, reviewed practice plus private content of every kind; returns the public URL."""
    space = world.space_a["id"]  # a members-only space
    thread = expect(
        await world.member.post(
            f"/api/spaces/{space}/threads",
            json={"title": f"Private {MARKERS['thread']}", "body": f"members only {MARKERS['thread']}"},
        ),
        201,
    )
    hidden = expect(
        await world.member.post(
            f"/api/threads/{thread['id']}/messages", json={"body": f"soon hidden {MARKERS['message']}"}
        ),
        201,
    )
    expect(await world.moderator.post(f"/api/messages/{hidden['id']}/hide", json={"reason": "test"}), 200)
    expect(await world.moderator.patch("/api/me", json={"name": f"Mieke {MARKERS['official']}"}), 200)
    city = world.cities[0]["id"]
    unpublished = practice(city, title=f"Draft {MARKERS['unpublished']}", review_status="reviewed")
    expect(await world.moderator.post(f"/api/spaces/{space}/resources", json=unpublished), 201)
    withdrawn = expect(
        await world.moderator.post(
            f"/api/spaces/{space}/resources",
            json=practice(
                city, title="Withdrawn one", summary=f"gone {MARKERS['withdrawn']}", review_status="reviewed"
            ),
        ),
        201,
    )
    expect(await world.moderator.post(f"/api/resources/{withdrawn['id']}/publish"), 200)
    expect(await world.moderator.post(f"/api/resources/{withdrawn['id']}/unpublish"), 200)
    published = expect(
        await world.moderator.post(
            f"/api/spaces/{space}/resources",
            json=practice(city, title="Public welcome desks", source_thread_id=thread["id"], review_status="reviewed"),
        ),
        201,
    )
    await _seed_curated(world, published["id"])
    return expect(await world.moderator.post(f"/api/resources/{published['id']}/publish"), 200)["url"]


async def _seed_curated(world, published_id: int) -> None:
    """A published thread whose hidden messages and non-consenting author's words must stay private,
    and a published collection that also holds an unpublished practice."""
    space = world.space_a["id"]
    expect(await world.member.put("/api/me/public-name-consent", json={"public_name_consent": True}), 200)
    thread = expect(
        await world.member.post(
            f"/api/spaces/{space}/threads", json={"title": "Open talk on desks", "body": "Desks help newcomers."}
        ),
        201,
    )
    path = f"/api/threads/{thread['id']}/messages"
    expect(await world.moderator.post(path, json={"body": f"Not for the public {MARKERS['not_consenting']}"}), 201)
    hidden = expect(await world.member.post(path, json={"body": f"hidden here too {MARKERS['message']}"}), 201)
    expect(await world.moderator.post(f"/api/messages/{hidden['id']}/hide", json={"reason": "test"}), 200)
    expect(await world.member.post(path, json={"body": f"Thanks @{world.moderator.user['handle']}"}), 201)
    expect(await world.moderator.post(f"/api/threads/{thread['id']}/publish"), 200)
    inside = practice(world.cities[0]["id"], title=f"Collected {MARKERS['in_collection']}", review_status="reviewed")
    inside = expect(await world.moderator.post(f"/api/spaces/{space}/resources", json=inside), 201)
    collection = expect(
        await world.moderator.post(f"/api/spaces/{space}/collections", json={"name": "Desk practices"}), 201
    )
    for resource_id in (published_id, inside["id"]):
        expect(await world.moderator.put(f"/api/collections/{collection['id']}/resources/{resource_id}"), 200)
    expect(await world.moderator.post(f"/api/collections/{collection['id']}/publish"), 200)


def _links(html: str, base: str) -> set[str]:
    found = set()
    for href in re.findall(r'href="([^"]+)"', html):
        href = href.replace("&amp;", "&")
        if href.startswith("/") and not href.startswith("//"):
            href = base + href
        if href.startswith(base) and (href[len(base) :].startswith("/knowledge") or href.endswith(".xml")):
            found.add(href)
    return found


def _assert_clean(url: str, text: str) -> None:
    # A search page repeats the reader's own query: only what it found counts.
    query = httpx.URL(url).params.get("q")
    if query:
        text = text.replace(query, "")
    for kind, marker in MARKERS.items():
        assert marker.lower() not in text.lower(), f"{kind} marker found at {url}"


async def test_a_crawl_of_sitemap_feeds_and_search_finds_no_private_content(world, server, database_url):
    public_url = await _seed(world)
    await indexed(database_url)  # public search answers from the engine's copies of the pages
    base = server.base_url
    async with httpx.AsyncClient(base_url=base, timeout=30) as crawler:
        sitemap = await crawler.get("/sitemap.xml")
        _assert_clean("/sitemap.xml", sitemap.text)
        urls = {loc.text for loc in ElementTree.fromstring(sitemap.content).iter(f"{SITEMAP_NS}loc")}
        assert public_url in urls
        feeds = {f"{base}/knowledge/feed.atom"} | {f"{base}/knowledge/themes/{t}/feed.atom" for t in ("integration",)}
        for feed_url in feeds:
            response = await crawler.get(feed_url)
            _assert_clean(feed_url, response.text)
            parsed = feedparser.parse(response.content)
            assert not parsed.bozo, parsed.bozo_exception
            entries = [e.link for e in parsed.entries]
            assert entries == [public_url]
            urls |= set(entries)
        for marker in MARKERS.values():
            urls.add(f"{base}/knowledge/search?q={marker}")
        urls.add(f"{base}/knowledge/search?q=welcome")
        seen: set[str] = set()
        while urls:
            url = urls.pop()
            if url in seen or len(seen) > 200:
                continue
            seen.add(url)
            response = await crawler.get(url)
            assert response.status_code == 200, url
            assert "set-cookie" not in response.headers and not crawler.cookies, url
            _assert_clean(url, response.text)
            if response.headers["content-type"].startswith("text/html"):
                etree.fromstring(response.content, etree.HTMLParser(recover=False))
                urls |= _links(response.text, base) - seen
        assert public_url in seen and len(seen) > 8
        assert f"{base}/knowledge/threads/open-talk-on-desks" in seen
        assert f"{base}/knowledge/collections/desk-practices" in seen
        thread_page = (await crawler.get("/knowledge/threads/open-talk-on-desks")).text
        assert "Desks help newcomers." in thread_page and "Nguyen Member" in thread_page
        results = await crawler.get("/knowledge/search", params={"q": "welcome desks"})
        assert public_url.removeprefix(base) in results.text


@pytest.fixture
async def switched_off(settings, database_url):
    thread = ServerThread(replace(settings, public_knowledge=False), database_url).start()
    yield thread
    thread.stop()


async def test_turned_off_everything_public_is_404(world, server, switched_off):
    url = await _seed(world)
    path = url.removeprefix(server.base_url)
    async with httpx.AsyncClient(base_url=switched_off.base_url, timeout=30) as anonymous:
        for route in (
            "/knowledge",
            path,
            "/knowledge/feed.atom",
            "/sitemap.xml",
            "/robots.txt",
            "/knowledge/search?q=a",
        ):
            assert (await anonymous.get(route)).status_code == 404, route


async def test_public_pages_are_rate_limited_per_address(settings, database_url):
    thread = ServerThread(replace(settings, public_rate_per_minute=5), database_url).start()
    try:
        async with httpx.AsyncClient(base_url=thread.base_url, timeout=30) as anonymous:
            await inside_one_rate_window()
            statuses = [(await anonymous.get("/knowledge")).status_code for _ in range(7)]
            assert statuses[:5] == [200] * 5 and statuses[-1] == 429
            refused = await anonymous.get("/robots.txt")  # one budget for every public route
            assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
            assert "set-cookie" not in refused.headers
    finally:
        thread.stop()
