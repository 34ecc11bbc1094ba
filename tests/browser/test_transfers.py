"""A practice transfer in two browsers (issue 19): Antwerp's moderator (the mentor city) proposes
the transfer of Antwerp's welcome desks to Da Nang; Da Nang's official plans, logs what changes and
why, and completes the plan into Da Nang's own practice record; each sees the other's changes live.
Then the record's lineage and the network's, as a graph and as a list."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits, wait_live
from tests.library_helpers import practice

pytestmark = pytest.mark.asyncio(loop_scope="session")
# What the other browser did arrives through the socket and three fetches: on two loaded cores that
# can take longer than expect()'s 5 s.
LIVE = 15_000


async def test_a_transfer_from_proposal_to_the_adapted_record_live_in_two_browsers(world, sessions, api):
    space = world.space_a["id"]
    antwerp = world.cities[0]["id"]
    source = api("mod@antwerpen.test").call("POST", f"/api/spaces/{space}/resources", 201, json=practice(antwerp))

    mentor = await sessions("mod@antwerpen.test")
    await mentor.goto(f"/spaces/{space}/transfers")
    await expect(mentor.page.get_by_text("No transfer in this space yet.")).to_be_visible()
    await mentor.page.get_by_role("button", name="Propose a transfer").click()
    form = mentor.page.locator("#transfer-form")
    await form.get_by_label("Practice transferred").select_option(label=source["title"])
    await form.get_by_label("Da Nang").check()
    await form.get_by_label("Starts on").fill("2027-05-01")
    await form.get_by_label("Ends on").fill("2027-01-01")
    await form.get_by_role("button", name="Propose", exact=True).click()
    await expect(form.locator('[data-field="ends_on"] .field-error')).to_contain_text("must come after")
    await assert_accessible(mentor.page, "propose a transfer")
    await form.get_by_label("Ends on").fill("2028-12-31")
    await form.get_by_role("button", name="Propose", exact=True).click()
    await expect(mentor.page).to_have_url(re.compile(r"/transfers/\d+$"))
    path = mentor.page.url.split(mentor.base_url, 1)[1]
    await expect(mentor.page.get_by_role("heading", name="Plan of Da Nang")).to_be_visible()
    await wait_live(mentor.page)

    implementer = await sessions("member@danang.test")
    await implementer.goto(path)
    plan = implementer.page.locator("#plan-" + str(world.cities[1]["id"]))
    await expect(plan).to_contain_text("Transfer plan agreed")
    await wait_live(implementer.page)

    # The mentor moves the transfer on: the implementing city sees it at once.
    await mentor.page.get_by_role("button", name="Start planning").click()
    await expect(implementer.page.locator(".transfer-summary")).to_contain_text("Planning", timeout=LIVE)

    # Da Nang plans: context saved, the first milestone done, an adaptation logged; Antwerp sees each.
    await plan.get_by_label("Local context").fill("Da Nang's wards register newcomers; no single desk yet.")
    await plan.get_by_role("button", name="Save the plan").click()
    await expect(implementer.page.get_by_text("Plan saved.")).to_be_visible()
    await plan.get_by_role("button", name="Mark “Transfer plan agreed” done").click()
    mentor_plan = mentor.page.locator("#plan-" + str(world.cities[1]["id"]))
    await expect(mentor_plan.locator(".milestone").first.locator(".badge.milestone-done")).to_have_count(
        1, timeout=LIVE
    )
    await expect(mentor_plan).to_contain_text("no single desk yet", timeout=LIVE)

    await expect(plan.locator(".milestone").first.locator(".badge.milestone-done")).to_have_count(1)
    await plan.get_by_role("button", name="Add the milestone").click()  # no title, no date
    await expect(plan.locator('.milestone-form [data-field="due_on"] .field-error')).not_to_be_empty()

    log = plan.locator(".log-form")
    await log.get_by_label("What in the source practice").select_option("process")
    await log.get_by_label("What changed").fill("One desk per ward instead of one in the town hall.")
    await log.get_by_label("Why:").fill("Wards are where newcomers register.")
    await log.get_by_role("button", name="Add to the log").click()
    await expect(mentor_plan.locator(".adaptation-log")).to_contain_text("One desk per ward", timeout=LIVE)

    # The mentor city comments (it may only comment); Da Nang sees it.
    mentor_log = mentor_plan.locator(".log-form")
    await mentor_log.get_by_label("Entry").select_option("comment")
    await mentor_log.get_by_label("Notes").fill("Antwerp's desk staff can visit in March.")
    await mentor_log.get_by_role("button", name="Add to the log").click()
    await expect(plan.locator(".adaptation-log")).to_contain_text("visit in March", timeout=LIVE)
    await assert_accessible(implementer.page, "transfer screen")
    await implementer.screenshot("transfer-planning")

    for step in ("Start implementing", "Start the review"):
        await mentor.page.get_by_role("button", name=step).click()
        await expect(mentor.page.get_by_role("button", name=step)).to_have_count(0)
    await expect(implementer.page.locator(".transfer-summary")).to_contain_text("Reviewing", timeout=LIVE)
    await plan.get_by_role("button", name="Complete: create our practice record").click()
    await expect(implementer.page).to_have_url(re.compile(r"/resources/\d+$"))
    await expect(implementer.page.locator(".lineage-section")).to_contain_text(source["title"])
    lineage = implementer.page.locator(".lineage-list")
    await expect(lineage).to_contain_text("(Antwerp)")
    await expect(lineage).to_contain_text("(Da Nang)")
    await expect(implementer.page.get_by_role("heading", name="Adapted from")).to_be_visible()
    await assert_accessible(implementer.page, "adapted record with its lineage")
    await implementer.screenshot("transfer-adapted-record")

    # The mentor's screen shows the completed plan, live; then the network's lineage.
    await expect(mentor_plan).to_contain_text("This plan is complete.", timeout=LIVE)
    await mentor.goto("/lineage")
    await expect(mentor.page.locator(".lineage-list")).to_contain_text("(Da Nang)")
    await expect(mentor.page.locator("svg.lineage-graph")).to_be_visible()
    await assert_accessible(mentor.page, "network lineage")
    await mentor.screenshot("lineage-network")


async def test_the_transfer_screens_fit_a_phone(world, sessions, api):
    space = world.space_a["id"]
    mod = api("mod@antwerpen.test")
    source = mod.call("POST", f"/api/spaces/{space}/resources", 201, json=practice(world.cities[0]["id"]))
    body = {"source_practice_id": source["id"], "implementing_city_ids": [world.cities[1]["id"]], "space_id": space}
    transfer = mod.call("POST", "/api/transfers", 201, json=body)
    phone = await sessions("member@danang.test", width=375, height=740)
    await phone.goto(f"/transfers/{transfer['id']}")
    await expect(phone.page.get_by_role("heading", name="Plan of Da Nang")).to_be_visible()
    await assert_fits(phone.page, 375)
    await assert_accessible(phone.page, "transfer screen on a phone")
    await phone.screenshot("transfer-375")
    await phone.goto(f"/spaces/{space}/transfers")
    await expect(phone.page.locator(".transfer-row")).to_have_count(1)
    await assert_fits(phone.page, 375)
    await phone.screenshot("transfers-375")
