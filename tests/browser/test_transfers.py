"""A practice transfer in two browsers (issue 19): Antwerp's moderator (the mentor city) proposes
the transfer of Antwerp's welcome desks to Da Nang; Da Nang's official plans, logs what changes and
why, and completes the plan into Da Nang's own practice record; each sees the other's changes live.
Then the record's lineage and the network's, as a graph and as a list."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import assert_accessible, assert_fits, wait_live
from tests.library_helpers import practice

pytestmark = pytest.mark.asyncio(loop_scope="session")
# What the other browser did arrives through the socket and three fetches: on two loaded cores that
# can take longer than expect()'s 5 s.
LIVE = 15_000


async def open_form(scope, summary: str):
    """Open one of the screen's forms by its summary line, and wait until the app has focused the
    form's first field (frontend/screens/transfers/common.js does so on `toggle`, an event that fires
    after the click). Text filled into another field before that could land in the first one: the
    CIs of 08fce4e and ec7fd1f sent a measure with an empty value after filling "120", and showed
    the form open and empty ("This value is of the wrong kind"). The summary itself takes the focus
    on the click, so the wait is for a field of the form."""
    details = scope.locator("details", has_text=summary)
    await details.locator("summary").click()
    await expect(details.locator("form :focus")).to_have_count(1)
    return details


async def test_a_transfer_from_proposal_to_the_adapted_record_live_in_two_browsers(world, sessions, api):
    space = world.space_a["id"]
    antwerp = world.cities[0]["id"]
    source = api("mod@antwerpen.test").call("POST", f"/api/spaces/{space}/resources", 201, json=practice(antwerp))

    mentor = await sessions("mod@antwerpen.test")
    await mentor.goto(f"/spaces/{space}/transfers")
    await expect(mentor.page.get_by_text("No transfer in this space yet.")).to_be_visible()
    await mentor.page.get_by_role("button", name="Propose a transfer").click()
    form = mentor.page.locator("#transfer-form")
    await form.get_by_label("Practice transferred").select_option(label=f"{source['title']} (Antwerp)")
    await expect(form.get_by_label("Antwerp")).to_be_disabled()  # the mentor city does not take up its own
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
    mentor_plan = mentor.page.locator("#plan-" + str(world.cities[1]["id"]))
    await plan.get_by_label("Local context").fill("Da Nang's wards register newcomers; no single desk yet.")
    await plan.get_by_role("button", name="Save the plan").click()
    await expect(implementer.page.get_by_text("Plan saved.")).to_be_visible()
    await expect(plan.get_by_role("button", name="Edit the plan")).to_be_visible()
    await plan.get_by_role("button", name="Mark “Transfer plan agreed” done").click()
    await expect(mentor_plan.locator(".milestone").first.locator(".badge.milestone-done")).to_have_count(
        1, timeout=LIVE
    )
    await expect(mentor_plan).to_contain_text("no single desk yet", timeout=LIVE)

    await expect(plan.locator(".milestone").first.locator(".badge.milestone-done")).to_have_count(1)
    await open_form(plan, "Add a milestone")
    adding = plan.locator(".milestone-form")
    await adding.get_by_role("button", name="Add the milestone").click()  # no title, no date
    await expect(adding.locator('[data-field="due_on"] .field-error')).not_to_be_empty()
    # A milestone already late says so in words; re-dated, with an evidence link, it no longer is.
    await adding.get_by_label("Milestone", exact=True).fill("A first ward desk opens")
    await adding.get_by_label("Due on").fill("2025-01-15")
    await adding.get_by_role("button", name="Add the milestone").click()
    late = plan.locator(".milestone", has_text="A first ward desk opens")
    await expect(late).to_contain_text("Overdue")
    await expect(late).to_contain_text("was due Jan 15, 2025")
    await expect(plan).to_contain_text("1 milestone is overdue.")
    await expect(mentor_plan.locator(".milestone", has_text="A first ward desk opens")).to_contain_text(
        "Overdue", timeout=LIVE
    )
    await open_form(late, "Change date, owner or evidence")
    await late.get_by_label("Due on").fill("2029-03-01")
    await late.get_by_label("Owner").select_option(label="Nguyen Member")
    await late.get_by_label("Add an evidence link").fill("https://danang.example/ward-desk")
    await late.get_by_role("button", name="Save the milestone").click()
    await expect(late).to_contain_text("owner: Nguyen Member")
    await expect(late).not_to_contain_text("Overdue")
    await expect(late.get_by_role("link", name="danang.example")).to_be_visible()

    # A result indicator and a first measure.
    await open_form(plan, "Add an indicator")
    new_indicator = plan.locator(".indicator-form")
    await new_indicator.get_by_label("Indicator", exact=True).fill("Newcomers registered at a ward desk")
    await new_indicator.get_by_label("Unit").fill("people")
    await new_indicator.get_by_label("Baseline").fill("0")
    await new_indicator.get_by_label("Target").fill("500")
    await new_indicator.get_by_role("button", name="Add the indicator").click()
    indicator = plan.locator(".indicator", has_text="Newcomers registered")
    await open_form(indicator, "New measure")
    await indicator.get_by_label("Value (people)").fill("120")
    await indicator.get_by_role("button", name="Record").click()
    await expect(indicator.locator("table.measures")).to_contain_text("120")
    await expect(mentor_plan.locator(".indicator")).to_contain_text("120", timeout=LIVE)

    await open_form(plan, "Log an adaptation or a comment")
    log = plan.locator(".log-form")
    await log.get_by_label("What in the source practice").select_option("process")
    await log.get_by_label("What changed").fill("One desk per ward instead of one in the town hall.")
    await log.get_by_label("Why:").fill("Wards are where newcomers register.")
    await log.get_by_role("button", name="Add to the log").click()
    await expect(mentor_plan.locator(".adaptation-log")).to_contain_text("One desk per ward", timeout=LIVE)

    # The mentor city comments (it may only comment); Da Nang sees it.
    await open_form(mentor_plan, "Log an adaptation or a comment")
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
    phone = await sessions("member@danang.test", width=390, height=844)
    await phone.goto(f"/transfers/{transfer['id']}")
    await expect(phone.page.get_by_role("heading", name="Plan of Da Nang")).to_be_visible()
    await assert_fits(phone.page, 390)
    await assert_accessible(phone.page, "transfer screen on a phone")
    await open_form(phone.page, "Add a milestone")
    await assert_fits(phone.page, 390)
    await phone.screenshot("transfer-390")
    await phone.goto(f"/spaces/{space}/transfers")
    await expect(phone.page.locator(".transfer-row")).to_have_count(1)
    await assert_fits(phone.page, 390)
    await phone.screenshot("transfers-390")


async def test_a_move_overtaken_by_another_shows_its_error_and_keeps_what_is_typed(world, sessions, api):
    space = world.space_a["id"]
    mod = api("mod@antwerpen.test")
    source = mod.call("POST", f"/api/spaces/{space}/resources", 201, json=practice(world.cities[0]["id"]))
    body = {"source_practice_id": source["id"], "implementing_city_ids": [world.cities[1]["id"]], "space_id": space}
    transfer = mod.call("POST", "/api/transfers", 201, json=body)
    mentor = await sessions("mod@antwerpen.test")
    await mentor.goto(f"/transfers/{transfer['id']}")
    page = mentor.page
    await expect(page.get_by_role("heading", name="Plan of Da Nang")).to_be_visible()
    await wait_live(page)

    # A bad date is refused beside its field.
    await open_form(page, "Change the dates")
    dates = page.locator(".dates-form")
    await dates.get_by_label("Ends on").fill("2020-01-01")
    await dates.get_by_role("button", name="Save the dates").click()
    await expect(dates.locator('[data-field="ends_on"] .field-error')).to_contain_text("must come after")
    await dates.get_by_label("Ends on").fill("2030-06-30")
    await dates.get_by_role("button", name="Save the dates").click()
    await expect(page.locator(".transfer-details")).to_contain_text("Jun 30, 2030")

    # Someone stops the transfer while the mentor is writing: the screen keeps the text, says that it
    # changed, and the stale move answers with its error.
    plan = page.locator("#plan-" + str(world.cities[1]["id"]))
    await open_form(plan, "Log an adaptation or a comment")
    await plan.get_by_label("Entry").select_option("comment")
    await plan.get_by_label("Notes").fill("Half a thought")
    mod.call("PATCH", f"/api/transfers/{transfer['id']}", json={"state": "stopped"})
    await expect(page.locator(".live-update")).to_be_visible(timeout=LIVE)
    await page.get_by_role("button", name="Start planning").click()
    refused = page.locator(".move-error")
    await expect(refused).to_contain_text("Could not move the transfer to “Planning”")
    await expect(refused).to_contain_text("conflicts with a change made meanwhile")
    await expect(plan.get_by_label("Notes")).to_have_value("Half a thought")
    await assert_accessible(page, "a refused move")
    await mentor.screenshot("transfer-refused-move")
    await page.screenshot(path=str(SCREENSHOTS / "transfer-refused-move-viewport.png"))
    await page.get_by_role("button", name="Show the changes").click()
    await expect(page.locator(".transfer-summary")).to_contain_text("Stopped")
    await expect(page.locator(".transfer-moves")).to_have_count(0)
