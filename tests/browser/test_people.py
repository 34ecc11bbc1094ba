"""Finding a colleague by expertise, their profile, and a direct conversation, live (issue 15)."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits, wait_live

pytestmark = pytest.mark.asyncio(loop_scope="session")

PROFILE = {
    "office": "Housing Department",
    "position": "Welcome desk lead",
    "expertise_themes": ["housing"],
    "expertise_tags": ["social housing"],
    "bio": "Ten years at the welcome desk.",
}


async def test_find_a_colleague_by_expertise_and_talk_live(world, sessions, api):
    api("member@danang.test").call("PATCH", "/api/me", json=PROFILE)
    toronto = await sessions("other@toronto.test")
    await toronto.goto("/people")
    await expect(toronto.page.locator("#people-results .person-card")).not_to_have_count(0)
    await toronto.page.get_by_label("Expertise").select_option("housing")
    await toronto.page.get_by_role("button", name="Find").click()
    cards = toronto.page.locator("#people-results .person-card")
    await expect(cards).to_have_count(1)
    await expect(cards).to_contain_text("Housing Department")
    await assert_accessible(toronto.page, "people directory")
    await toronto.screenshot("people-directory")

    await cards.get_by_role("link").click()
    await expect(toronto.page.get_by_role("heading", name="Nguyen Member")).to_be_visible()
    # Bio is for colleagues of shared spaces by default: Toronto shares none with Da Nang's member.
    await expect(toronto.page.locator("dl.details")).not_to_contain_text("Ten years")
    await assert_accessible(toronto.page, "profile page")
    await toronto.screenshot("people-profile")

    await toronto.page.get_by_role("button", name="Send a message").click()
    await expect(toronto.page).to_have_url(re.compile(r"/conversations/\d+$"))
    conversation_path = toronto.page.url.split(toronto.base_url, 1)[1]
    await expect(toronto.page.locator("#conversation-composer")).to_be_visible()
    await wait_live(toronto.page)

    da_nang = await sessions("member@danang.test")
    await da_nang.goto(conversation_path)
    await expect(da_nang.page.locator("#conversation-composer")).to_be_visible()
    await wait_live(da_nang.page)

    await toronto.page.get_by_role("textbox", name="Write a message").fill("Who handles housing in Da Nang?")
    await toronto.page.get_by_role("button", name="Send").click()
    await expect(da_nang.page.locator("#conversation-log .message", has_text="Who handles housing")).to_have_count(1)
    await da_nang.page.get_by_role("textbox", name="Write a message").fill("I do, ask away.")
    await da_nang.page.get_by_role("button", name="Send").click()
    await expect(toronto.page.locator("#conversation-log .message", has_text="I do, ask away.")).to_have_count(1)
    await expect(toronto.page.locator("#conversation-log .message")).to_have_count(2)
    await assert_accessible(toronto.page, "conversation")
    await toronto.screenshot("conversation")

    await da_nang.goto("/conversations")
    await expect(da_nang.page.locator(".conversation-list li")).to_contain_text("Olivia Other")


async def test_people_screens_fit_a_phone(world, sessions, api):
    api("member@danang.test").call("PATCH", "/api/me", json=PROFILE)
    phone = await sessions("other@toronto.test", width=375, height=740)
    await phone.goto("/people")
    await expect(phone.page.locator("#people-results .person-card")).not_to_have_count(0)
    await assert_fits(phone.page, 375)
    await phone.screenshot("people-directory-375")
    await phone.goto(f"/people/{api('member@danang.test').user['id']}")
    await expect(phone.page.get_by_role("heading", name="Nguyen Member")).to_be_visible()
    await assert_fits(phone.page, 375)
    await phone.screenshot("people-profile-375")
    await phone.goto("/settings")
    await expect(phone.page.locator("#profile-form")).to_be_visible()
    await assert_fits(phone.page, 375)
    await assert_accessible(phone.page, "settings with profile")
    await phone.screenshot("settings-profile-375")


async def test_my_profile_is_edited_in_settings(world, sessions, api):
    me = await sessions("member@danang.test")
    await me.goto("/settings")
    form = me.page.locator("#profile-form")
    await form.get_by_role("textbox", name="Office or department").fill("Housing Department")
    await form.get_by_label("Housing").check()
    await form.get_by_role("textbox", name="About me").fill("Welcome desk.")
    await form.get_by_role("button", name="Save").click()
    await expect(me.page.get_by_text("Your profile is saved")).to_be_visible()
    await me.goto(f"/people/{api('member@danang.test').user['id']}")
    await expect(me.page.locator("dl.details")).to_contain_text("Housing Department")
    await expect(me.page.locator("dl.details")).to_contain_text("Welcome desk.")


async def test_a_photo_set_in_settings_shows_in_the_directory(world, sessions, api, tmp_path):
    import io

    from PIL import Image

    picture = tmp_path / "me.png"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 90)).save(buffer, format="PNG")
    picture.write_bytes(buffer.getvalue())
    not_a_picture = tmp_path / "notes.png"
    not_a_picture.write_bytes(b"%PDF-1.4 these are notes")

    me = await sessions("member@danang.test")
    await me.goto("/settings")
    section = me.page.locator("#photo-section")
    await section.get_by_label("Choose a picture").set_input_files(str(not_a_picture))
    await expect(section.get_by_role("status")).to_contain_text("This is not a picture")
    await section.get_by_label("Choose a picture").set_input_files(str(picture))
    await expect(section.locator("img.avatar.photo")).to_have_count(1)
    # The picture itself arrives (a broken image keeps naturalWidth 0). A property, not a string
    # predicate: polling a string needs eval, which the page's CSP refuses.
    await expect(section.locator("img.avatar.photo")).to_have_js_property("naturalWidth", 256)
    await expect(section.get_by_role("button", name="Remove the photo")).to_be_visible()
    await assert_accessible(me.page, "settings with a photo")
    await me.screenshot("settings-photo")

    toronto = await sessions("other@toronto.test")
    await toronto.goto("/people")
    card = toronto.page.locator("#people-results .person-card", has_text="Nguyen Member")
    photo = card.locator("img.avatar.photo")
    await expect(photo).to_have_count(1)
    await expect(photo).to_have_js_property("naturalWidth", 256)
    await toronto.screenshot("people-directory-photo")

    await section.get_by_role("button", name="Remove the photo").click()
    await expect(section.locator("img.avatar.photo")).to_have_count(0)
    await toronto.page.reload()
    await expect(card).to_be_visible()
    await expect(card.locator("img.avatar.photo")).to_have_count(0)


async def test_a_profile_lists_their_records_and_posts_and_opens_them(world, sessions, api):
    member = api("member@danang.test")
    space = world.space_a["id"]
    thread = member.call(
        "POST", f"/api/spaces/{space}/threads", 201, json={"title": "Night shelter", "body": "We open **at ten**."}
    )
    moderator = await sessions("mod@antwerpen.test")
    await moderator.goto(f"/people/{member.user['id']}")
    posts = moderator.page.locator("#person-posts")
    await expect(posts).to_contain_text("Night shelter")
    await expect(posts).to_contain_text("We open at ten.")
    await expect(moderator.page.locator("#person-practices")).to_contain_text("No practice record")
    await assert_accessible(moderator.page, "profile with posts")
    await moderator.screenshot("people-profile-work")
    await posts.get_by_role("link", name="Night shelter").click()
    await expect(moderator.page).to_have_url(re.compile(rf"/threads/{thread['id']}(#m\d+)?$"))
    await expect(moderator.page.get_by_role("heading", name="Night shelter")).to_be_visible()
    # Toronto's official reads no space of that post: the section says so, nothing leaks.
    toronto = await sessions("other@toronto.test")
    await toronto.goto(f"/people/{member.user['id']}")
    await expect(toronto.page.locator("#person-posts")).to_contain_text("No post of theirs")
    await expect(toronto.page.locator("#person-posts")).not_to_contain_text("Night shelter")
