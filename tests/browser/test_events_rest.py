"""Event screens finished after the first pass: the registration box once an event has begun."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible
from tests.browser.test_events_more import past_event_with_participant, plan

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_registration_box_offers_nothing_once_the_event_has_started(world, sessions, api):
    # Started an hour ago, ends in an hour: the server refuses "going" with 409 registration_closed.
    start = (datetime.now(UTC) - timedelta(hours=1)).replace(second=0, microsecond=0)
    event = plan(api, world, "Workshop already under way", start, hours=2)
    member = await sessions("member@danang.test")
    await member.goto(f"/events/{event['id']}")
    box = member.page.locator(".registration")
    await expect(box).to_contain_text("This event has started: registration is closed.")
    await expect(box.get_by_role("button")).to_have_count(0)
    await assert_accessible(member.page, "registration box, started event")
    await member.screenshot("60-registration-started")


async def test_registration_box_of_a_past_event(world, sessions, api):
    event = past_event_with_participant(api, world)
    member = await sessions("member@danang.test")
    await member.goto(f"/events/{event['id']}")
    box = member.page.locator(".registration")
    await expect(box).to_contain_text("This event is over: registration is closed.")
    await expect(box.get_by_role("button", name="Going")).to_have_count(0)
    await expect(box.get_by_role("button")).to_have_count(0)


async def test_an_event_page_marks_its_space_in_the_sidebar_not_my_calendar(world, sessions, api):
    start = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)
    event = plan(api, world, "Study visit to the welcome desk", start, hours=3)
    member = await sessions("member@danang.test")
    await member.goto(f"/events/{event['id']}")
    await expect(member.page.get_by_role("heading", level=1)).to_contain_text("Study visit to the welcome desk")
    sidebar = member.page.locator(".sidebar")
    await expect(sidebar.get_by_role("link", name="My calendar")).not_to_have_attribute("aria-current", "page")
    await expect(sidebar.locator("[aria-current='page']")).to_have_count(1)
    await member.goto("/events")
    await expect(sidebar.get_by_role("link", name="My calendar")).to_have_attribute("aria-current", "page")


async def test_a_study_visit_shows_its_delegations_by_city(world, sessions, api):
    start = (datetime.now(UTC) + timedelta(days=10)).replace(hour=8, minute=0, second=0, microsecond=0)
    mod = api("mod@antwerpen.test")
    body = {
        "kind": "study_visit",
        "title": "Visit to the Antwerp welcome desks",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
        "timezone": "Europe/Brussels",
        "capacity": 10,
    }
    event = mod.call("POST", f"/api/spaces/{world.space_a['id']}/events", status=201, json=body)
    registration = f"/api/events/{event['id']}/registration"
    mod.call("PUT", registration, json={"status": "going"})
    api("member@danang.test").call("PUT", registration, json={"status": "going"})
    member = await sessions("member@danang.test")
    await member.goto(f"/events/{event['id']}")
    section = member.page.locator(".delegations")
    await expect(section.get_by_role("heading", name="Delegations")).to_be_visible()
    await expect(section.locator(".delegation")).to_have_count(2)
    antwerp = section.locator(".delegation", has_text="Antwerp")
    await expect(antwerp).to_contain_text("Mieke Moderator")
    await expect(antwerp.get_by_text("Lead", exact=True)).to_be_visible()
    await assert_accessible(member.page, "study visit delegations")
    await member.screenshot("61-study-visit-delegations")
