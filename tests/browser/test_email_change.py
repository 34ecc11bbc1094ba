"""Changing one's email in the browser: the Settings form, the link at the new address (through a
real aiosmtpd relay), and the confirmation screen, axe-clean at desktop and phone widths."""

from __future__ import annotations

from dataclasses import replace

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits
from tests.conftest import PASSWORD
from tests.harness import ServerThread
from tests.mail_helpers import SmtpSink, link_path

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
def sink(settings, database_url):
    """A relay, and a node whose sender delivers the shared outbox to it (the browser's server keeps
    the embedded default and only writes .eml files)."""
    sink = SmtpSink().start()
    node = ServerThread(replace(settings, smtp_url=sink.url, mail_retry_base_seconds=0.2), database_url)
    node.start()
    yield sink
    node.stop()
    sink.stop()


async def test_changing_the_email_from_settings_and_the_mailed_link(world, sessions, api, sink):
    sink.received.clear()
    member = api("member@danang.test")  # signed in before the change: the session outlives it
    s = await sessions("member@danang.test")
    await s.goto("/settings")
    form = s.page.get_by_role("form", name="Email address")
    await expect(form).to_be_visible(timeout=20_000)  # the settings sections load together; slow under load
    await expect(form).to_contain_text("member@danang.test")
    await form.get_by_label("New email address").fill("other@toronto.test")
    await form.get_by_label("Current password").fill(PASSWORD)
    await form.get_by_role("button", name="Send the confirmation link").click()
    await expect(form.get_by_text("already registered")).to_be_visible()
    await form.get_by_label("New email address").fill("nguyen@danang.example")
    await form.get_by_label("Current password").fill(PASSWORD)
    await form.get_by_role("button", name="Send the confirmation link").click()
    await expect(form.get_by_role("status")).to_contain_text("Check the inbox of nguyen@danang.example")
    await expect(form.get_by_text("already registered")).to_be_hidden()  # the earlier refusal is gone
    await assert_accessible(s.page, "email change form")
    await s.screenshot("email-change-settings-1280")

    (mail,) = await sink.wait_for("nguyen@danang.example", about="Confirm")
    await sink.wait_for("member@danang.test", about="being changed")
    path = link_path(mail, "/email-change/")
    phone = await sessions(None, width=375, height=740)
    await phone.goto(path)
    await expect(phone.page.get_by_role("heading", name="Confirm your new email address")).to_be_visible()
    await assert_accessible(phone.page, "email confirmation")
    await assert_fits(phone.page, 375)
    await phone.screenshot("email-change-confirm-375")
    await phone.page.get_by_role("button", name="Use this address").click()
    await expect(phone.page.get_by_role("status")).to_contain_text("your account now uses nguyen@danang.example")
    assert member.call("GET", "/api/me")["email"] == "nguyen@danang.example"
    # The same link again: refused, in words.
    await phone.goto(path)
    await phone.page.get_by_role("button", name="Use this address").click()
    await expect(phone.page.get_by_text("This confirmation link does not exist")).to_be_visible()
    await phone.screenshot("email-change-used-375")


async def test_the_confirmation_screen_in_french(world, sessions):
    s = await sessions(None, locale="fr-FR", width=375, height=740)
    await s.goto("/email-change/unknown-token")
    await expect(s.page.get_by_role("heading", name="Confirmez votre nouvelle adresse e-mail")).to_be_visible()
    await s.page.get_by_role("button", name="Utiliser cette adresse").click()
    await expect(s.page.get_by_text("Ce lien de confirmation n’existe pas")).to_be_visible()
    await assert_accessible(s.page, "email confirmation in French")
