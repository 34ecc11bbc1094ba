"""An official uploads a PDF through the library; a colleague of the partner city finds it
by a word inside it, typed with a typo."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits
from tests.library_helpers import pdf_bytes

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_upload_a_pdf_and_a_colleague_finds_it_by_a_word_inside_with_a_typo(world, sessions, tmp_path):
    path = tmp_path / "welcome-desk.pdf"
    path.write_bytes(pdf_bytes("The municipal interpreters service answers newcomers in eleven languages."))
    official = await sessions("mod@antwerpen.test")
    await official.goto(f"/spaces/{world.space_a['id']}/library")
    await expect(official.page.get_by_text("The library is empty")).to_be_visible()
    await official.page.get_by_role("button", name="Upload a file").click()
    await official.page.get_by_label("File", exact=True).set_input_files(str(path))
    await official.page.get_by_label("Title").fill("Welcome desk handbook")
    await official.page.get_by_label("Integration").check()
    await official.page.get_by_role("button", name="Upload a file").last.click()
    card = official.page.locator(".resource", has_text="Welcome desk handbook")
    await expect(card).to_contain_text("Document")
    await assert_accessible(official.page, "library")
    await official.screenshot("16-library")
    await card.get_by_role("link").click()
    await expect(official.page.get_by_role("link", name="Download welcome-desk.pdf")).to_be_visible()
    await official.screenshot("17-resource")

    colleague = await sessions("member@danang.test")
    # "interpeters": a letter missing. The indexer works after the commit, so look until it has.
    for _ in range(40):
        await colleague.goto("/search?q=interpeters")
        await expect(colleague.page.get_by_role("status").filter(has_text="result")).to_be_visible()
        if await colleague.page.locator(".result").count():
            break
    result = colleague.page.locator(".result", has_text="Welcome desk handbook")
    await expect(result).to_be_visible()
    await expect(result.locator("mark")).to_contain_text("interpreters")
    # The space is named once (its name already pairs the cities), then the author.
    meta = await result.locator(".result-title + p").inner_text()
    assert meta.count("Antwerp – Da Nang") == 1 and "Mieke Moderator" in meta, meta
    await expect(colleague.page.get_by_role("group", name="Filters")).to_contain_text("Document")
    await assert_accessible(colleague.page, "search")
    await colleague.screenshot("18-search")
    # Suggestions as one types.
    box = colleague.page.get_by_role("combobox", name="Search Citybridge")
    await box.fill("")
    await box.press_sequentially("newc")
    await expect(colleague.page.get_by_role("option").first).to_be_visible()
    await result.get_by_role("link").click()
    await expect(colleague.page.get_by_role("heading", name="Welcome desk handbook")).to_be_visible()


async def test_a_long_thread_is_one_result_with_its_replies_under_it(world, sessions, api):
    writer = api("member@danang.test")
    thread = writer.call(
        "POST",
        f"/api/spaces/{world.space_a['id']}/threads",
        status=201,
        json={"title": "Tenancy deposits", "body": "Who pays tenancy deposits for newcomers?"},
    )
    for n in range(5):
        writer.call("POST", f"/api/threads/{thread['id']}/messages", 201, json={"body": f"Our tenancy rule {n}"})
    reader = await sessions("mod@antwerpen.test")
    for _ in range(40):  # the indexer works after the commit
        await reader.goto("/search?q=tenancy")
        await expect(reader.page.get_by_role("status").filter(has_text="result")).to_be_visible()
        if "7 results" in await reader.page.get_by_role("status").filter(has_text="result").inner_text():
            break
    cards = reader.page.locator(".result")
    await expect(cards).to_have_count(1)
    more = cards.locator(".result-more")
    await expect(more).to_contain_text("more matches in this thread")
    await expect(more.locator("li")).to_have_count(3)
    await expect(more.get_by_role("link", name="Open the thread (3 more)")).to_be_visible()
    await assert_accessible(reader.page, "grouped search results")
    await reader.screenshot("search-grouped")


async def test_search_within_a_space_from_its_screen(world, sessions, api):
    """The space's own search box: only that space's hits, its filter shown as chosen; `from:`
    typed in the box narrows to one author."""
    writer = api("member@danang.test")
    space_a, network = world.space_a["id"], world.network["id"]
    writer.call("POST", f"/api/spaces/{space_a}/threads", 201, json={"title": "Ferry passes", "body": "Ferry passes"})
    api("admin@citybridge.test").call(
        "POST", f"/api/spaces/{network}/threads", 201, json={"title": "Ferry night", "body": "A ferry at night"}
    )
    reader = await sessions("mod@antwerpen.test")
    for _ in range(40):  # the indexer works after the commit: both threads found across spaces first
        await reader.goto("/search?q=ferry")
        await expect(reader.page.get_by_role("status").filter(has_text="result")).to_be_visible()
        if await reader.page.locator(".result").count() == 2:
            break
    await expect(reader.page.locator(".result")).to_have_count(2)
    await reader.goto(f"/spaces/{space_a}")
    box = reader.page.get_by_role("searchbox", name="Search this space")
    await expect(box).to_be_visible()
    await reader.screenshot("space-with-search")
    await box.fill("ferry")
    await box.press("Enter")
    await expect(reader.page.get_by_role("status").filter(has_text="result")).to_be_visible()
    assert f"space={space_a}" in reader.page.url
    await expect(reader.page.locator(".result")).to_have_count(1)
    await expect(reader.page.locator(".result")).to_contain_text("Ferry passes")
    await expect(reader.page.get_by_role("group", name="Filters").get_by_role("checkbox", checked=True)).to_have_count(
        1
    )
    await assert_accessible(reader.page, "search within a space")
    await reader.screenshot("search-in-space")
    handle = writer.call("GET", "/api/me", 200)["handle"]
    await reader.goto(f"/search?q=ferry+from:{handle}")
    await expect(reader.page.locator(".result")).to_have_count(1)
    await expect(reader.page.locator(".result")).to_contain_text("Ferry passes")


async def test_an_admin_adds_a_concept_and_an_official_finds_it_in_another_language(world, sessions, api):
    """Admin › Search vocabulary: a bad line is named beside the text; once saved, a French word finds
    the English thread. Checked with axe and photographed at both widths."""
    api("member@danang.test").call(
        "POST",
        f"/api/spaces/{world.space_a['id']}/threads",
        201,
        json={"title": "Buddy pairs", "body": "Our zorblax scheme pairs newcomers with volunteers."},
    )
    admin = await sessions("admin@citybridge.test")
    await admin.goto("/admin#vocabulary")
    panel = admin.page.locator("#panel-vocabulary")
    await expect(panel.get_by_text("No concepts added yet.")).to_be_visible()
    text = panel.get_by_label("Your concepts")
    await text.fill("[Buddy Scheme]\nen: zorblax\nfr: quuxine")
    await panel.get_by_role("button", name="Save the vocabulary").click()
    await expect(panel.locator(".field-error")).to_have_text(
        "Line 1: a concept's name is [lowercase-letters-digits-and-dashes]."
    )
    await admin.screenshot("admin-vocabulary-error-1280")
    await text.fill("[buddy-scheme]\nen: zorblax\nfr: quuxine")
    await panel.get_by_role("button", name="Save the vocabulary").click()
    await expect(panel.get_by_role("status")).to_contain_text("Version 1, saved by")
    await expect(panel.get_by_role("status")).to_contain_text("1 concept, 2 labels")
    await expect(panel.locator(".form-error")).to_be_hidden()
    await expect(panel.locator(".field-error")).to_be_hidden()
    await panel.get_by_text("How to write a concept").click()
    await assert_accessible(admin.page, "admin search vocabulary")
    await admin.screenshot("admin-vocabulary-1280")
    narrow = await sessions("admin@citybridge.test", width=375, height=740)
    await narrow.goto("/admin#vocabulary")
    await expect(narrow.page.get_by_label("Your concepts")).to_have_value("[buddy-scheme]\nen: zorblax\nfr: quuxine")
    await assert_fits(narrow.page, 375)
    await narrow.screenshot("admin-vocabulary-375")

    official = await sessions("mod@antwerpen.test")
    for _ in range(40):  # the indexer works after the commit
        await official.goto("/search?q=quuxine")
        await expect(official.page.get_by_role("status").filter(has_text="result")).to_be_visible()
        if await official.page.locator(".result").count():
            break
    await expect(official.page.locator(".result")).to_contain_text("Buddy pairs")
