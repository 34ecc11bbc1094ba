"""Issue 18 in the browser: a city editor keeps the profile and the self-assessment, posts a need,
sees the cities that could help with the reasons, asks one; the helper offers back; an admin
turns the match into a space. Axe-clean, and it fits a phone."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits
from tests.library_helpers import practice

pytestmark = pytest.mark.asyncio(loop_scope="session")


def arrange(world, api):
    antwerp, da_nang, toronto = (c["id"] for c in world.cities)
    admin = api("admin@citybridge.test")
    admin.call("PUT", f"/api/cities/{da_nang}/editors/{world.member.user['id']}")
    admin.call("PUT", f"/api/cities/{toronto}/editors/{world.other.user['id']}")
    record = practice(antwerp, review_status="reviewed", themes=["housing"])
    admin.call("POST", f"/api/spaces/{world.network['id']}/resources", 201, json=record)
    return antwerp, da_nang, toronto


async def test_from_a_city_profile_to_a_need_its_matches_and_a_new_space(world, sessions, api):
    antwerp, da_nang, toronto = arrange(world, api)
    s = await sessions("member@danang.test")

    # The city page: the editor fills in the profile; the figures show with their year.
    await s.goto(f"/cities/{da_nang}")
    await expect(s.page.get_by_role("heading", name="Da Nang", level=1)).to_be_visible()
    form = s.page.locator("form", has=s.page.get_by_role("heading", name="Edit the profile"))
    await form.get_by_label("Year described").fill("2024")
    await form.get_by_label("Population", exact=True).fill("1200000")
    await form.get_by_label("Share born abroad (%)").fill("2.5")
    await form.get_by_label("Working languages").fill("vi, en, fr")
    await form.get_by_role("button", name="Save").click()
    facts = s.page.locator("dl.facts").first
    await expect(facts).to_contain_text("1,200,000 (2024)")
    await expect(facts).to_contain_text("2.5 % (2024)")

    # The self-assessment: rated, saved as a draft (Toronto cannot see it), then shared.
    housing = s.page.get_by_label("Fair access to housing for newcomers", exact=True)
    await housing.select_option("not_yet")
    await s.page.get_by_role("button", name="Save the draft").click()
    await expect(s.page.get_by_text("Draft: only your city sees it")).to_be_visible()
    await assert_accessible(s.page, "city page")
    await s.screenshot("city-1280")
    await s.page.get_by_role("button", name="Save and share").click()
    await expect(s.page.get_by_text("Shared on")).to_be_visible()

    # A need, posted from the board, opens on its ranked matches with their reasons.
    await s.goto("/matching")
    await s.page.get_by_text("Post a need").first.click()
    await s.page.get_by_label("Theme").select_option("housing")
    await s.page.get_by_label("The challenge, in a few lines").fill("Temporary housing for new arrivals.")
    await s.page.get_by_label("Working languages").fill("en, fr")
    await s.page.get_by_role("button", name="Post the need").click()
    await expect(s.page.get_by_role("heading", name="Da Nang: Housing", level=1)).to_be_visible()
    matches = s.page.locator(".match")
    await expect(matches.first).to_contain_text("Antwerp")
    await expect(matches.first).to_contain_text("reviewed practice record(s) on housing")
    toronto_match = matches.filter(has_text="Toronto")
    await expect(toronto_match).to_contain_text("both work in English, French")
    await assert_accessible(s.page, "matches")
    await s.screenshot("matches-1280")
    await toronto_match.get_by_role("button", name="Ask Toronto for help").click()
    await expect(toronto_match.get_by_text("Help asked")).to_be_visible()
    need_url = s.page.url

    # Toronto offers back; the admin sees both sides and creates the space in one step.
    other = await sessions("other@toronto.test")
    await other.goto(need_url[need_url.index("/needs/") :])
    mine = other.page.locator(".match", has_text="Toronto")
    await mine.get_by_role("button", name="Offer to help").click()
    await expect(mine.get_by_text("Both cities are interested")).to_be_visible()
    admin = await sessions("admin@citybridge.test")
    await admin.goto(need_url[need_url.index("/needs/") :])
    await admin.page.locator(".match", has_text="Toronto").get_by_role("button", name="Create the space").click()
    await expect(admin.page.get_by_role("heading", name="Da Nang – Toronto: Housing")).to_be_visible()


async def test_city_and_board_screens_fit_a_phone_in_french(world, sessions, api):
    antwerp, da_nang, toronto = arrange(world, api)
    member = api("member@danang.test")
    member.call(
        "POST",
        "/api/needs",
        201,
        json={"city_id": da_nang, "theme": "housing", "challenge": "Temporary housing.", "help_kinds": ["mentoring"]},
    )
    member.call("PATCH", "/api/me", json={"locale": "fr"})
    s = await sessions("member@danang.test", locale="fr-FR", width=375, height=740)
    for path, name in ((f"/cities/{da_nang}", "city"), ("/matching", "board"), ("/cities", "cities")):
        await s.goto(path)
        await expect(s.page.locator("main h1")).to_be_visible()
        await expect(s.page.get_by_text("Loading…")).to_have_count(0)
        await assert_fits(s.page, 375)
        await assert_accessible(s.page, f"{name} at 375 px")
        await s.screenshot(f"{name}-375-fr")
    await expect(s.page.get_by_role("heading", name="Destination traditionnelle")).to_be_visible()
    # Someone outside the city sees no edit form and no draft.
    outsider = await sessions("outsider@example.test")
    await outsider.goto(f"/cities/{da_nang}")
    await expect(outsider.page.get_by_role("heading", name="Da Nang", level=1)).to_be_visible()
    await expect(outsider.page.get_by_role("heading", name="Edit the profile")).to_have_count(0)
    await expect(outsider.page.get_by_text("has not shared a self-assessment yet")).to_be_visible()
