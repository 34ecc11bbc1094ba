"""Unread counts from the server's read positions, mentions, a thread turned into a practice record,
collections and adaptations, the members screen, invitation previews, presence and the keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits, wait_live

pytestmark = pytest.mark.asyncio(loop_scope="session")


def thread_in(api, world, title, body="Da Nang opened a **welcome desk** last month.", email="member@danang.test"):
    return api(email).call(
        "POST",
        f"/api/spaces/{world.space_a['id']}/threads",
        201,
        json={"title": title, "body": body, "themes": ["integration"]},
    )


async def test_unread_badges_and_mentions_follow_the_server(world, sessions, api):
    thread = thread_in(api, world, "Night buses for shift workers")
    member = api("member@danang.test")
    s = await sessions("mod@antwerpen.test")
    await s.goto("/")
    await expect(s.page.get_by_role("heading", name="Welcome, Mieke")).to_be_visible()
    await wait_live(s.page)
    # The thread's first message is unread for the moderator: counted by the server.
    space_link = s.page.get_by_role("navigation", name="Spaces").get_by_role(
        "link", name=re.compile("Antwerp – Da Nang")
    )
    await expect(space_link).to_contain_text("1 unread message")
    member.call(
        "POST",
        f"/api/threads/{thread['id']}/messages",
        201,
        json={"body": "@mieke.moderator could Antwerp share its timetable?", "client_id": "ask-1"},
    )
    # Live: the count moves, the mention shows in the sidebar and on the bell, and is announced.
    await expect(space_link).to_contain_text("2 unread messages, 1 mentioning you")
    bell = s.page.get_by_role("button", name=re.compile("^Mentions"))
    await expect(bell).to_have_accessible_name("Mentions: 1 new")
    await expect(s.page.locator("#announcer")).to_contain_text(
        "Nguyen Member mentioned you in “Night buses for shift workers”"
    )
    await bell.click()
    panel = s.page.get_by_role("region", name="Mentions of you")
    await expect(panel.get_by_role("link", name=re.compile("Nguyen Member mentioned you"))).to_be_focused()
    await assert_accessible(s.page, "mentions")
    await s.screenshot("19-mentions")
    await s.page.keyboard.press("Escape")
    await expect(panel).to_be_hidden()
    await expect(bell).to_be_focused()

    await space_link.click()
    row = s.page.locator(".thread-row", has_text="Night buses")
    await expect(row).to_contain_text("2 unread messages, 1 mentioning you")
    await row.get_by_role("link").click()
    await expect(s.page.locator(".message", has_text="timetable")).to_be_visible()
    # Reading the thread moves the server's position: every count clears, on every device.
    await expect(space_link).not_to_contain_text("unread")
    await expect(bell).to_have_accessible_name("Mentions")
    state = api("mod@antwerpen.test").call("GET", f"/api/threads/{thread['id']}/read")
    assert state["unread"] == 0 and state["last_read_message_id"], state

    # Away from the thread, the next message counts again; a second device opens the thread at
    # the server's position, with the "New messages" line before it.
    await s.page.get_by_role("link", name="Home").click()
    await expect(s.page.get_by_role("heading", name="Welcome, Mieke")).to_be_visible()
    member.call(
        "POST", f"/api/threads/{thread['id']}/messages", 201, json={"body": "Thanks in advance", "client_id": "ask-2"}
    )
    # Checked before the second device opens the thread: once it shows the message there, the
    # server's position moves and the count clears on every device (as above).
    await expect(space_link).to_contain_text("1 unread message")
    other = await sessions("mod@antwerpen.test")
    await other.goto(f"/threads/{thread['id']}")
    await expect(other.page.get_by_role("separator")).to_have_text("New messages")
    await expect(other.page.locator(".divider + .message")).to_contain_text("Thanks in advance")


async def test_a_thread_becomes_a_practice_record_then_is_curated(world, sessions, api):
    thread = thread_in(
        api, world, "Buddy scheme for newcomers", body="Volunteers meet each newcomer family **weekly** for six months."
    )
    s = await sessions("member@danang.test")
    await s.goto(f"/threads/{thread['id']}")
    await s.page.get_by_role("link", name="Turn into a practice record").click()
    form = s.page.get_by_role("form", name="Practice record from “Buddy scheme for newcomers”")
    await expect(form.get_by_label("Title")).to_have_value("Buddy scheme for newcomers")
    await form.get_by_label("Summary", exact=True).fill("")
    await form.get_by_role("button", name="Save the practice").click()
    await expect(form.locator('[data-field="summary"] .field-error')).to_be_visible()
    await form.get_by_label("Summary", exact=True).fill("Weekly volunteer buddies for newcomer families.")
    await form.get_by_label("Lessons learned").fill("Train the volunteers first.")
    await assert_accessible(s.page, "practice from a thread")
    await s.screenshot("20-practice-from-thread")
    await form.get_by_role("button", name="Save the practice").click()
    await expect(s.page.get_by_role("heading", name="Buddy scheme for newcomers", level=1)).to_be_visible()
    await expect(s.page.get_by_role("link", name="Read the thread it came from")).to_have_attribute(
        "href", f"/threads/{thread['id']}"
    )
    practice_id = int(s.page.url.rstrip("/").split("/")[-1])

    # Another city's earlier practice, which this one adapted.
    moderator = api("mod@antwerpen.test")
    source = moderator.call(
        "POST",
        f"/api/spaces/{world.space_a['id']}/resources",
        201,
        json={
            "kind": "practice",
            "title": "Antwerp welcome buddies",
            "summary": "Buddies since 2016.",
            "city_id": world.cities[0]["id"],
            "themes": ["integration"],
            "language": "en",
        },
    )
    await s.page.get_by_label("Find the practice it was adapted from").fill("welcome buddies")
    await s.page.get_by_role("button", name="Search", exact=True).click()
    await s.page.get_by_role("button", name="Adapted from Antwerp welcome buddies").click()
    adapted = s.page.locator(".adaptations ul.refs").first
    await expect(adapted.get_by_role("link", name="Antwerp welcome buddies")).to_be_visible()

    # The moderator curates: a collection, a feature, and an edit that leaves a version behind.
    m = await sessions("mod@antwerpen.test")
    await m.goto(f"/spaces/{world.space_a['id']}/library")
    await m.page.get_by_role("button", name="New collection").click()
    await m.page.get_by_label("Name of the collection").fill("Welcome toolkit")
    await m.page.get_by_role("button", name="Create the collection").click()
    await expect(m.page.get_by_role("button", name="Welcome toolkit (0)")).to_be_visible()
    await m.goto(f"/resources/{practice_id}")
    await m.page.get_by_role("checkbox", name="Welcome toolkit").check()
    await expect(m.page.locator("#announcer")).to_contain_text("Added to Welcome toolkit")
    await m.page.get_by_role("button", name="Feature in the library").click()
    await expect(m.page.get_by_role("button", name="Stop featuring")).to_have_attribute("aria-pressed", "true")
    moderator.call("PATCH", f"/api/resources/{practice_id}", json={"title": "Buddy scheme (Da Nang)"})
    await m.goto(f"/resources/{practice_id}")
    await m.page.get_by_text("1 earlier version").click()
    await expect(m.page.locator(".versions")).to_contain_text("Buddy scheme for newcomers")
    await assert_accessible(m.page, "practice record")
    await m.screenshot("21-practice-record")
    await m.goto(f"/resources/{source['id']}")
    await expect(m.page.get_by_role("heading", name="Adapted by")).to_be_visible()
    await m.goto(f"/spaces/{world.space_a['id']}/library")
    await m.page.get_by_role("button", name="Welcome toolkit (1)").click()
    await expect(m.page.locator(".resource")).to_have_count(1)
    await expect(m.page.locator(".resource")).to_contain_text("Featured")
    await assert_accessible(m.page, "library with collections")
    await m.screenshot("22-library-collections")


async def test_members_screen_invitations_people_suspension_and_join_requests(world, sessions, api):
    admin = api("admin@citybridge.test")
    admin.call("POST", "/api/invitations", 201, json={"email": "later@antwerpen.test", "space_id": world.space_a["id"]})
    olivia = await sessions("other@toronto.test")
    await olivia.goto("/")
    await expect(olivia.page.get_by_role("heading", name="Welcome, Olivia")).to_be_visible()
    await wait_live(olivia.page)

    s = await sessions("mod@antwerpen.test")
    await s.goto(f"/spaces/{world.space_a['id']}/members")
    pending = s.page.locator(".invitations")
    await expect(pending).to_contain_text("later@antwerpen.test")
    await pending.get_by_role("button", name="Withdraw the invitation for later@antwerpen.test").click()
    await expect(pending).to_contain_text("No pending invitations.")

    # Someone with an account already: find them, add them; they see the space appear, live.
    await s.page.get_by_label("Name, handle or email").fill("olivia")
    await s.page.get_by_role("button", name="Find").click()
    await s.page.get_by_role("button", name="Add Olivia Other to the space").click()
    await expect(s.page.locator(".members").last).to_contain_text("Olivia Other")
    await expect(olivia.page.get_by_role("navigation", name="Spaces")).to_contain_text("Antwerp – Da Nang")
    await expect(olivia.page.locator("#announcer")).to_contain_text("You were added to Antwerp – Da Nang")

    row = s.page.locator(".member", has_text="Nguyen Member")
    await row.get_by_role("button", name="Suspend Nguyen Member").click()
    await row.get_by_role("button", name="Suspend", exact=True).click()
    await expect(row.get_by_role("alert")).to_have_text("Give a reason.")
    await row.get_by_label("Reason for the suspension").fill("Shared personal data twice")
    await row.get_by_role("button", name="Suspend", exact=True).click()
    await expect(s.page.locator(".member", has_text="Nguyen Member")).to_contain_text("Suspended")
    await assert_accessible(s.page, "members with a suspension")
    await s.screenshot("23-members-moderator")
    await s.page.get_by_role("button", name="Reinstate Nguyen Member").click()
    await expect(s.page.locator(".member", has_text="Nguyen Member")).not_to_contain_text("Suspended")

    # A network space: the outsider asks to join, an admin approves.
    outsider = await sessions("outsider@example.test")
    await outsider.goto(f"/spaces/{world.network['id']}")
    await outsider.page.get_by_role("button", name="Request to join").click()
    await expect(outsider.page.get_by_role("status").filter(has_text="Request sent")).to_be_visible()
    await assert_accessible(outsider.page, "network space")
    boss = await sessions("admin@citybridge.test")
    await boss.goto(f"/spaces/{world.network['id']}/members")
    await expect(boss.page.get_by_role("heading", name="1 request to join")).to_be_visible()
    await boss.page.get_by_role("button", name="Approve Oscar Outsider").click()
    await expect(boss.page.get_by_role("heading", name="1 request to join")).to_be_hidden()
    await expect(boss.page.locator(".member", has_text="Oscar Outsider")).to_contain_text("Member")


async def test_invitation_preview_asks_existing_accounts_to_sign_in(world, sessions, api):
    admin = api("admin@citybridge.test")
    existing = admin.call(
        "POST", "/api/invitations", 201, json={"email": "other@toronto.test", "space_id": world.space_a["id"]}
    )
    s = await sessions(width=375, height=760)
    await s.goto(existing["link"])
    await expect(s.page.get_by_text("You are invited to Antwerp – Da Nang as Member.")).to_be_visible()
    await expect(s.page.get_by_label("Password")).to_have_count(0)
    await s.page.get_by_role("link", name="Sign in to accept").click()
    await s.page.get_by_label("Email").fill("other@toronto.test")
    await s.page.get_by_label("Password").fill("correct horse battery")
    await s.page.get_by_role("button", name="Sign in").click()
    await expect(s.page.get_by_text("You are signed in as Olivia Other.")).to_be_visible()
    await assert_fits(s.page, 375)
    await s.page.get_by_role("button", name="Accept the invitation").click()
    await expect(s.page.get_by_role("heading", name="Antwerp – Da Nang", level=1)).to_be_visible()
    s2 = await sessions()
    await s2.goto("/invitations/not-a-real-token")
    await expect(s2.page.get_by_role("alert")).to_contain_text("does not exist")


async def test_who_is_online_and_keyboard_only_menus_and_tabs(world, sessions, api):
    thread = thread_in(api, world, "Keyboard and presence")
    s = await sessions("mod@antwerpen.test")
    await s.goto(f"/spaces/{world.space_a['id']}")
    online = s.page.get_by_role("region", name="Online now")
    await expect(online).to_contain_text("Nobody else right now")
    other = await sessions("member@danang.test")
    await other.goto(f"/spaces/{world.space_a['id']}")
    await expect(online).to_contain_text("Nguyen Member")
    await s.screenshot("24-space-online")
    await other.close()
    await expect(online).not_to_contain_text("Nguyen Member")

    # The account menu, with the keyboard only.
    page = s.page
    # Tab stops before it: the skip link, the header (brand, search with suggestions, mentions), the sidebar.
    await page.locator("body").focus()
    account = page.get_by_role("button", name="Account menu for Mieke Moderator")
    for _ in range(40):
        await page.keyboard.press("Tab")
        if await account.evaluate("(el) => el === document.activeElement"):
            break
    await expect(account).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(account).to_have_attribute("aria-expanded", "true")
    await expect(page.get_by_role("link", name="Profile and language")).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(page.get_by_role("button", name="Sign out")).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(page.get_by_role("link", name="Profile and language")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(account).to_have_attribute("aria-expanded", "false")
    await expect(account).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(page.get_by_role("link", name="Profile and language")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Profile and language", level=1)).to_be_visible()

    # The composer's Write / Preview tabs: arrows move between them, one tab stop.
    await s.goto(f"/threads/{thread['id']}")
    composer = page.get_by_role("textbox", name="Message")
    await composer.focus()
    await page.keyboard.type("**bold** move")
    await page.keyboard.press("Shift+Tab")
    await expect(page.get_by_role("tab", name="Write")).to_be_focused()
    await page.keyboard.press("ArrowRight")
    await expect(page.get_by_role("tab", name="Preview")).to_have_attribute("aria-selected", "true")
    await expect(page.locator("#composer-preview strong")).to_have_text("bold")
    await page.keyboard.press("ArrowLeft")
    await expect(composer).to_be_focused()
    await expect(page.get_by_role("tab", name="Write")).to_have_attribute("tabindex", "0")
    await expect(page.get_by_role("tab", name="Preview")).to_have_attribute("tabindex", "-1")

    # Admin tabs.
    admin = await sessions("admin@citybridge.test")
    await admin.goto("/admin")
    first = admin.page.get_by_role("tab", name="Cities", exact=True)
    await first.focus()
    await admin.page.keyboard.press("ArrowRight")
    await expect(admin.page.get_by_role("tab", name="Pair cities")).to_be_focused()
    await expect(admin.page.get_by_role("tab", name="Pair cities")).to_have_attribute("aria-selected", "true")
    await expect(admin.page.get_by_role("tabpanel", name="Pair cities")).to_be_visible()
