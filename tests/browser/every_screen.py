"""The every-screen sweep's machinery: each test_every_screen_*.py file lists its screens (one line
each, `Screen(...)`) and checks them with `check`, so the sweep spreads over the test workers.

Each screen is visited as the role that uses it, at a desk (1280x800) and on a phone (375x740), in
English, French and Spanish: axe-core finds nothing serious, nothing scrolls sideways, no text is
squeezed under three characters wide, no i18n key or English chrome shows through a translation,
the console stays clean and no request fails. Each visit leaves a screenshot in
tests/browser/screenshots/every/ to look at. One world is seeded per file (the usual per-test
truncation is switched off there: import `clean_database` and `seeded` into the file).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from server.db.engine import session_factory
from server.services import accounts
from tests.browser.helpers import page_problems
from tests.conftest import PASSWORD, invite_user, seed_world
from tests.harness import Client, expect, truncate_all
from tests.library_helpers import PRACTICE, pdf_bytes, upload

SHOTS = Path(__file__).resolve().parent / "screenshots" / "every"
LANGS = {"en": "en-GB", "fr": "fr-FR", "es": "es-ES"}
SIZES = {1280: 800, 375: 740}
VISITS_AT_ONCE = 3  # two cores: more contexts at once only queue behind axe-core


@dataclass(frozen=True)
class Screen:
    name: str
    role: str  # official (a member), moderator, admin, anonymous
    path: str  # with the seeded world's ids: {space}, {thread}, {practice}, {document}, {token}...
    act: Callable[[object, dict], Awaitable[None]] | None = None  # (page, strings of the language)
    ready: str = "h1"  # shown once the screen has drawn what it loads


def click(selector: str, then: str) -> Callable:
    """Click what `selector` finds, then wait until `then` shows."""

    async def run(page, strings):
        await page.locator(selector).first.click()
        await page.locator(then).first.wait_for()

    return run


def press(key: str, then: str) -> Callable:
    """Click the button labelled with the translation of `key`, then wait until `then` shows."""

    async def run(page, strings):
        await page.get_by_role("button", name=strings[key], exact=True).first.click()
        await page.locator(then).first.wait_for()

    return run


@pytest.fixture(autouse=True)
def clean_database():
    """The module's world is seeded once and only read: no truncation between its tests."""


@dataclass
class Seeded:
    ids: dict
    cookies: dict  # (role, lang) -> the cookies of that user's session
    strings: dict  # lang -> the browser app's translations
    # (role, lang, width) -> a browser context kept for the module's visits, so that the app's
    # content-hashed modules come from its cache after the first visit, as for a returning user:
    # a cold load per visit was half of the sweep's time. Anonymous visits get a context each.
    contexts: dict = field(default_factory=dict)


def _cookies(client: Client, base_url: str) -> list[dict]:
    return [{"name": c.name, "value": c.value, "url": base_url} for c in client.http.cookies.jar]


async def _users(db, world, made) -> dict:
    """One user per role and language: a user's own locale decides the app's language."""
    users = {("admin", "en"): world.admin, ("moderator", "en"): world.moderator, ("official", "en"): world.member}
    space, city = world.space_a["id"], world.cities[0]["id"]
    for lang in ("fr", "es"):
        email = f"admin-{lang}@citybridge.test"
        await accounts.create_user(db, email=email, name=f"Ada {lang}", password=PASSWORD, is_admin=True, locale=lang)
        await db.commit()
        admin = made()
        expect(await admin.sign_in(email, PASSWORD), 200)
        users["admin", lang] = admin
        for role, name in (("moderator", "Mieke"), ("official", "Nguyen")):
            kind = "moderator" if role == "moderator" else "member"
            user = await invite_user(
                world.admin, made, space, f"{role}-{lang}@antwerpen.test", f"{name} {lang}", kind, city
            )
            expect(await user.patch("/api/me", json={"locale": lang}), 200)
            users[role, lang] = user
    return users


