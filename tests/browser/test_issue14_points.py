"""Issue 14's numbered points that the other browser tests leave open, measured as a person sees
them: the sidebar and the space's side panel run the page's full height, a six-city space squeezes
no text or box under three characters on the home and admin screens, a French file refusal names
no MIME type and no English, and on a phone the French tabs are whole and search facets wait in
a drawer."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits, page_problems
from tests.browser.test_trust import six_city_space

pytestmark = pytest.mark.asyncio(loop_scope="session")

# Where a box ends, in document coordinates, and how tall the document is.
BOTTOMS = """(selectors) => {
  const out = { document: document.scrollingElement.scrollHeight, viewport: innerHeight };
  for (const selector of selectors) {
    const box = document.querySelector(selector).getBoundingClientRect();
    out[selector] = box.bottom + scrollY;
    out[selector + " top"] = box.top + scrollY;
  }
  return out;
}"""


async def test_the_sidebar_and_the_side_panel_run_the_pages_full_height(world, sessions, api):
    member = api("member@danang.test")
    for n in range(24):
        member.call(
            "POST", f"/api/spaces/{world.space_a['id']}/threads", 201, json={"title": f"Topic {n}", "body": "Hello."}
        )
    s = await sessions("member@danang.test")
    await s.goto(f"/spaces/{world.space_a['id']}")
    await expect(s.page.locator(".thread-row")).to_have_count(24)
    await s.page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
    found = await s.page.evaluate(BOTTOMS, [".sidebar", ".aside"])
    assert found["document"] > found["viewport"] + 400, found  # a long page
    # One box from under the top bar to the document's end (not a window-tall box that slides along).
    assert found[".sidebar top"] <= 57 and found[".sidebar"] >= found["document"] - 1, found
    assert found[".aside"] >= found["document"] - 1, found
    # Scrolled to the bottom, the sidebar's links are still in view.
    await expect(s.page.locator(".sidebar").get_by_role("link", name="Home")).to_be_in_viewport()
    await s.screenshot("issue14-long-space-bottom")

    # A short page: the side panel still reaches the bottom of the window.
    await s.goto(f"/spaces/{world.space_a['id']}/members")
    await expect(s.page.locator("li.member").first).to_be_visible()
    found = await s.page.evaluate(BOTTOMS, [".sidebar", ".aside"])
    assert found[".aside"] >= found["viewport"] - 1 and found[".sidebar"] >= found["viewport"] - 1, found
    await s.screenshot("issue14-short-members")


@pytest.mark.parametrize("width", [1280, 375])
async def test_a_six_city_space_squeezes_nothing_under_three_characters(world, sessions, api, width):
    six_city_space(api, world)
    s = await sessions("admin@citybridge.test", width=width, height=800)
    for path, ready in (("/", ".space-card"), ("/admin#spaces", "#panel-spaces form")):
        await s.goto(path)
        await expect(s.page.locator(ready).first).to_be_visible()
        await expect(s.page.locator("main")).to_contain_text("Gaziantep")
        # No text node or text box narrower than three characters, nothing sideways, axe clean.
        assert await page_problems(s.page, width, "en", {"en": {}}) == [], path
    await s.screenshot(f"issue14-admin-six-cities-{width}")


async def test_a_french_file_refusal_names_no_mime_type_and_no_english(world, sessions, api, tmp_path):
    api("member@danang.test").call("PATCH", "/api/me", json={"locale": "fr"})
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    s = await sessions("member@danang.test", locale="fr-FR")
    await s.goto(f"/spaces/{world.space_a['id']}/library")
    await s.page.get_by_role("button", name="Téléverser un fichier").click()
    await s.page.locator('input[type="file"]').set_input_files(str(program))
    await s.page.locator('form button[type="submit"]').click()
    slot = s.page.locator('[data-field="file"] .field-error')
    await expect(slot).to_contain_text("Ce type de fichier ne peut pas être déposé")
    shown = await s.page.locator("main").inner_text()
    for word in ("application/", "octet", "MIME", "Allowed", "not accepted", "x-msdownload", "dosexec"):
        assert word not in shown, (word, shown)
    await assert_accessible(s.page, "French file refusal")
    await s.screenshot("issue14-file-refusal-fr")


async def test_on_a_phone_french_tabs_are_whole_and_facets_wait_in_a_drawer(world, sessions, api):
    api("member@danang.test").call(
        "POST", f"/api/spaces/{world.space_a['id']}/threads", 201, json={"title": "Interprètes", "body": "Qui ?"}
    )
    api("mod@antwerpen.test").call("PATCH", "/api/me", json={"locale": "fr"})
    s = await sessions("mod@antwerpen.test", locale="fr-FR", width=375, height=740)
    await s.goto(f"/spaces/{world.space_a['id']}")
    tabs = s.page.locator(".tabs a, .tabs [role=tab]")
    await expect(tabs.first).to_be_visible()
    assert await tabs.count() >= 4
    for i in range(await tabs.count()):
        tab = tabs.nth(i)
        box = await tab.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, (await tab.inner_text(), box)
        assert await tab.evaluate("(a) => a.scrollWidth <= a.clientWidth + 1"), await tab.inner_text()
    await assert_fits(s.page, 375)
    await s.screenshot("issue14-tabs-fr-375")

    await s.goto("/search?q=Interprètes")
    await expect(s.page.locator(".result").first).to_be_visible()
    facets = s.page.locator(".facet")
    assert await facets.count() > 0
    await expect(facets.first).to_be_hidden()  # the results come first
    toggle = s.page.get_by_role("button", name=re.compile("Filtres"))
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await toggle.click()
    await expect(facets.first).to_be_visible()
    await expect(toggle).to_have_attribute("aria-expanded", "true")
    await assert_accessible(s.page, "French search at 375 with the filters open")
    await assert_fits(s.page, 375)
    await s.screenshot("issue14-search-drawer-fr-375")
