"""Signing in, invitations, home, a space, admin, settings and French: each screen works,
passes axe-core, and is saved as a screenshot."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_sign_in_shows_errors_then_home_with_city_pairs(world, sessions):
    s = await sessions()
    await s.goto(f"/spaces/{world.space_a['id']}")
    await expect(s.page.get_by_role("heading", name="Sign in")).to_be_visible()
    await assert_accessible(s.page, "sign in")
    await s.screenshot("01-sign-in")
    await s.page.get_by_label("Email").fill("member@danang.test")
    await s.page.get_by_label("Password").fill("wrong password")
    await s.page.get_by_role("button", name="Sign in").click()
    await expect(s.page.get_by_role("alert")).to_contain_text("do not match")
    await s.page.get_by_label("Password").fill("correct horse battery")
    await s.page.get_by_role("button", name="Sign in").click()
    # Back where the visitor was going: the space, with its city pair.
    await expect(s.page.get_by_role("heading", name="Antwerp – Da Nang", level=1)).to_be_visible()
    await s.goto("/")
    await expect(s.page.get_by_role("heading", name="Welcome, Nguyen")).to_be_visible()
    pair = s.page.get_by_role("group", name="Partner cities: Antwerp – Da Nang")
    await expect(pair).to_contain_text("Traditional destination")
    await expect(pair).to_contain_text("Newer destination")
    await expect(pair).to_contain_text("Vietnam")
    await assert_accessible(s.page, "home")
    await s.screenshot("02-home")


async def test_an_invited_official_sets_a_password_and_lands_in_the_space(world, sessions, api):
    admin = api("admin@citybridge.test")
    invitation = admin.call(
        "POST",
        "/api/invitations",
        201,
        json={"email": "new@antwerpen.test", "space_id": world.space_a["id"], "city_id": world.cities[0]["id"]},
    )
    s = await sessions()
    await s.goto(invitation["link"])
    await expect(s.page.get_by_role("heading", name="Join Citybridge")).to_be_visible()
    await expect(s.page.get_by_text("You are invited to Antwerp – Da Nang as Member.")).to_be_visible()
    await expect(s.page.get_by_text("For new@antwerpen.test.")).to_be_visible()
    await assert_accessible(s.page, "invitation")
    await s.screenshot("03-invitation")
    await s.page.get_by_label("Your name").fill("Anna Nieuw")
    await s.page.get_by_label("Password").fill("short")
    await s.page.get_by_role("button", name="Accept the invitation").click()
    # The API names the field that is wrong; the form shows it beside that field.
    await expect(s.page.locator('[data-field="password"] .field-error')).to_be_visible()
    await s.page.get_by_label("Password").fill("a long enough password")
    await s.page.get_by_role("button", name="Accept the invitation").click()
    await expect(s.page.get_by_role("heading", name="Antwerp – Da Nang", level=1)).to_be_visible()
    await expect(s.page.get_by_role("navigation", name="Spaces")).to_contain_text("Antwerp – Da Nang")
    # A used link says so at once.
    await s.page.goto(s.base_url + invitation["link"])
    await expect(s.page.get_by_role("alert")).to_contain_text("already used")


async def test_space_threads_members_and_a_new_thread(world, sessions):
    s = await sessions("mod@antwerpen.test")
    await s.goto(f"/spaces/{world.space_a['id']}")
    await expect(s.page.get_by_text("No threads yet")).to_be_visible()
    await s.page.get_by_role("button", name="New thread").click()
    await s.page.get_by_label("Title").fill("Housing first for newcomers")
    await s.page.get_by_role("button", name="Start the thread").click()
    await expect(s.page.get_by_role("alert")).to_be_visible()  # the first message is required
    await s.page.get_by_label("First message").fill("How did **Antwerp** start its housing-first pilot?")
    await s.page.get_by_label("Housing", exact=True).check()
    await s.page.get_by_role("button", name="Start the thread").click()
    await expect(s.page.get_by_role("heading", name="Housing first for newcomers")).to_be_visible()
    await s.page.get_by_role("link", name="Antwerp – Da Nang").first.click()
    await expect(s.page.locator(".thread-row")).to_have_count(1)
    await assert_accessible(s.page, "space")
    await s.screenshot("04-space")
    await s.page.get_by_role("link", name="Members").click()
    await expect(s.page.get_by_text("Nguyen Member")).to_be_visible()
    await s.page.get_by_label("Email", exact=True).fill("colleague@antwerpen.test")
    await s.page.get_by_role("button", name="Send the invitation").click()
    await expect(s.page.get_by_label("Invitation link")).to_have_value(__import__("re").compile("/invitations/"))
    await assert_accessible(s.page, "members")
    await s.screenshot("05-members")


async def test_a_list_still_loading_is_a_list_of_list_items(world, sessions):
    """While a space's threads load, the list holds a list item with the status inside it: an
    <li role="status"> failed axe-core whenever a check met a slow answer."""
    s = await sessions("member@danang.test")
    held = []

    async def hold(route):
        held.append(route)

    await s.page.route("**/api/spaces/*/threads*", hold)
    await s.goto(f"/spaces/{world.space_a['id']}")
    spinner = s.page.locator("ul.threads > li [role=status]")
    await expect(spinner).to_contain_text("Loading")
    await assert_accessible(s.page, "space while its threads load")
    for route in held:
        await route.continue_()
    await expect(spinner).to_have_count(0)
    await s.page.unroute("**/api/spaces/*/threads*")


async def test_admin_registers_a_city_pairs_it_and_invites_a_moderator(world, sessions):
    s = await sessions("admin@citybridge.test")
    await s.goto("/admin")
    await expect(s.page.get_by_role("heading", name="Administration", level=1)).to_be_visible()
    form = s.page.locator("form", has=s.page.get_by_role("heading", name="Register a city"))
    await form.get_by_label("City", exact=True).fill("Lyon")
    await form.get_by_label("Country").fill("France")
    await form.get_by_label("Languages").fill("fr")
    await form.get_by_label("Immigration profile").select_option("newer")
    await form.get_by_role("button", name="Register the city").click()
    await expect(s.page.get_by_role("row", name="Lyon")).to_contain_text("Newer destination")
    await assert_accessible(s.page, "admin cities")
    await s.screenshot("06-admin-cities")
    await s.page.get_by_role("tab", name="Pair cities").click()
    pair = s.page.locator("form", has=s.page.get_by_role("heading", name="Pair cities into a space"))
    await pair.get_by_role("button", name="Create the space").click()
    await expect(pair.locator('[data-field="city_ids"] .field-error')).to_be_visible()
    await pair.get_by_label("Toronto").check()
    await pair.get_by_label("Lyon").check()
    await expect(pair.get_by_label("Name of the space")).to_have_value("Toronto – Lyon")
    await pair.get_by_role("button", name="Create the space").click()
    await expect(s.page.get_by_role("navigation", name="Spaces")).to_contain_text("Toronto – Lyon")
    await assert_accessible(s.page, "admin pairing")
    await s.page.get_by_role("tab", name="Invitations").click()
    panel = s.page.get_by_role("tabpanel", name="Invitations")
    await panel.get_by_label("Space", exact=True).select_option(label="Toronto – Lyon")
    await panel.get_by_label("Email").fill("maire@lyon.test")
    await panel.get_by_label("Role").select_option("moderator")
    await panel.get_by_role("button", name="Send the invitation").click()
    await expect(s.page.get_by_text("Invitation created for maire@lyon.test")).to_be_visible()
    await s.screenshot("07-admin-invitations")


async def test_french_and_spanish_interfaces(world, sessions, api):
    s = await sessions(locale="fr-FR")
    await s.goto("/")
    await expect(s.page.get_by_role("heading", name="Connexion")).to_be_visible()
    assert await s.page.evaluate("document.documentElement.lang") == "fr"
    keys = await s.page.evaluate("""async () => {
        const names = ["en", "fr", "es"];
        const dicts = await Promise.all(names.map((n) => import(`/i18n/${n}.js`).then((m) => m.default)));
        return dicts.map((d) => Object.keys(d).sort());
    }""")
    assert keys[1] == keys[0] and keys[2] == keys[0], "fr.js and es.js must translate every key of en.js"
    await s.screenshot("08-sign-in-fr")
    # A user's own setting wins over the browser's language.
    member = api("member@danang.test")
    member.call("PATCH", "/api/me", json={"locale": "es"})
    s2 = await sessions("member@danang.test", locale="fr-FR")
    await s2.goto("/")
    await expect(s2.page.get_by_role("heading", name="Bienvenido, Nguyen")).to_be_visible()
    await s2.goto("/settings")
    await s2.page.get_by_label("Idioma de la interfaz").select_option("fr")
    await s2.page.get_by_role("button", name="Guardar", exact=True).click()
    await expect(s2.page.get_by_role("heading", name="Profil et langue")).to_be_visible()
    await s2.goto(f"/spaces/{world.space_a['id']}")
    await expect(s2.page.get_by_role("link", name="Bibliothèque")).to_be_visible()
    await expect(s2.page.get_by_text("Destination traditionnelle")).to_be_visible()
    await assert_accessible(s2.page, "space in French")
    await s2.screenshot("09-space-fr")


async def test_phone_width_layout(world, sessions, api):
    member = api("member@danang.test")
    thread = member.call(
        "POST",
        f"/api/spaces/{world.space_a['id']}/threads",
        201,
        json={"title": "Language cafés", "body": "We run *language cafés* in three libraries. Who else does?"},
    )
    s = await sessions("member@danang.test", width=375, height=760)
    await s.goto("/")
    await expect(s.page.get_by_role("heading", name="Welcome, Nguyen")).to_be_visible()
    await assert_fits(s.page, 375)
    await s.screenshot("10-home-375")
    menu = s.page.get_by_role("button", name="Menu", exact=True)
    await menu.click()
    await s.page.get_by_role("navigation", name="Spaces").get_by_role("link", name="Antwerp – Da Nang").click()
    await expect(s.page.get_by_role("heading", name="Antwerp – Da Nang", level=1)).to_be_visible()
    await assert_fits(s.page, 375)
    await s.goto(f"/threads/{thread['id']}")
    await s.page.get_by_role("textbox", name="Message").fill("Sent from a phone")
    await s.page.keyboard.press("Enter")
    await expect(s.page.locator(".message .body", has_text="Sent from a phone")).to_be_visible()
    await assert_fits(s.page, 375)
    await assert_accessible(s.page, "thread at 375px")
    await s.screenshot("11-thread-375")
