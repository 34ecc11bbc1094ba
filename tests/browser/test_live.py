"""Two officials of paired cities in one thread: live messages, typing, a network drop,
the composer's features, and a moderator hiding a message."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible

pytestmark = pytest.mark.asyncio(loop_scope="session")


def start_thread(api, world, title="Welcoming newcomers"):
    member = api("member@danang.test")
    return member.call(
        "POST",
        f"/api/spaces/{world.space_a['id']}/threads",
        201,
        json={"title": title, "body": "Da Nang opened a **welcome desk** last month.", "themes": ["integration"]},
    )


async def open_thread(sessions, email, thread_id):
    s = await sessions(email)
    await s.goto(f"/threads/{thread_id}")
    await expect(s.page.locator(".message")).not_to_have_count(0)
    # Wait until the socket is subscribed, so what follows is live, not polled.
    await s.page.wait_for_function("() => !document.body.classList.contains('is-offline')")
    return s


async def test_two_officials_chat_live_see_typing_and_survive_a_network_drop(world, sessions, api):
    thread = start_thread(api, world)
    antwerp = await open_thread(sessions, "mod@antwerpen.test", thread["id"])
    da_nang = await open_thread(sessions, "member@danang.test", thread["id"])

    composer = antwerp.page.get_by_role("textbox", name="Message")
    await composer.press_sequentially("Antwerp did the same in 2016")
    await expect(da_nang.page.locator(".typing")).to_contain_text("Mieke Moderator is typing")
    await composer.press("Enter")
    mine = da_nang.page.locator(".message .body", has_text="Antwerp did the same in 2016")
    await expect(mine).to_have_count(1)
    await expect(da_nang.page.locator(".typing")).to_have_text("")
    await expect(da_nang.page.locator("#announcer")).to_contain_text("New message from Mieke Moderator")

    # Da Nang drops off the network; Antwerp keeps talking.
    await da_nang.context.set_offline(True)
    await expect(da_nang.page.get_by_role("status").filter(has_text="offline")).to_be_visible()
    await da_nang.screenshot("12-thread-offline")
    for n in range(1, 4):
        await composer.fill(f"While you were away, point {n}")
        await composer.press("Enter")
        await expect(antwerp.page.locator(".message:not(.pending) .body", has_text=f"point {n}")).to_have_count(1)
    await da_nang.context.set_offline(False)
    for n in range(1, 4):
        await expect(da_nang.page.locator(".message .body", has_text=f"While you were away, point {n}")).to_have_count(
            1
        )
    # Every message exactly once, in order.
    bodies = await da_nang.page.locator(".message .body").all_inner_texts()
    assert bodies == [
        "Da Nang opened a welcome desk last month.",
        "Antwerp did the same in 2016",
        "While you were away, point 1",
        "While you were away, point 2",
        "While you were away, point 3",
    ], bodies
    await expect(da_nang.page.locator("#connection")).to_be_hidden()


async def test_composer_preview_mentions_reactions_edit_delete_and_a_locked_thread(world, sessions, api):
    thread = start_thread(api, world, "Mentoring programmes")
    s = await open_thread(sessions, "member@danang.test", thread["id"])
    composer = s.page.get_by_role("textbox", name="Message")
    await composer.fill("Thanks **a lot** to ")
    await composer.press_sequentially("@mie")
    option = s.page.get_by_role("option", name="Mieke Moderator")
    await expect(option).to_be_visible()
    await composer.press("Enter")  # picks the highlighted person
    await expect(composer).to_have_value("Thanks **a lot** to @mieke.moderator ")
    await s.page.get_by_role("tab", name="Preview").click()
    await expect(s.page.locator("#composer-preview strong")).to_have_text("a lot")
    await s.page.get_by_role("tab", name="Write").click()
    await composer.press("Enter")
    sent = s.page.locator(".message", has_text="Thanks a lot")
    await expect(sent.locator(".mention")).to_have_text("@mieke.moderator")

    await sent.hover()
    await sent.get_by_role("button", name="Add a reaction").click()
    await s.page.get_by_role("button", name="React with 👍").click()
    await expect(sent.get_by_role("button", name="👍: 1 reaction")).to_have_attribute("aria-pressed", "true")

    await sent.hover()
    await sent.get_by_role("button", name="Edit").click()
    await s.page.get_by_role("textbox", name="Edit your message").fill("Thanks to everyone")
    await s.page.get_by_role("button", name="Save").click()
    edited = s.page.locator(".message", has_text="Thanks to everyone")
    await expect(edited).to_contain_text("(edited)")
    await assert_accessible(s.page, "thread")
    await s.screenshot("13-thread")

    await edited.hover()
    await edited.get_by_role("button", name="Delete").click()
    await s.page.get_by_role("group", name="Delete this message?").get_by_role("button", name="Delete").click()
    await expect(s.page.locator(".message", has_text="Thanks to everyone")).to_have_count(0)

    # A moderator locks the thread: the member's composer closes live.
    moderator = api("mod@antwerpen.test")
    moderator.call("PATCH", f"/api/threads/{thread['id']}", json={"locked": True})
    await expect(s.page.get_by_text("This thread is locked: it takes no new messages.")).to_be_visible()


async def test_a_moderator_hides_a_message_and_it_disappears_for_the_member(world, sessions, api):
    thread = start_thread(api, world, "Rumours about the new centre")
    author = api("member@danang.test")
    bad = author.call(
        "POST",
        f"/api/threads/{thread['id']}/messages",
        201,
        json={"body": "Unverified rumour about a named family", "client_id": "rumour-1"},
    )
    admin = api("admin@citybridge.test")
    invitation = admin.call(
        "POST", "/api/invitations", 201, json={"email": "reader@antwerpen.test", "space_id": world.space_a["id"]}
    )
    admin.http.post(
        f"/api/invitations/{invitation['token']}/accept",
        json={"name": "Rita Reader", "password": "correct horse battery"},
        headers={"X-CSRF-Token": "", "Cookie": ""},
        cookies={},
    )
    reader = await open_thread(sessions, "reader@antwerpen.test", thread["id"])
    moderator = await open_thread(sessions, "mod@antwerpen.test", thread["id"])
    await expect(reader.page.locator(".message", has_text="Unverified rumour")).to_have_count(1)
    target = moderator.page.locator(f"#m{bad['id']}")
    await target.hover()
    await target.get_by_role("button", name="Hide").click()
    await moderator.page.get_by_label("Reason for hiding").fill("Personal data about a family")
    await target.locator(".reason-form").get_by_role("button", name="Hide").click()
    await expect(target).to_contain_text("Hidden: Personal data about a family")
    # Live, without a reload, the other member no longer sees it.
    await expect(reader.page.locator(".message", has_text="Unverified rumour")).to_have_count(0)
    await expect(target.locator("button", has_text="Unhide")).to_be_attached()
    await moderator.screenshot("14-thread-moderator")
    await moderator.goto(f"/spaces/{world.space_a['id']}/moderation")
    await expect(moderator.page.get_by_role("heading", name="Audit log")).to_be_visible()
    await expect(moderator.page.locator(".audit")).to_contain_text("Personal data about a family")
    await assert_accessible(moderator.page, "moderation")
    await moderator.screenshot("15-moderation")
