"""A practice record's documents and translation from the browser: its moderator attaches a document,
marks a French version as its translation, publishes with the document chosen, and a browser with no
session reads the page, its "Also in" switch and downloads the document."""

from __future__ import annotations

import pytest

from tests.browser.helpers import assert_accessible
from tests.library_helpers import pdf_bytes, practice

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_moderator_attaches_translates_and_publishes_a_practice(world, api, sessions, browser):
    space = world.space_a["id"]
    moderator = api("mod@antwerpen.test")
    city = world.cities[0]["id"]
    record = moderator.call(
        "POST", f"/api/spaces/{space}/resources", 201, json=practice(city, review_status="reviewed")
    )
    french = moderator.call(
        "POST",
        f"/api/spaces/{space}/resources",
        201,
        json=practice(city, title="Guichets d'accueil à l'hôtel de ville", language="fr", review_status="reviewed"),
    )
    files = {"file": ("floor-plan.pdf", pdf_bytes("Floor plan"), "application/pdf")}
    document = moderator.call("POST", f"/api/spaces/{space}/resources", 201, files=files, data={"title": "Floor plan"})

    mod = await sessions("mod@antwerpen.test")
    await mod.goto(f"/resources/{record['id']}")
    box = mod.page.locator("section.attachments")
    await box.get_by_label("Document", exact=True).select_option(str(document["id"]))
    await box.get_by_role("button", name="Attach").click()
    await box.get_by_role("button", name="Detach Floor plan").wait_for()

    await mod.goto(f"/resources/{french['id']}")
    part = mod.page.locator("section.translations")
    await part.get_by_label("Original practice record").select_option(str(record["id"]))
    await part.get_by_role("button", name="Mark as a translation").click()
    await part.get_by_text("A translation of").wait_for()
    await mod.page.locator("section.publish").get_by_role("button", name="Publish", exact=True).click()
    await mod.page.locator("section.publish").get_by_role("button", name="Unpublish").wait_for()

    await mod.goto(f"/resources/{record['id']}")
    publish = mod.page.locator("section.publish")
    await publish.get_by_label("Floor plan").wait_for()
    assert await publish.get_by_label("Floor plan").is_checked()
    await assert_accessible(mod.page, "practice with documents, translation and publish box")
    await publish.get_by_role("button", name="Publish", exact=True).click()
    link = publish.locator("a[href*='/knowledge/']")
    await link.wait_for()
    url = await link.get_attribute("href")
    await mod.page.locator("section.attachments").locator(".badge", has_text="Public").wait_for()
    await mod.screenshot("practice-documents-published")

    anonymous = await browser.new_context(locale="en-GB", java_script_enabled=False)
    try:
        page = await anonymous.new_page()
        assert (await page.goto(url)).status == 200
        await page.locator("nav.public-also-in").get_by_role("link", name="Français").wait_for()
        async with page.expect_download() as waiting:
            await page.get_by_role("link", name="Floor plan").click()
        download = await waiting.value
        assert download.suggested_filename == "floor-plan.pdf"
        assert not await anonymous.cookies()
    finally:
        await anonymous.close()
