"""Evidence in the self-assessment editor (issue 18): a city editor cites a practice record and a
web page on an item, the links show once saved, and a partner city's official sees only what they
may open (the record sits in a space Toronto cannot read)."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits
from tests.library_helpers import practice

pytestmark = pytest.mark.asyncio(loop_scope="session")

HOUSING = "Fair access to housing for newcomers"


async def test_an_editor_cites_evidence_and_a_partner_sees_only_what_they_may_open(world, sessions, api):
    antwerp, da_nang, toronto = (c["id"] for c in world.cities)
    api("admin@citybridge.test").call("PUT", f"/api/cities/{da_nang}/editors/{world.member.user['id']}")
    member = api("member@danang.test")
    record = member.call("POST", f"/api/spaces/{world.space_a['id']}/resources", 201, json=practice(da_nang))

    s = await sessions("member@danang.test")
    await s.goto(f"/cities/{da_nang}")
    item = s.page.locator(".assessment-item", has=s.page.get_by_label(HOUSING, exact=True))
    await item.get_by_label(HOUSING, exact=True).select_option("partly")
    where = item.get_by_label(f"Evidence for “{HOUSING}”", exact=False)
    add = item.get_by_role("button", name="Add the evidence")
    # Not an address: refused on the spot, nothing added.
    await where.fill("housing report")
    await add.click()
    await expect(item.get_by_text("Paste a web address")).to_be_visible()
    await expect(where).to_have_attribute("aria-invalid", "true")
    await expect(item.locator(".evidence li")).to_have_count(0)
    # A record of this site by its address, a web page, and one added by mistake then removed.
    for link in (f"/resources/{record['id']}", "https://danang.test/housing", "https://wrong.test/"):
        await where.fill(link)
        await where.press("Enter")
    await expect(item.get_by_text("Paste a web address")).to_be_hidden()
    await expect(item.locator(".evidence li")).to_have_count(3)
    await item.get_by_role("button", name="Remove the evidence https://wrong.test/").click()
    await expect(item.locator(".evidence li")).to_have_count(2)
    await s.page.get_by_role("button", name="Save and share").click()
    await expect(s.page.get_by_text("Shared on")).to_be_visible()

    # Saved: the server names the record by its title; both open from the editor.
    item = s.page.locator(".assessment-item", has=s.page.get_by_label(HOUSING, exact=True))
    cited = item.locator(".evidence a")
    await expect(cited).to_have_count(2)
    await expect(cited.nth(0)).to_have_text(record["title"])
    await expect(cited.nth(0)).to_have_attribute("href", f"/resources/{record['id']}")
    await expect(cited.nth(1)).to_have_attribute("href", "https://danang.test/housing")
    saved = member.call("GET", f"/api/cities/{da_nang}/assessments/{await year(s)}")
    assert [e.get("resource_id") or e.get("url") for e in saved["ratings"]["rights-housing"]["evidence"]] == [
        record["id"],
        "https://danang.test/housing",
    ]
    await assert_accessible(s.page, "assessment with evidence")
    await s.screenshot("evidence-1280")

    # Toronto's official reviews it: the web page shows as a link, the record in space A not at all.
    other = await sessions("other@toronto.test", width=375, height=740)
    await other.goto(f"/cities/{da_nang}")
    shown = other.page.locator(".assessment-item", has_text=HOUSING).locator("a")
    await expect(shown).to_have_count(1)
    await expect(shown).to_have_attribute("href", "https://danang.test/housing")
    await expect(other.page.get_by_text(record["title"])).to_have_count(0)
    await expect(other.page.get_by_role("button", name="Add the evidence")).to_have_count(0)
    await assert_fits(other.page, 375)
    await other.screenshot("evidence-375-partner")


async def year(s) -> int:
    title = await s.page.locator("#assessment-title").text_content()
    return int("".join(ch for ch in title if ch.isdigit()))
