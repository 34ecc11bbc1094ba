"""Every screen an official (a member of a space) uses.
What each visit checks: tests/browser/every_screen.py."""

from __future__ import annotations

import pytest

from tests.browser.every_screen import Screen, check, clean_database, click, press, seeded  # noqa: F401

pytestmark = pytest.mark.asyncio(loop_scope="session")

SCREENS = [
    Screen("home", "official", "/", ready=".space-card, .card"),
    Screen("space", "official", "/spaces/{space}", ready=".thread-row"),
    Screen("new-thread", "official", "/spaces/{space}", ready=".thread-row", act=press("thread.new", "form textarea")),
    Screen("thread", "official", "/threads/{thread}", ready=".message"),
    Screen("library", "official", "/spaces/{space}/library", ready=".resource"),
    Screen("practice", "official", "/resources/{practice}"),
    Screen("document", "official", "/resources/{document}"),
    Screen("search", "official", "/search?q=interpreters", ready=".result"),
    Screen("settings", "official", "/settings", ready="form"),
    Screen("transfers", "official", "/spaces/{space}/transfers", ready=".transfer-row"),
    Screen("transfer", "official", "/transfers/{transfer}", ready=".plan .milestone"),
    Screen(
        "transfer-forms",
        "official",
        "/transfers/{transfer}",
        ready=".plan .milestone",
        act=click(".plan > details.add-form:last-of-type > summary", ".log-form [name=notes]"),
    ),
    Screen("not-found", "official", "/no-such-page"),
]


@pytest.mark.parametrize("screen", SCREENS, ids=[s.name for s in SCREENS])
async def test_every_screen(screen, seeded, browser, server):  # noqa: F811
    await check(screen, seeded, browser, server)
