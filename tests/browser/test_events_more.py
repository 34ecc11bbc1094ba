"""More event screens: my calendar (a month grid moved through with the keyboard, and an agenda),
in the reader's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits, wait_live

pytestmark = pytest.mark.asyncio(loop_scope="session")


def plan(api, world, title: str, start: datetime, hours: int = 2) -> dict:
    mod = api("mod@antwerpen.test")
    return mod.call(
        "POST",
        f"/api/spaces/{world.space_a['id']}/events",
        status=201,
        json={
            "kind": "workshop",
            "title": title,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M"),
            "timezone": "UTC",
        },
    )


async def test_my_calendar_month_grid_keyboard_and_agenda(world, sessions, api):
    # 23:30 UTC the day after tomorrow is already the next day in Da Nang (UTC+7).
    start = (datetime.now(UTC) + timedelta(days=2)).replace(hour=23, minute=30, second=0, microsecond=0)
    plan(api, world, "Welcome desks workshop", start)
    local_day = (start + timedelta(hours=7)).strftime("%Y-%m-%d")
    member = await sessions("member@danang.test", timezone="Asia/Ho_Chi_Minh")
    await member.goto("/")
    await member.page.get_by_role("link", name="My calendar").click()
    await expect(member.page.get_by_role("heading", level=1)).to_have_text("My calendar")
    grid = member.page.get_by_role("grid")
    await expect(grid.locator(f"[data-day='{local_day}']")).to_contain_text("Welcome desks workshop")
    await expect(member.page.locator(".cal-agenda .event-row")).to_contain_text("Welcome desks workshop")
    await assert_accessible(member.page, "my calendar")
    await member.screenshot("50-my-calendar")

    # The arrow keys move the one focusable day; Enter goes to that day's event in the list.
    today = grid.locator("[aria-current='date']")
    await today.focus()
    today_key = await today.get_attribute("data-day")
    await member.page.keyboard.press("ArrowRight")
    focused = member.page.locator(":focus")
    tomorrow = (datetime.fromisoformat(today_key) + timedelta(days=1)).strftime("%Y-%m-%d")
    await expect(focused).to_have_attribute("data-day", tomorrow)
    await expect(focused).to_have_attribute("tabindex", "0")
    await expect(today).to_have_attribute("tabindex", "-1")
    for _ in range(int((datetime.fromisoformat(local_day) - datetime.fromisoformat(tomorrow)).days)):
        await member.page.keyboard.press("ArrowRight")
    await expect(member.page.locator(":focus")).to_have_attribute("data-day", local_day)
    await member.page.keyboard.press("Enter")
    await expect(member.page.locator(":focus")).to_have_text("Welcome desks workshop")
    # Page Down shows the next month, with the focus on the same day number.
    month = await member.page.locator("#cal-month").text_content()
    await grid.locator(f"[data-day='{local_day}']").focus()
    await member.page.keyboard.press("PageDown")
    await expect(member.page.locator("#cal-month")).not_to_have_text(month)
    focused_day = await member.page.locator(":focus").get_attribute("data-day")
    assert focused_day and focused_day[8:] <= local_day[8:] and focused_day[5:7] != local_day[5:7]
    await member.page.get_by_role("button", name="Today").click()
    await expect(member.page.locator("#cal-month")).to_have_text(month)

    # Someone outside the space does not see it.
    outsider = await sessions("other@toronto.test")
    await outsider.goto("/events")
    await expect(outsider.page.get_by_role("grid")).to_be_visible()
    await expect(outsider.page.locator("main")).not_to_contain_text("Welcome desks workshop")


async def test_my_calendar_fits_a_phone(world, sessions, api):
    start = (datetime.now(UTC) + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    plan(api, world, "A workshop with a rather long title for a small screen", start)
    phone = await sessions("member@danang.test", width=375, height=740, timezone="Asia/Ho_Chi_Minh")
    await phone.goto("/events")
    await expect(phone.page.locator(".cal-agenda .event-row")).to_have_count(1)
    await assert_fits(phone.page, 375)
    await assert_accessible(phone.page, "my calendar (phone)")
    await phone.screenshot("51-my-calendar-phone")


async def test_date_poll_votes_live_and_the_chosen_date_creates_the_event(world, sessions, api):
    events_tab = f"/spaces/{world.space_a['id']}/events"
    member = await sessions("member@danang.test", timezone="Europe/Brussels")
    await member.goto(events_tab)
    await expect(member.page.get_by_role("heading", name="Coming up")).to_be_visible()
    await wait_live(member.page)

    mod = await sessions("mod@antwerpen.test", timezone="Europe/Brussels")
    await mod.goto(events_tab)
    await mod.page.get_by_role("button", name="Propose dates").click()
    form = mod.page.locator("form.poll-form")
    await form.get_by_label("Title").fill("Peer review of welcome desks")
    await form.get_by_label("Time zone").select_option("Europe/Brussels")
    await form.get_by_label("Date 1").fill("2027-04-12T10:00")
    await form.get_by_label("Date 2").fill("2027-04-14T14:00")
    await assert_accessible(mod.page, "date poll form")
    await form.get_by_role("button", name="Start the poll").click()
    poll = mod.page.locator("form.poll")
    await expect(poll.locator(".poll-option")).to_have_count(2)

    # The poll reaches the member's open tab through the socket; she ticks the second date.
    mine = member.page.locator("form.poll")
    await expect(mine).to_contain_text("Peer review of welcome desks")
    await expect(mine.get_by_role("button", name="Choose this date")).to_have_count(0)
    await mine.get_by_label("Wed, Apr 14, 2027, 02:00 PM").check()
    await mine.get_by_role("button", name="Save my dates").click()
    await expect(mine.locator(".poll-option").nth(1)).to_contain_text("1 vote")
    await assert_accessible(member.page, "date poll (member)")
    await member.screenshot("52-date-poll-member")

    second = poll.locator(".poll-option").nth(1)
    await expect(second).to_contain_text("1 vote")
    await expect(second).to_contain_text("Nguyen Member")
    await expect(poll.locator(".poll-option").first).to_contain_text("0 votes")
    await mod.screenshot("53-date-poll-organiser")
    mod.page.once("dialog", lambda dialog: dialog.accept())
    await second.get_by_role("button", name="Choose this date").click()
    await expect(mod.page.get_by_role("heading", level=1)).to_have_text("Peer review of welcome desks")
    await expect(mod.page.locator(".event-times")).to_contain_text("02:00 PM")
    # The member's tab shows the decision and the new event, still without reloading.
    await expect(mine).to_contain_text("A date was chosen.")
    await expect(member.page.locator(".event-row")).to_contain_text("Peer review of welcome desks")


async def test_date_poll_on_a_phone(world, sessions, api):
    api("mod@antwerpen.test").call(
        "POST",
        f"/api/spaces/{world.space_a['id']}/polls",
        status=201,
        json={
            "kind": "meeting",
            "title": "Kick-off call",
            "timezone": "UTC",
            "duration_minutes": 60,
            "options": ["2027-05-03T08:00", "2027-05-04T08:00", "2027-05-05T08:00"],
        },
    )
    phone = await sessions("member@danang.test", width=375, height=740)
    await phone.goto(f"/spaces/{world.space_a['id']}/events")
    await expect(phone.page.locator("form.poll .poll-option")).to_have_count(3)
    await assert_fits(phone.page, 375)
    await assert_accessible(phone.page, "date poll (phone)")
    await phone.screenshot("54-date-poll-phone")


def past_event_with_participant(api, world) -> dict:
    """An event the member registered for, then moved by its organiser to yesterday (registration
    closes once an event has begun)."""
    start = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)
    event = plan(api, world, "Study visit: Antwerp welcome desks", start)
    api("member@danang.test").call("PUT", f"/api/events/{event['id']}/registration", json={"status": "going"})
    past = datetime.now(UTC) - timedelta(days=1)
    api("mod@antwerpen.test").call(
        "PATCH",
        f"/api/events/{event['id']}",
        json={
            "starts_at": past.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (past + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    return event


async def test_after_event_report_with_attachment_becomes_a_practice_draft(world, sessions, api):
    event = past_event_with_participant(api, world)
    api("member@danang.test").call(
        "POST",
        f"/api/spaces/{world.space_a['id']}/resources",
        status=201,
        json={"kind": "link", "title": "Desk photos", "url": "https://example.org/desks"},
    )
    member = await sessions("member@danang.test")
    await member.goto(f"/events/{event['id']}")
    report = member.page.locator(".event-report")
    await expect(report).to_contain_text("No report yet.")
    await expect(report).to_contain_text("Nguyen Member")
    await expect(report.get_by_role("button", name="Write the report")).to_have_count(0)
    await wait_live(member.page)

    mod = await sessions("mod@antwerpen.test")
    await mod.goto(f"/events/{event['id']}")
    mine = mod.page.locator(".event-report")
    await mine.get_by_role("button", name="Write the report").click()
    await mine.get_by_label("What we saw").fill("Two desks, one phone line.")
    await mine.get_by_label("What we will adapt").fill("Da Nang opens one desk in 2027.")
    await mine.get_by_label("Desk photos").check()
    await assert_accessible(mod.page, "report form")
    await mine.get_by_role("button", name="Save the report").click()
    await expect(mine).to_contain_text("Two desks, one phone line.")
    await expect(mine.get_by_role("link", name="Desk photos")).to_be_visible()
    # The member's page follows live (event.reported).
    await expect(report).to_contain_text("Da Nang opens one desk in 2027.")

    await mine.get_by_role("button", name="Make a practice record draft").click()
    drafted = mine.get_by_role("link", name="See the practice record drafted from this report")
    await expect(drafted).to_be_focused()
    await expect(mine.get_by_role("button", name="Make a practice record draft")).to_have_count(0)
    await assert_accessible(mod.page, "event report")
    await mod.screenshot("55-event-report")
    await drafted.click()
    await expect(mod.page.get_by_role("heading", level=1)).to_have_text("Study visit: Antwerp welcome desks")

    phone = await sessions("member@danang.test", width=375, height=740)
    await phone.goto(f"/events/{event['id']}")
    await expect(phone.page.locator(".event-report")).to_contain_text("Two desks")
    await assert_fits(phone.page, 375)
    await assert_accessible(phone.page, "event report (phone)")
    await phone.screenshot("56-event-report-phone")


async def test_reminders_for_my_events_within_a_day_in_my_language(world, sessions, api):
    soon = plan(api, world, "Webinar on welcome desks", datetime.now(UTC) + timedelta(hours=3, minutes=10))
    later = plan(api, world, "Workshop in two days", datetime.now(UTC) + timedelta(days=2))
    member = api("member@danang.test")
    for event in (soon, later):
        member.call("PUT", f"/api/events/{event['id']}/registration", json={"status": "going"})
    reader = await sessions("member@danang.test", timezone="Asia/Ho_Chi_Minh")
    await reader.goto("/")
    notice = reader.page.locator(".event-reminders")
    await expect(notice).to_contain_text("Webinar on welcome desks")
    await expect(notice).to_contain_text("Starts in 3 hours")
    await expect(notice).not_to_contain_text("Workshop in two days")
    await assert_accessible(reader.page, "home with a reminder")
    await reader.screenshot("57-reminder-home")
    await notice.get_by_role("link", name="Webinar on welcome desks").click()
    page_notice = reader.page.locator(".event-reminders")
    await expect(page_notice).to_contain_text("Starts in 3 hours")
    # Not going any more: the notice goes with the answer.
    await reader.page.get_by_role("button", name="Cancel my registration").click()
    await expect(reader.page.locator(".my-status")).to_have_text("You are not going.")
    await expect(page_notice).to_be_hidden()

    # In French, on a phone; someone not registered gets no notice.
    api("member@danang.test").call("PUT", f"/api/events/{soon['id']}/registration", json={"status": "maybe"})
    member.call("PATCH", "/api/me", json={"locale": "fr"})
    phone = await sessions("member@danang.test", width=375, height=740, locale="fr-FR")
    await phone.goto("/")
    await expect(phone.page.locator(".event-reminders")).to_contain_text("Commence dans 3 heures")
    await assert_fits(phone.page, 375)
    await phone.screenshot("58-reminder-home-phone-fr")
    mod = await sessions("mod@antwerpen.test")
    await mod.goto("/")
    await expect(mod.page.get_by_role("heading", level=1)).to_be_visible()
    await expect(mod.page.locator(".event-reminders")).to_be_hidden()
