"""Issue 14's missing features, as an official meets them: replying to one message (and the quote
of a message hidden meanwhile), who spoke last in a thread list, the mentions panel, suggestions
in the header's search box, and dark mode."""

from __future__ import annotations

import re
import time

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits, wait_live

pytestmark = pytest.mark.asyncio(loop_scope="session")


def start(client, space_id, title, body):
    return client.call("POST", f"/api/spaces/{space_id}/threads", 201, json={"title": title, "body": body})


async def test_reply_quotes_a_message_links_to_it_and_never_shows_hidden_text(world, sessions, api):
    member = api("member@danang.test")
    thread = start(member, world.space_a["id"], "Welcome desks", "Our desk opens at **nine** every weekday.")
    for n in range(25):
        member.call("POST", f"/api/threads/{thread['id']}/messages", 201, json={"body": f"Filler {n}"})
    s = await sessions("mod@antwerpen.test")
    await s.goto(f"/threads/{thread['id']}")
    await wait_live(s.page)
    first = s.page.locator(f"#m{thread['first_message']['id']}")
    await first.hover()
    await first.get_by_role("button", name="Reply").click()
    # The composer says what is quoted, and can drop it.
    replying = s.page.locator(".replying")
    await expect(replying).to_contain_text("Replying to Nguyen Member")
    await expect(replying).to_contain_text("Our desk opens at nine every weekday.")
    await expect(s.page.get_by_role("textbox", name="Message")).to_be_focused()
    await assert_accessible(s.page, "thread, replying")
    await s.screenshot("app-reply-composer-1280")
    await s.page.get_by_role("textbox", name="Message").fill("Which days exactly?")
    await s.page.keyboard.press("Enter")
    await expect(replying).to_be_hidden()
    sent = s.page.locator(".message:not(.pending)", has_text="Which days exactly?")
    quote = sent.locator("a.quote")
    await expect(quote).to_contain_text("Nguyen Member")
    await expect(quote).to_contain_text("Our desk opens at nine")
    assert not await sent.locator(".quote-text strong").count()  # plain text, not markdown
    await assert_accessible(s.page, "thread, with a quote")
    await s.screenshot("app-reply-1280")
    # The quote links to the message it answers: clicking scrolls back up to it.
    await expect(first).not_to_be_in_viewport()
    await quote.click()
    await expect(first).to_be_in_viewport()
    await expect(first).to_have_class(re.compile(r"\bhighlight\b"))

    # Hidden by a moderator: the member's open thread turns the quote to "unavailable" live, and
    # neither the live page nor a fresh load shows the quoted text.
    reader = await sessions("member@danang.test", width=375, height=740)
    await reader.goto(f"/threads/{thread['id']}")
    await wait_live(reader.page)
    reply = reader.page.locator(".message", has_text="Which days exactly?")
    await expect(reply.locator("a.quote")).to_contain_text("Our desk opens at nine")
    await reader.screenshot("app-reply-375")
    first_id = thread["first_message"]["id"]
    api("mod@antwerpen.test").call("POST", f"/api/messages/{first_id}/hide", json={"reason": "wrong hours"})
    await expect(reply.locator(".quote.unavailable")).to_have_text("The quoted message is no longer available.")
    await reader.page.reload()
    await expect(reply.locator(".quote.unavailable")).to_be_visible()
    assert "Our desk opens" not in await reply.inner_text()
    await assert_fits(reader.page, 375)


async def test_thread_list_shows_the_last_replier_live(world, sessions, api):
    member = api("member@danang.test")
    start(member, world.space_a["id"], "Night buses", "Who runs them?")
    s = await sessions("member@danang.test")
    await s.goto(f"/spaces/{world.space_a['id']}")
    await wait_live(s.page)
    row = s.page.locator(".thread-row", has_text="Night buses")
    await expect(row).to_contain_text("started by Nguyen Member")
    await expect(row).to_contain_text("last message by Nguyen Member")
    thread_id = int(await row.get_attribute("data-thread"))
    api("mod@antwerpen.test").call("POST", f"/api/threads/{thread_id}/messages", 201, json={"body": "We do"})
    await expect(row).to_contain_text("last message by Mieke Moderator")
    await expect(row.locator("time")).to_have_attribute("title", re.compile(r"\b20\d\d\b"))
    await assert_accessible(s.page, "space with last repliers")
    await s.screenshot("app-thread-list-1280")


