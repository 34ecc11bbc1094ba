"""Every screen a visitor sees without an account: signing in, password reset, an invitation, the public knowledge base.
What each visit checks: tests/browser/every_screen.py."""

from __future__ import annotations

import pytest

from tests.browser.every_screen import Screen, check, clean_database, click, press, seeded  # noqa: F401

pytestmark = pytest.mark.asyncio(loop_scope="session")

SCREENS = [
    Screen("sign-in", "anonymous", "/signin"),
    Screen("reset-ask", "anonymous", "/reset"),
    Screen("reset-choose", "anonymous", "/reset/some-token-from-a-mail"),
    Screen("invitation", "anonymous", "/invitations/{token}", ready="form"),
    Screen("knowledge", "anonymous", "/knowledge"),
    Screen("knowledge-search", "anonymous", "/knowledge/search?q=newcomers"),
    Screen("knowledge-theme", "anonymous", "/knowledge/themes/housing"),
    Screen("knowledge-city", "anonymous", "/knowledge/cities/antwerp"),
    Screen("knowledge-practice", "anonymous", "{public_practice}"),
]


@pytest.mark.parametrize("screen", SCREENS, ids=[s.name for s in SCREENS])
async def test_every_screen(screen, seeded, browser, server):  # noqa: F811
    await check(screen, seeded, browser, server)


async def test_every_key_is_translated_in_every_language(seeded):  # noqa: F811
    def flat(strings: dict) -> dict:
        out = {}
        for key, value in strings.items():
            forms = value.items() if isinstance(value, dict) else [("", value)]
            for form, text in forms:
                out[f"{key}:{form}" if form else key] = text
        return out

    en = seeded.strings["en"]
    for lang in ("fr", "es"):
        other = seeded.strings[lang]
        assert sorted(set(en) - set(other)) == [], f"keys of en.js missing from {lang}.js"
        assert sorted(set(other) - set(en)) == [], f"keys of {lang}.js missing from en.js"
    for lang, strings in seeded.strings.items():
        empty = [key for key, text in flat(strings).items() if not isinstance(text, str) or not text.strip()]
        assert not empty, f"empty strings in {lang}.js: {empty}"
