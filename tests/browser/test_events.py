"""Events in the browser: a moderator plans a study visit, officials of two cities register, one
cancels, and the first on the waiting list sees the place come to them live; times are read in
each official's own zone and in the event's, across a daylight-saving difference."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits, wait_live

pytestmark = pytest.mark.asyncio(loop_scope="session")


def add_toronto_to_space(api, world):
    admin = api("admin@citybridge.test")
    olivia = api("other@toronto.test").user
    admin.call("PUT", f"/api/spaces/{world.space_a['id']}/members/{olivia['id']}", json={"role": "member"})


async def plan_study_visit(sessions, world) -> tuple[object, str]:
    mod = await sessions("mod@antwerpen.test", timezone="Europe/Brussels")
    await mod.goto(f"/spaces/{world.space_a['id']}/events")
    await expect(mod.page.get_by_text("No events planned yet")).to_be_visible()
    await mod.page.get_by_role("button", name="New event").click()
    form = mod.page.locator("form.event-form")
    await form.get_by_label("Kind").select_option("study_visit")
    await form.get_by_label("Title", exact=True).fill("Study visit: Antwerp welcome desks")
    await form.get_by_label("Description").fill("We visit **two** welcome desks.")
    # 25 March 2027: Toronto is already on summer time, Antwerp not yet (the gap is 5 hours, not 6).
    await form.get_by_label("Starts").fill("2027-03-25T09:30")
    await form.get_by_label("Ends").fill("2027-03-25T12:00")
    await form.get_by_label("Time zone").select_option("Europe/Brussels")
    await form.get_by_label("Address").fill("Stadhuis, Grote Markt 1")
    await form.get_by_label("Places").fill("1")
    await form.get_by_role("button", name="Create event").click()
    await expect(mod.page.get_by_role("heading", level=1)).to_have_text("Study visit: Antwerp welcome desks")
    return mod, mod.page.url.rsplit("/", 1)[-1]


async def test_study_visit_registration_waiting_list_promotion_live(world, sessions, api):
    add_toronto_to_space(api, world)
    mod, event_id = await plan_study_visit(sessions, world)
    await expect(mod.page.locator(".event-times")).to_contain_text("09:30")
    await expect(mod.page.get_by_text("Nobody has registered yet.")).to_be_visible()
    await assert_accessible(mod.page, "event page (organiser)")

    da_nang = await sessions("member@danang.test", timezone="Asia/Ho_Chi_Minh")
    await da_nang.goto(f"/events/{event_id}")
    times = da_nang.page.locator(".event-times")
    # Chromium names the zone by its older alias, Asia/Saigon.
    await expect(times.locator("dt").first).to_contain_text("Your time (Asia/")
    await expect(times.locator("dd").first).to_contain_text("03:30 PM – 06:00 PM")  # 08:30 UTC
    await expect(times).to_contain_text("Event's time (Europe/Brussels)")
    await da_nang.page.get_by_role("button", name="I'm going").click()
    await expect(da_nang.page.locator(".my-status")).to_have_text("You are going.")

    toronto = await sessions("other@toronto.test", timezone="America/Toronto")
    await toronto.goto(f"/events/{event_id}")
    await expect(toronto.page.locator(".event-times dd").first).to_contain_text("04:30 AM – 07:00 AM")
    await toronto.page.get_by_text("Needs to tell the organisers").click()
    await toronto.page.get_by_label("Dietary needs").fill("vegetarian")
    await toronto.page.get_by_role("button", name="I'm going").click()
    status = toronto.page.locator(".my-status")
    await expect(status).to_have_text("The event is full: you are number 1 on the waiting list.")
    await assert_accessible(toronto.page, "event page (waiting)")
    await toronto.screenshot("40-event-waiting")
    await wait_live(toronto.page)

    # The organiser's list follows live: one place taken, one waiting with her answers.
    attendees = mod.page.locator(".attendees")
    await expect(attendees.locator("[data-status='going']")).to_contain_text("Nguyen Member")
    await expect(attendees.locator("[data-status='waiting']")).to_contain_text("Dietary needs: vegetarian")
    await mod.screenshot("41-event-organiser")

    await da_nang.page.get_by_role("button", name="Cancel my registration").click()
    await expect(da_nang.page.locator(".my-status")).to_have_text("You are not going.")
    # Toronto did nothing: the promotion reaches her page through the socket.
    await expect(status).to_have_text("You are going.")
    await expect(attendees.locator("[data-status='going']")).to_contain_text("Olivia Other")

    # The space's list shows the visit in the reader's zone, with her answer.
    await toronto.goto(f"/spaces/{world.space_a['id']}/events")
    row = toronto.page.locator(".event-row")
    await expect(row).to_contain_text("Study visit: Antwerp welcome desks")
    await expect(row).to_contain_text("Going")
    await expect(row).to_contain_text("1 of 1 places taken · 0 waiting")
    await assert_accessible(toronto.page, "space events")
    await toronto.screenshot("42-space-events")


async def test_event_screens_fit_a_phone_and_offer_calendar_files(world, sessions, api):
    mod, event_id = await plan_study_visit(sessions, world)
    phone = await sessions("member@danang.test", width=375, height=740, timezone="Asia/Ho_Chi_Minh")
    await phone.goto(f"/events/{event_id}")
    await expect(phone.page.get_by_role("heading", level=1)).to_be_visible(timeout=15_000)
    ics = phone.page.get_by_role("link", name="Add to my calendar (.ics)")
    response = await phone.context.request.get(phone.base_url + await ics.get_attribute("href"))
    assert response.ok and b"SUMMARY:Study visit: Antwerp welcome desks" in await response.body()
    await phone.page.get_by_role("button", name="Show my feed address").click()
    address = phone.page.get_by_label("My calendar feed address")
    await expect(address).to_have_value(re.compile(r"/calendar/.+\.ics$"))
    url = await address.input_value()
    assert "/calendar/" in url and url.endswith(".ics")
    feed = await phone.context.request.get(url)
    assert feed.ok and b"Antwerp welcome desks" in await feed.body()
    await assert_fits(phone.page, 375)
    await assert_accessible(phone.page, "event page (phone)")
    await phone.screenshot("43-event-phone")
    await phone.goto(f"/spaces/{world.space_a['id']}/events")
    await expect(phone.page.locator(".event-row")).to_have_count(1)
    await assert_fits(phone.page, 375)
    await phone.screenshot("44-space-events-phone")

    # Someone outside the space sees neither the list nor the event.
    outsider = await sessions("other@toronto.test")
    await outsider.goto(f"/events/{event_id}")
    await expect(outsider.page.locator("main")).not_to_contain_text("Antwerp welcome desks")
