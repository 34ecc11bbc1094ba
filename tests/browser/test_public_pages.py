"""The public knowledge base in Chromium, with JavaScript on and off, wide and narrow: axe-core
finds nothing serious, nothing overflows, and a screenshot of each page is written to look at."""

from __future__ import annotations

import httpx
import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import assert_accessible, assert_fits
from tests.library_helpers import practice

pytestmark = pytest.mark.asyncio(loop_scope="session")

SIZES = ((1280, 800), (375, 740))


def _publish_everything(world, api) -> dict[str, str]:
    space = world.space_a["id"]
    moderator, member = api("mod@antwerpen.test"), api("member@danang.test")
    for client in (moderator, member):
        client.call("PUT", "/api/me/public-name-consent", json={"public_name_consent": True})
    body = practice(world.cities[0]["id"], review_status="reviewed")
    record = moderator.call("POST", f"/api/spaces/{space}/resources", 201, json=body)
    pages = {"practice": moderator.call("POST", f"/api/resources/{record['id']}/publish")["url"]}
    thread = moderator.call(
        "POST",
        f"/api/spaces/{space}/threads",
        201,
        json={"title": "Staffing a welcome desk", "themes": ["integration"], "body": "We rotate **weekly**."},
    )
    text = f"Thanks @{moderator.user['handle']}, we open at eight.\n\n- one\n- two"
    member.call("POST", f"/api/threads/{thread['id']}/messages", 201, json={"body": text})
    pages["thread"] = moderator.call("POST", f"/api/threads/{thread['id']}/publish")["url"]
    collection = moderator.call(
        "POST",
        f"/api/spaces/{space}/collections",
        201,
        json={"name": "First weeks", "description": "Where newcomers start."},
    )
    moderator.call("PUT", f"/api/collections/{collection['id']}/resources/{record['id']}")
    pages["collection"] = moderator.call("POST", f"/api/collections/{collection['id']}/publish")["url"]
    base = pages["practice"].split("/knowledge")[0]
    pages |= {
        "home": f"{base}/knowledge",
        "theme": f"{base}/knowledge/themes/integration",
        "search": f"{base}/knowledge/search?q=welcome",
        "about": f"{base}/knowledge/about?lang=fr",
        "missing": f"{base}/knowledge/antwerp/no-such-practice",
    }
    return pages


async def test_public_pages_are_accessible_with_and_without_javascript(world, api, browser):
    pages = _publish_everything(world, api)
    assert httpx.get(pages["missing"]).status_code == 404
    for script in (True, False):
        for width, height in SIZES:
            context = await browser.new_context(
                java_script_enabled=script, viewport={"width": width, "height": height}, locale="en-GB"
            )
            try:
                page = await context.new_page()
                for name, url in pages.items():
                    await page.goto(url)
                    label = f"public-{name}-{'js' if script else 'nojs'}-{width}"
                    await assert_accessible(page, label)
                    await assert_fits(page, width)
                    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                    await page.screenshot(path=str(SCREENSHOTS / f"{label}.png"), full_page=True)
            finally:
                await context.close()
