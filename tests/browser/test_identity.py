"""Issue 13 in Chromium: an admin adds the city's identity provider and an official signs in
through the provider's own page (oidc-provider-mock over HTTP, the real redirects); two-factor
set-up with a code pyotp computes and sign-in with a recovery code; signing out other browsers;
API tokens shown once. Each screen is checked with axe and photographed at both widths."""

from __future__ import annotations

import pyotp
import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_fits
from tests.conftest import PASSWORD
from tests.oidc_helpers import Provider

pytestmark = pytest.mark.asyncio(loop_scope="session")

ADMIN = "admin@citybridge.test"
MEMBER = "member@danang.test"


@pytest.fixture(scope="module")
def provider():
    running = Provider().start()
    yield running
    running.stop()


async def me(session) -> dict | None:
    """Who the browser's cookies sign in as (None when signed out)."""
    response = await session.context.request.get(f"{session.base_url}/api/me")
    return await response.json() if response.ok else None


async def test_an_official_signs_in_through_the_city_provider(world, sessions, provider):
    admin = await sessions(ADMIN)
    await admin.goto("/admin#sign-in")
    panel = admin.page.locator("#panel-sign-in")
    await expect(panel.get_by_text("No identity provider yet")).to_be_visible()
    await panel.get_by_label("Name", exact=True).fill("ghent")
    await panel.get_by_label("Issuer URL").fill(provider.issuer)
    await panel.get_by_label("Client ID").fill("cb-ghent")
    await panel.get_by_label("Client secret").fill("s3cret")
    await panel.get_by_label("Email domains").fill("ghent.test")
    await panel.get_by_label("City of new accounts").select_option(label="Antwerp")
    await panel.get_by_text("Create an account on first sign-in").click()
    await panel.get_by_role("button", name="Add provider").click()
    row = panel.locator('tr[data-provider="ghent"]')
    await expect(row).to_contain_text("ghent.test")
    await expect(row).to_contain_text("creates accounts")
    await assert_accessible(admin.page, "admin single sign-on")
    await admin.screenshot("identity-admin-providers-1280")
    narrow = await sessions(ADMIN, width=375, height=740)
    await narrow.goto("/admin#sign-in")
    await expect(narrow.page.locator('tr[data-provider="ghent"]')).to_be_visible()
    await assert_fits(narrow.page, 375)
    await narrow.screenshot("identity-admin-providers-375")

    await provider.set_user(
        "ghent-7", {"email": "Mira.Peeters@ghent.test", "email_verified": True, "name": "Mira Peeters"}
    )
    official = await sessions(None)
    await official.goto("/signin")
    await official.page.get_by_role("link", name="Sign in with ghent").click()
    # The provider's own page, on its own origin: the browser really went there.
    await official.page.wait_for_url(f"{provider.issuer}/**", wait_until="commit")
    await official.page.locator('input[name="sub"]').fill("ghent-7")
    await official.page.get_by_role("button", name="Authorize").click()
    await official.page.wait_for_url(f"{official.base_url}/")
    who = await me(official)
    assert who["email"] == "mira.peeters@ghent.test" and who["city_id"] == world.cities[0]["id"]
    await expect(official.page.get_by_role("button", name="Mira Peeters").first).to_be_visible()


async def test_two_factor_is_set_up_with_a_code_and_a_recovery_code_signs_in(world, sessions):
    s = await sessions(MEMBER)
    await s.goto("/settings")
    await s.page.get_by_role("button", name="Set up two-factor sign-in").click()
    secret = await s.page.locator("code[data-secret]").text_content()
    await expect(s.page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    await assert_accessible(s.page, "two-factor enrolment")
    await s.screenshot("identity-totp-enrolment-1280")
    await s.page.get_by_label("Code shown by the app").fill(
        "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    )
    await s.page.get_by_role("button", name="Turn on").click()
    await expect(s.page.locator(".form-error", has_text="not right")).to_be_visible()
    await s.page.get_by_label("Code shown by the app").fill(pyotp.TOTP(secret).now())
    await s.page.get_by_role("button", name="Turn on").click()
    codes = s.page.locator(".recovery-codes code")
    await expect(codes).to_have_count(10)
    await expect(s.page.get_by_text("Unused recovery codes: 10")).to_be_visible()
    await assert_accessible(s.page, "recovery codes")
    await s.screenshot("identity-recovery-codes-1280")
    recovery = await codes.first.text_content()

    again = await sessions(None, width=375, height=740)
    await again.goto("/signin")
    await again.page.locator('input[name="email"]').fill(MEMBER)
    await again.page.locator('input[name="password"]').fill(PASSWORD)
    await again.page.get_by_role("button", name="Sign in").click()
    code = again.page.get_by_label("Code from your authenticator app")
    await expect(code).to_be_visible()
    assert await me(again) is None
    await assert_accessible(again.page, "sign-in asking for the code")
    await again.screenshot("identity-signin-code-375")
    await code.fill(recovery)
    await again.page.get_by_role("button", name="Sign in").click()
    await again.page.wait_for_url(f"{again.base_url}/")
    assert (await me(again))["email"] == MEMBER


async def test_another_browser_is_signed_out_from_settings(world, sessions):
    here = await sessions(MEMBER)
    phone = await sessions(MEMBER)
    tablet = await sessions(MEMBER)
    await here.goto("/settings")
    devices = here.page.locator("li[data-session]")
    # These three browsers and the session the world's fixture signed in with.
    await expect(devices).to_have_count(4)
    await expect(here.page.locator("li[data-session]", has_text="This browser")).to_have_count(1)
    await assert_accessible(here.page, "settings: devices")
    await here.screenshot("identity-settings-1280")
    # Newest use first: the first other browser listed is the tablet.
    await here.page.locator("li[data-session]", has_not_text="This browser").first.get_by_role("button").click()
    await expect(devices).to_have_count(3)
    assert await me(tablet) is None and (await me(phone))["email"] == MEMBER
    await here.page.get_by_role("button", name="Sign out all others").click()
    await expect(devices).to_have_count(1)
    assert await me(phone) is None
    assert (await me(here))["email"] == MEMBER


async def test_an_api_token_is_shown_once_and_revoked(world, sessions):
    s = await sessions(MEMBER, width=375, height=740)
    await s.goto("/settings")
    await s.page.get_by_label("What it is for").fill("reporting script")
    await s.page.get_by_role("button", name="Create token").click()
    secret = await s.page.locator("input[data-token-secret]").input_value()
    assert secret.startswith("cbt_")
    row = s.page.locator("li[data-token]", has_text="reporting script")
    await expect(row).to_contain_text("never used")
    await assert_accessible(s.page, "settings with a new token")
    await assert_fits(s.page, 375)
    await s.screenshot("identity-settings-375")
    used = await s.context.request.get(f"{s.base_url}/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert used.ok
    await row.get_by_role("button", name="Revoke the token reporting script").click()
    await expect(row).to_have_count(0)
    refused = await s.context.request.get(f"{s.base_url}/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401