async def _content(world, server, users: dict) -> dict:
    """A thread with a reply, a flag and a hidden message; a practice record (published), a link and
    a PDF in the library; a pending invitation. Worded without the English chrome words checked below."""
    space = world.space_a["id"]
    thread = expect(
        await world.member.post(
            f"/api/spaces/{space}/threads",
            json={
                "title": "Housing first for newcomers",
                "themes": ["housing", "integration"],
                "body": "How did **Antwerp** start its housing-first pilot? We have *two* flats.",
            },
        ),
        201,
    )
    path = f"/api/threads/{thread['id']}/messages"
    reply = expect(await world.moderator.post(path, json={"body": "With the OCMW, in 2019. Notes follow."}), 201)
    spam = expect(await world.member.post(path, json={"body": "Cheap flights at example.test"}), 201)
    expect(await world.moderator.post(f"/api/messages/{spam['id']}/hide", json={"reason": "Advertising"}), 200)
    expect(await world.member.post(f"/api/messages/{reply['id']}/flags", json={"reason": "Names a tenant"}), 201)
    record = PRACTICE | {
        "city_id": world.cities[0]["id"],
        "review_status": "reviewed",
        "title": "One desk for newcomers",
        "evidence": "A survey in 2022",
    }
    practice = expect(await world.moderator.post(f"/api/spaces/{space}/resources", json=record), 201)
    public = expect(await world.moderator.post(f"/api/resources/{practice['id']}/publish"), 200)["url"]
    link = {"kind": "link", "title": "UN Migration Network Hub", "url": "https://migrationnetwork.un.org/hub"}
    expect(await world.member.post(f"/api/spaces/{space}/resources", json=link), 201)
    text = "The municipal interpreters service answers newcomers in eleven languages."
    document = expect(
        await upload(
            world.moderator, space, "interpreters.pdf", pdf_bytes(text), "application/pdf", title="Interpreters"
        ),
        201,
    )
    year = datetime.now(UTC).year + 1
    event = {
        "kind": "study_visit",
        "title": "Reception centres of Antwerp",
        "description": "We visit **two** centres.",
        "starts_at": f"{year}-06-10T09:30",
        "ends_at": f"{year}-06-10T17:00",
        "timezone": "Europe/Brussels",
        "location": "Stadhuis, Grote Markt 1",
        "languages": ["en", "nl"],
        "capacity": 20,
    }
    visit = expect(await world.moderator.post(f"/api/spaces/{space}/events", json=event), 201)
    # A conversation of the space's officials in every language, with a first message.
    officials = [users["official", lang].user["id"] for lang in ("fr", "es")] + [world.moderator.user["id"]]
    talk = expect(await world.member.post("/api/conversations", json={"participant_ids": officials}), 201)
    first = {"body": "Who handles housing in your city?", "client_id": "every-1"}
    expect(await world.member.post(f"/api/conversations/{talk['id']}/messages", json=first), 201)
    # Antwerp's record taken up by Da Nang: the transfer screen and a running edge in the lineage.
    body = {"source_practice_id": practice["id"], "implementing_city_ids": [world.cities[1]["id"]], "space_id": space}
    transfer = expect(await world.moderator.post("/api/transfers", json=body), 201)
    invitation = expect(
        await world.admin.post("/api/invitations", json={"email": "new@antwerpen.test", "space_id": space}), 201
    )
    for _ in range(100):  # the indexer works after the commit
        found = expect(await world.member.get("/api/search", params={"q": "interpreters"}), 200)
        if found["hits"]:
            break
        await asyncio.sleep(0.1)
    return {
        "space": space,
        "thread": thread["id"],
        "practice": practice["id"],
        "document": document["id"],
        "token": invitation["token"],
        "event": visit["id"],
        "conversation": talk["id"],
        "transfer": transfer["id"],
        "person": world.moderator.user["id"],
        "city": world.cities[0]["id"],
        "public_practice": public.removeprefix(server.base_url),
    }


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def seeded(server, database_url, browser):
    await truncate_all(database_url)
    clients: list[Client] = []

    def made(token=None):
        clients.append(Client(server.base_url, token))
        return clients[-1]

    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with session_factory(engine)() as db:
            world = await seed_world(db, made)
            users = await _users(db, world, made)
        ids = await _content(world, server, users)
        cookies = {key: _cookies(user, server.base_url) for key, user in users.items()}
        context = await browser.new_context(base_url=server.base_url)
        page = await context.new_page()
        await page.goto("/signin")
        strings = {lang: await page.evaluate(f"import('/i18n/{lang}.js').then((m) => m.default)") for lang in LANGS}
        await context.close()
        made_seeded = Seeded(ids, cookies, strings)
        yield made_seeded
        for kept in made_seeded.contexts.values():
            await kept.close()
    finally:
        for client in clients:
            await client.close()
        await engine.dispose()
        await truncate_all(database_url)


async def _context(browser, server, seeded: Seeded, role: str, lang: str, width: int):
    key = (role, lang, width)
    if role != "anonymous" and key in seeded.contexts:
        return seeded.contexts[key]
    context = await browser.new_context(
        base_url=server.base_url, locale=LANGS[lang], viewport={"width": width, "height": SIZES[width]}
    )
    context.set_default_timeout(60_000)  # two cores shared with other work: slow, not broken
    if role != "anonymous":
        await context.add_cookies(seeded.cookies[role, lang])
        seeded.contexts[key] = context
    return context


async def _visit(browser, server, seeded: Seeded, screen: Screen, lang: str, width: int) -> list[str]:
    context = await _context(browser, server, seeded, screen.role, lang, width)
    page = None
    try:
        page = await context.new_page()
        errors: list[str] = []
        # Anonymous visitors ask who they are once: the app's 401 answer to that is expected.
        expected = "/api/me" if screen.role == "anonymous" else None
        page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and not m.text.startswith("Failed to load resource")  # reported below, with its address
                and errors.append(f"console: {m.text[:200]}")
            ),
        )
        page.on(
            "response",
            lambda r: (
                r.status >= 400
                and not (r.status == 401 and r.url.endswith(str(expected)))
                and errors.append(f"{r.status} {r.request.method} {r.url}")
            ),
        )
        page.on("requestfailed", lambda r: errors.append(f"failed {r.method} {r.url}: {r.failure}"))
        await page.goto(screen.path.format(**seeded.ids))
        await page.locator(screen.ready).first.wait_for()
        if screen.act:
            await screen.act(page, seeded.strings[lang])
        await page.locator(".loading").first.wait_for(state="detached")
        await page.wait_for_load_state("networkidle")
        name = f"{screen.name}-{lang}-{width}"
        problems = await page_problems(page, width, lang, seeded.strings)
        SHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        return [f"{name}: {p}" for p in errors + problems]
    except Exception as error:  # a screen that never draws is a finding too, reported with the others
        return [f"{screen.name}-{lang}-{width}: {type(error).__name__}: {str(error).splitlines()[0]}"]
    finally:
        if screen.role == "anonymous":
            await context.close()
        elif page is not None:
            await page.close()


async def check(screen: Screen, seeded: Seeded, browser, server) -> None:
    """Visit the screen in every language at both widths, six visits side by side, and fail with every problem."""
    gate = asyncio.Semaphore(VISITS_AT_ONCE)

    async def one(lang, width):
        async with gate:
            return await _visit(browser, server, seeded, screen, lang, width)

    found = await asyncio.gather(*(one(lang, width) for lang in LANGS for width in SIZES))
    problems = [p for visit in found for p in visit]
    assert not problems, "\n".join(problems)
