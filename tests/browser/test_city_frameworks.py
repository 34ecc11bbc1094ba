"""Admins load another self-assessment framework from the cities list (issue 18): a refused file
shows its line and the reason in the admin's language; a good one joins the list. Others see no form."""

from __future__ import annotations

import json

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits

pytestmark = pytest.mark.asyncio(loop_scope="session")

FRAMEWORK = {
    "id": "welcome-check",
    "version": 1,
    "label": {"en": "Welcome check", "fr": "Bilan de l’accueil"},
    "domains": [
        {
            "id": "first-weeks",
            "label": {"en": "First weeks"},
            "items": [{"id": "desk", "label": {"en": "A welcome desk"}, "themes": ["housing"]}],
        }
    ],
}


async def test_an_admin_loads_a_framework_file_and_sees_refusals_in_french(world, sessions, api, tmp_path):
    api("admin@citybridge.test").call("PATCH", "/api/me", json={"locale": "fr"})
    s = await sessions("admin@citybridge.test", locale="fr-FR")
    await s.goto("/cities")
    section = s.page.locator("section.frameworks")
    await expect(section.get_by_role("heading", name="Référentiels d’autoévaluation")).to_be_visible()
    await expect(section.locator(".frameworks-loaded li")).to_have_count(1)

    # A file with a field the format does not know: refused, line 16, the reason in French.
    wrong = {
        **FRAMEWORK,
        "domains": [{**FRAMEWORK["domains"][0], "items": [{"id": "desk", "label": {"en": "A"}, "weight": 3}]}],
    }
    text = json.dumps(wrong, indent=2)
    line = text.splitlines().index('          "weight": 3') + 1
    path = tmp_path / "framework.json"
    path.write_text(text)
    await section.get_by_label("Fichier du référentiel").set_input_files(str(path))
    await expect(section.get_by_label("Ou collez son texte")).to_have_value(text)
    await section.get_by_role("button", name="Charger le référentiel").click()
    error = section.locator('[data-field="text"] .field-error')
    await expect(error).to_have_text(f"Ligne {line} : champ inconnu « weight » (élément).")
    await expect(section.get_by_label("Ou collez son texte")).to_have_attribute("aria-invalid", "true")
    await assert_accessible(s.page, "framework refused")

    # Pasted, a JSON mistake: its line too.
    await section.get_by_label("Ou collez son texte").fill('{"id": "x",\n  "version": 1,\n  oops}')
    await section.get_by_role("button", name="Charger le référentiel").click()
    await expect(error).to_have_text("Ligne 3 : ce n’est pas du JSON valide.")

    # The good file loads and joins the list, in French.
    await section.get_by_label("Ou collez son texte").fill(json.dumps(FRAMEWORK, indent=2))
    await section.get_by_role("button", name="Charger le référentiel").click()
    await expect(section.locator(".frameworks-loaded li")).to_have_count(2)
    await expect(section.locator(".frameworks-loaded")).to_contain_text("Bilan de l’accueil (welcome-check, version 1)")
    await expect(error).to_be_hidden()
    # The same version again: refused as already loaded.
    await section.get_by_label("Ou collez son texte").fill(json.dumps(FRAMEWORK))
    await section.get_by_role("button", name="Charger le référentiel").click()
    await expect(section.locator(".form-error")).to_be_visible()
    await expect(section.locator(".frameworks-loaded li")).to_have_count(2)
    await s.screenshot("frameworks-1280-fr")

    # A city official sees the cities, not the form.
    member = await sessions("member@danang.test", width=375, height=740)
    await member.goto("/cities")
    await expect(member.page.locator("main h1")).to_be_visible()
    await expect(member.page.locator("section.frameworks")).to_have_count(0)
    await assert_fits(member.page, 375)
