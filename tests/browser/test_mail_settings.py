"""Mail in the browser: the notification settings are kept across a reload (and by the API), in
the person's language; an admin sees that mail is waiting when no relay is configured."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_notification_preferences_are_kept_after_a_reload(world, sessions, api):
    s = await sessions("member@danang.test")
    await s.goto("/settings")
    form = s.page.get_by_role("form", name="Email notifications")
    await expect(form).to_be_visible()
    await expect(form.get_by_label("Summary of my spaces")).to_have_value("never")
    await assert_accessible(s.page, "mail settings")
    await s.screenshot("mail-settings-1280")
    await form.get_by_label("Usually, mail me about").select_option("mentions")
    per_space = form.get_by_role("group", name="Per space")
    await per_space.get_by_label("Antwerp – Da Nang").select_option("none")
    await form.get_by_label("Send mentions and replies").select_option("15")
    await form.get_by_label("Summary of my spaces").select_option("weekly")
    await form.get_by_role("button", name="Save email preferences").click()
    await expect(s.page.get_by_text("Your email preferences are saved")).to_be_visible()

    await s.page.reload()
    form = s.page.get_by_role("form", name="Email notifications")
    await expect(form.get_by_label("Summary of my spaces")).to_have_value("weekly")
    await expect(form.get_by_label("Usually, mail me about")).to_have_value("mentions")
    await expect(form.get_by_label("Send mentions and replies")).to_have_value("15")
    await expect(form.get_by_role("group", name="Per space").get_by_label("Antwerp – Da Nang")).to_have_value("none")
    prefs = api("member@danang.test").call("GET", "/api/me/notifications")
    assert prefs["digest"] == "weekly" and prefs["batch_minutes"] == 15 and prefs["default_level"] == "mentions"
    assert {"space_id": world.space_a["id"], "name": "Antwerp – Da Nang", "level": "none"} in prefs["spaces"]


async def test_notification_settings_in_spanish_at_phone_width(world, sessions, api):
    api("other@toronto.test").call("PATCH", "/api/me", json={"locale": "es"})
    s = await sessions("other@toronto.test", width=375, height=740)
    await s.goto("/settings")
    form = s.page.get_by_role("form", name="Notificaciones por correo")
    await expect(form).to_be_visible()
    await form.get_by_label("Resumen de mis espacios").select_option("daily")
    await form.get_by_role("button", name="Guardar las preferencias de correo").click()
    await expect(s.page.get_by_text("Sus preferencias de correo se han guardado")).to_be_visible()
    await assert_fits(s.page, 375)
    await assert_accessible(s.page, "mail settings at 375px")
    await s.page.reload()
    await expect(s.page.get_by_label("Resumen de mis espacios")).to_have_value("daily")
    await s.screenshot("mail-settings-375-es")


async def test_admins_see_that_mail_is_not_configured_with_the_waiting_links(world, sessions, api):
    api("admin@citybridge.test").call(
        "POST", "/api/invitations", 201, json={"email": "waiting@ghent.test", "space_id": world.space_a["id"]}
    )
    s = await sessions("admin@citybridge.test")
    await s.goto("/admin")
    notice = s.page.locator("#mail-status")
    await expect(notice).to_contain_text("Mail is not configured")
    await expect(notice).to_contain_text("messages are waiting")
    await notice.get_by_text("Waiting mails").click()
    await expect(notice.get_by_text("→ waiting@ghent.test")).to_be_visible()
    link = notice.get_by_role("link", name="Link in the mail: Ada Admin invites you")
    assert "/invitations/" in await link.first.get_attribute("href")
    await assert_accessible(s.page, "admin with mail waiting")
    await s.screenshot("mail-admin-notice-1280")
    # Members never see it (the API refuses them).
    member = await sessions("member@danang.test", width=375, height=740)
    await member.goto("/settings")
    await expect(member.page.get_by_role("form", name="Email notifications")).to_be_visible()
    assert await member.page.locator("#mail-status").count() == 0
