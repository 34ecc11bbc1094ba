"""Every screen of a space's moderators and of the platform's admins.
What each visit checks: tests/browser/every_screen.py."""

from __future__ import annotations

import pytest

from tests.browser.every_screen import Screen, check, clean_database, click, press, seeded  # noqa: F401

pytestmark = pytest.mark.asyncio(loop_scope="session")

SCREENS = [
    Screen("members", "moderator", "/spaces/{space}/members", ready="li.member"),
    Screen("moderation", "moderator", "/spaces/{space}/moderation", ready=".flag"),  # with the audit log
    Screen("space-settings", "moderator", "/spaces/{space}/settings", ready="form"),
    Screen("admin", "admin", "/admin", ready="table"),
    Screen("pair-cities", "admin", "/admin", ready="table", act=click("#tab-spaces", "#panel-spaces form")),
    Screen(
        "admin-invitations", "admin", "/admin", ready="table", act=click("#tab-invitations", "#panel-invitations form")
    ),
]


@pytest.mark.parametrize("screen", SCREENS, ids=[s.name for s in SCREENS])
async def test_every_screen(screen, seeded, browser, server):  # noqa: F811
    await check(screen, seeded, browser, server)
