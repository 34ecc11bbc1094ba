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
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        on = await browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
        # axe-core is itself a script: it cannot run where scripts are off. The pages carry none
        # (their CSP says script-src 'none'), so Chromium draws the same document either way: the
        # test checks that, runs axe with scripts on, and draws each page with scripts off too.
        off = await browser.new_context(
            java_script_enabled=False, viewport={"width": width, "height": height}, locale="en-GB"
        )
        try:
            page, plain = await on.new_page(), await off.new_page()
            for name, url in pages.items():
                await page.goto(url)
                assert await page.locator("script:not([type='application/ld+json'])").count() == 0, name
                await assert_accessible(page, f"{name} at {width}px")
                await assert_fits(page, width)
                await page.screenshot(path=str(SCREENSHOTS / f"public-{name}-js-{width}.png"), full_page=True)
                response = await plain.goto(url)
                assert response.status == (404 if name == "missing" else 200), name
                await plain.screenshot(path=str(SCREENSHOTS / f"public-{name}-nojs-{width}.png"), full_page=True)
        finally:
            await on.close()
            await off.close()
