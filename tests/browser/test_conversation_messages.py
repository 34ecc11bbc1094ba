"""A direct message is edited, reacted to and deleted from the conversation screen as a thread's
is, and the other participant sees each change live (issue 15)."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits, wait_live

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_edit_react_and_delete_in_a_conversation_live(world, sessions, api):
    member, other = api("member@danang.test"), api("other@toronto.test")
    talk = member.call("POST", "/api/conversations", 201, json={"participant_ids": [other.user["id"]]})
    path = f"/conversations/{talk['id']}"
    toronto = await sessions("other@toronto.test")
    await toronto.goto(path)
    await wait_live(toronto.page)
    da_nang = await sessions("member@danang.test")
    await da_nang.goto(path)
    await wait_live(da_nang.page)

    await toronto.page.get_by_role("textbox", name="Write a message").fill("The desk opens at nine")
    await toronto.page.get_by_role("button", name="Send").click()
    theirs = da_nang.page.locator("#conversation-log .message", has_text="The desk opens")
    await expect(theirs).to_have_count(1)
    # Not mine: no Edit nor Delete on it (a message's actions show on hover or focus).
    await theirs.hover()
    await expect(theirs.get_by_role("button", name="Edit")).to_have_count(0)
    await expect(theirs.get_by_role("button", name="Delete")).to_have_count(0)

    sent = toronto.page.locator("#conversation-log .message", has_text="The desk opens")
    mine = toronto.page.locator(f"#m{await sent.get_attribute('data-id')}")  # its text changes in the editor
    await mine.hover()
    await mine.get_by_role("button", name="Edit").click()
    await mine.get_by_role("textbox", name="Edit your message").fill("The desk opens at **ten**")
    await mine.get_by_role("button", name="Save").click()
    edited = da_nang.page.locator("#conversation-log .message", has_text="The desk opens at ten")
    await expect(edited.locator("strong")).to_have_text("ten")
    await expect(edited).to_contain_text("edited")

    await edited.hover()
    await edited.get_by_role("button", name="Add a reaction").click()
    await edited.get_by_role("button", name="React with 👍").click()
    reaction = toronto.page.locator("#conversation-log .message .reaction", has_text="👍")
    await expect(reaction).to_have_count(1)
    await expect(reaction).to_have_attribute("aria-pressed", "false")
    await assert_accessible(toronto.page, "conversation with an edited, reacted message")
    await toronto.screenshot("conversation-edit-react")

    await mine.hover()
    await mine.get_by_role("button", name="Delete").click()
    await mine.get_by_role("group", name="Delete this message?").get_by_role("button", name="Delete").click()
    await expect(toronto.page.locator("#conversation-log .message")).to_have_count(0)
    await expect(da_nang.page.locator("#conversation-log .message")).to_have_count(0)


async def test_message_actions_fit_a_phone(world, sessions, api):
    member, other = api("member@danang.test"), api("other@toronto.test")
    talk = member.call("POST", "/api/conversations", 201, json={"participant_ids": [other.user["id"]]})
    hello = member.call("POST", f"/api/conversations/{talk['id']}/messages", 201, json={"body": "Hello from Da Nang"})
    other.call("PUT", f"/api/conversations/{talk['id']}/messages/{hello['id']}/reactions/🎉", 200)
    phone = await sessions("member@danang.test", width=375, height=740)
    await phone.goto(f"/conversations/{talk['id']}")
    message = phone.page.locator(f"#m{hello['id']}")
    await expect(message.locator(".reaction")).to_have_count(1)
    await message.get_by_role("button", name="Edit").click()
    await expect(message.get_by_role("textbox", name="Edit your message")).to_be_visible()
    await assert_fits(phone.page, 375)
    await assert_accessible(phone.page, "conversation on a phone, editing")
    await phone.screenshot("conversation-edit-375")


async def test_a_file_posted_into_a_conversation_is_downloaded_by_the_other(world, sessions, api, tmp_path):
    member, other = api("member@danang.test"), api("other@toronto.test")
    talk = member.call("POST", "/api/conversations", 201, json={"participant_ids": [other.user["id"]]})
    plan = tmp_path / "shelter-plan.pdf"
    plan.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
    da_nang = await sessions("member@danang.test")
    await da_nang.goto(f"/conversations/{talk['id']}")
    await wait_live(da_nang.page)
    toronto = await sessions("other@toronto.test")
    await toronto.goto(f"/conversations/{talk['id']}")
    await toronto.page.get_by_label("Attach a file").set_input_files(str(plan))
    await expect(toronto.page.locator("#conversation-composer")).to_contain_text("shelter-plan.pdf")
    await toronto.page.get_by_role("textbox", name="Write a message").fill("Our plan")
    await toronto.page.get_by_role("button", name="Send").click()
    link = da_nang.page.locator("#conversation-log .message .attachment a")
    await expect(link).to_contain_text("shelter-plan.pdf")
    async with da_nang.page.expect_download() as waiting:
        await link.click()
    download = await waiting.value
    assert download.suggested_filename == "shelter-plan.pdf"
    assert (await download.path()).read_bytes().startswith(b"%PDF-1.4")
    await assert_accessible(da_nang.page, "conversation with a file")
    await da_nang.screenshot("conversation-file")


async def test_a_reported_message_reaches_the_admins_alone(world, sessions, api):
    member, other = api("member@danang.test"), api("other@toronto.test")
    talk = member.call("POST", "/api/conversations", 201, json={"participant_ids": [other.user["id"]]})
    base = f"/api/conversations/{talk['id']}/messages"
    other.call("POST", base, 201, json={"body": "Private context, not for admins"})
    rude = member.call("POST", base, 201, json={"body": "You people are useless"})
    toronto = await sessions("other@toronto.test")
    await toronto.goto(f"/conversations/{talk['id']}")
    message = toronto.page.locator(f"#m{rude['id']}")
    await message.hover()
    await message.get_by_role("button", name="Report").click()
    await message.get_by_label("Why report this message").fill("Insulting")
    await message.get_by_role("button", name="Send to the administrators").click()
    await expect(toronto.page.get_by_text("The administrators will see this message")).to_be_visible()

    admin = await sessions("admin@citybridge.test", width=375, height=740)
    await admin.goto("/admin#reports")
    reports = admin.page.locator("#direct-reports")
    await expect(reports.locator(".report-card")).to_have_count(1)
    await expect(reports).to_contain_text("You people are useless")
    await expect(reports).to_contain_text("Insulting")
    await expect(reports).to_contain_text("Olivia Other")
    await expect(reports).not_to_contain_text("Private context")
    await assert_fits(admin.page, 375)
    await assert_accessible(admin.page, "admin reports")
    await admin.screenshot("admin-direct-reports-375")
    await reports.get_by_role("button", name="Dismiss the report on Nguyen Member’s message").click()
    await expect(reports).to_contain_text("No open report")
    # The conversation itself stays closed to the admin.
    await admin.goto(f"/conversations/{talk['id']}")
    await expect(admin.page.locator("#conversation-log")).to_have_count(0)
