"""Publishing from the browser: a moderator gives consent in Settings, publishes a thread and a
collection with their buttons, and a browser with no session reads them at their /knowledge address."""

from __future__ import annotations

import pytest

from tests.browser.helpers import assert_accessible

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_moderator_publishes_a_thread_and_a_collection_that_anyone_can_read(world, api, sessions, browser):
    space = world.space_a["id"]
    moderator = api("mod@antwerpen.test")
    thread = moderator.call(
        "POST",
        f"/api/spaces/{space}/threads",
        201,
        json={"title": "Opening hours of the welcome desk", "themes": ["integration"], "body": "We open at eight."},
    )
    collection = moderator.call("POST", f"/api/spaces/{space}/collections", 201, json={"name": "Desk know-how"})

    mod = await sessions("mod@antwerpen.test")
    await mod.goto("/settings")
    consent = mod.page.get_by_label("Show my name and words on public pages")
    await consent.wait_for()
    assert not await consent.is_checked()
    await consent.check()
    await mod.page.get_by_text("Your choice for public pages is saved.").first.wait_for(state="attached")
    assert moderator.call("GET", "/api/me")["public_name_consent"] is True
    await assert_accessible(mod.page, "settings with public consent")

    await mod.goto(f"/threads/{thread['id']}")
    await mod.page.get_by_text("Publish this thread").click()
    box = mod.page.locator(".publish-thread")
    await box.get_by_text("CC BY 4.0").wait_for()
    await box.get_by_text("audit log").wait_for()
    await box.get_by_role("button", name="Publish", exact=True).click()
    link = box.locator("a.public-url")
    await link.wait_for()
    thread_url = await link.get_attribute("href")
    assert "/knowledge/threads/" in thread_url
    await assert_accessible(mod.page, "thread with publish box")
    await mod.screenshot("publicrest-thread-published")

    await mod.goto(f"/spaces/{space}/library")
    await mod.page.get_by_text("Publish this collection").click()
    part = mod.page.locator(".publish-collection")
    await part.get_by_role("button", name="Publish: Desk know-how").click()
    await part.locator("a.public-url").wait_for()
    collection_url = await part.locator("a.public-url").get_attribute("href")
    await mod.screenshot("publicrest-collection-published")

    anonymous = await browser.new_context(locale="en-GB")
    try:
        page = await anonymous.new_page()
        response = await page.goto(thread_url)
        assert response.status == 200
        assert "Opening hours of the welcome desk" in await page.locator("h1").inner_text()
        response = await page.goto(collection_url)
        assert response.status == 200
        assert "Desk know-how" in await page.locator("h1").inner_text()
        assert not await anonymous.cookies()
    finally:
        await anonymous.close()

    # Unpublishing from the same button: the page is gone (410) at once.
    await mod.goto(f"/threads/{thread['id']}")
    await mod.page.get_by_text("Publish this thread").click()
    await mod.page.locator(".publish-thread").get_by_role("button", name="Unpublish").click()
    await mod.page.locator(".publish-thread").get_by_role("button", name="Publish", exact=True).wait_for()
    gone = await browser.new_context()
    try:
        assert (await (await gone.new_page()).goto(thread_url)).status == 410
    finally:
        await gone.close()
    assert collection["id"]
