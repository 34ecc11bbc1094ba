"""Every screen of the network an official uses beyond their spaces: events, cities, matching, people.
What each visit checks: tests/browser/every_screen.py."""

from __future__ import annotations

import pytest

from tests.browser.every_screen import Screen, check, clean_database, click, press, seeded  # noqa: F401

pytestmark = pytest.mark.asyncio(loop_scope="session")

SCREENS = [
    Screen("events", "official", "/spaces/{space}/events"),
    Screen("lineage", "official", "/lineage", ready=".lineage-list"),
    Screen("event", "official", "/events/{event}", ready=".event-times"),
    Screen("cities", "official", "/cities"),
    Screen("city", "official", "/cities/{city}", ready="dl.facts"),
    Screen("matching", "official", "/matching"),
    Screen("my-calendar", "official", "/events"),
    Screen("people", "official", "/people", ready="#people-results .person-card"),
    Screen("person", "official", "/people/{person}", ready="dl.details"),
    Screen("conversations", "official", "/conversations", ready=".conversation-list li"),
    Screen("conversation", "official", "/conversations/{conversation}", ready="#conversation-log .message"),
]


@pytest.mark.parametrize("screen", SCREENS, ids=[s.name for s in SCREENS])
async def test_every_screen(screen, seeded, browser, server):  # noqa: F811
    await check(screen, seeded, browser, server)