async def test_the_mentions_panel_lists_each_mention_readably(world, sessions, api):
    member = api("member@danang.test")
    thread = start(member, world.space_a["id"], "Shared timetables", "Starting here.")
    posted = member.call(
        "POST",
        f"/api/threads/{thread['id']}/messages",
        201,
        json={"body": "@mieke.moderator could Antwerp share its **night** timetable?"},
    )
    rude = member.call("POST", f"/api/threads/{thread['id']}/messages", 201, json={"body": "@mieke.moderator secret"})
    api("admin@citybridge.test").call("POST", f"/api/messages/{rude['id']}/hide", json={"reason": "private"})
    s = await sessions("mod@antwerpen.test", width=375, height=740)
    await s.goto("/")
    await wait_live(s.page)
    await s.page.get_by_role("button", name=re.compile("^Mentions")).click()
    panel = s.page.get_by_role("region", name="Mentions of you")
    link = panel.get_by_role("link").first
    await expect(link).to_be_focused()
    await expect(link).to_contain_text("Nguyen Member")
    await expect(link).to_contain_text("Shared timetables")
    await expect(link).to_contain_text("could Antwerp share its night timetable?")  # plain text
    await expect(link).to_contain_text(world.space_a["name"])
    await expect(link.locator("time")).to_have_attribute("datetime", re.compile(r"^20\d\d-"))
    assert await link.get_attribute("href") == f"/threads/{thread['id']}#m{posted['id']}"
    await expect(panel.get_by_role("link")).to_have_count(1)  # not the hidden one
    assert "secret" not in await panel.inner_text()
    await assert_accessible(s.page, "mentions panel")
    await assert_fits(s.page, 375)
    await s.screenshot("app-mentions-375")
    await link.click()
    await expect(s.page.locator(f"#m{posted['id']}")).to_be_in_viewport()


async def test_the_header_search_box_suggests_as_one_types_on_every_screen(world, sessions, api):
    member = api("member@danang.test")
    thread = start(member, world.space_a["id"], "Mentoring programme", "The mentoring programme pairs newcomers.")
    for _ in range(200):  # until the indexer has the thread
        if member.call("GET", "/api/search/suggest", params={"q": "mento"})["items"]:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the indexer never suggested 'mentoring'")
    s = await sessions("member@danang.test")
    for path, ready in (("/", ".space-card"), (f"/threads/{thread['id']}", ".message")):
        await s.goto(path)
        await expect(s.page.locator(ready).first).to_be_visible()
        box = s.page.get_by_role("combobox", name="Search Citybridge")
        await box.fill("mento")
        listbox = s.page.get_by_role("listbox")
        await expect(listbox.get_by_role("option").first).to_contain_text("mentoring")
        await expect(box).to_have_attribute("aria-expanded", "true")
        await box.press("ArrowDown")
        first = listbox.get_by_role("option").first
        await expect(first).to_have_attribute("aria-selected", "true")
        await expect(box).to_have_attribute("aria-activedescendant", await first.get_attribute("id"))
        await assert_accessible(s.page, f"suggestions on {path}")
        await s.screenshot("app-suggestions-1280")
        await box.press("Escape")
        await expect(listbox).to_be_hidden()
        await expect(box).to_have_attribute("aria-expanded", "false")
    await box.press("ArrowDown")  # opens the list again, on the first suggestion
    await box.press("Enter")
    await expect(s.page).to_have_url(re.compile(r"/search\?q=mentoring"))
