"""More event screens: my calendar (a month grid moved through with the keyboard, and an agenda),
in the reader's own time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits

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
