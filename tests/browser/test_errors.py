"""A refused form speaks the reader's language: the API's field codes become translated
sentences, and nothing of the validator's English (or its patterns) reaches the page."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

pytestmark = pytest.mark.asyncio(loop_scope="session")

ENGLISH = ("String", "should", "at least", "characters", "pattern", "Field required", "Value error")


async def test_a_french_form_error_has_no_english_validator_words(world, sessions, api):
    admin = api("admin@citybridge.test")
    invitation = admin.call(
        "POST",
        "/api/invitations",
        201,
        json={"email": "nouveau@antwerpen.test", "space_id": world.space_a["id"], "city_id": world.cities[0]["id"]},
    )
    s = await sessions(locale="fr-FR")
    await s.goto(invitation["link"])
    await s.page.get_by_label("Votre nom").fill("Anne Nouvelle")
    await s.page.locator('input[name="password"]').fill("court")
    await s.page.locator('form button[type="submit"]').click()
    slot = s.page.locator('[data-field="password"] .field-error')
    await expect(slot).to_be_visible()
    await expect(slot).to_have_text("Trop court (longueur minimale 8).")
    alert = s.page.locator(".form-error")
    await expect(alert).to_be_visible()
    shown = (await slot.inner_text()) + " " + (await alert.inner_text())
    assert not [word for word in ENGLISH if word in shown], shown
    await s.screenshot("errors-fr-invitation")
