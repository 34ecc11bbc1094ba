"""Browser fixtures: one headless Debian Chromium per test session, a fresh context per user.

Playwright's async API runs on the session's event loop (every test module here sets
`pytestmark = pytest.mark.asyncio(loop_scope="session")`), so one browser serves the whole
suite; the function-scoped fixtures of tests/conftest.py (world, clean database) still run on
their own loops and only seed data. Tests arrange extra data with the synchronous `api` helper,
which does not touch any event loop.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from tests.conftest import PASSWORD
from tests.harness import TLS

CHROMIUM = os.environ.get("CITYBRIDGE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser():
    playwright_api = pytest.importorskip("playwright.async_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    # An expectation waits up to 15 s, not Playwright's 5: under CI's load (two cores, a browser sweep
    # beside) a save's round trip once took longer than 5 s. A wrong page still fails, only later.
    playwright_api.expect.set_options(timeout=15_000)
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        await browser.close()


class Session:
    """One official in their own browser context (own cookies, own websocket)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.errors: list[str] = []

    async def open(
        self, browser, email: str | None, *, locale: str, width: int, height: int, timezone: str | None = None
    ) -> Session:
        self.context = await browser.new_context(
            base_url=self.base_url, locale=locale, viewport={"width": width, "height": height}, timezone_id=timezone
        )
        self.context.set_default_timeout(10_000)
        self.page = await self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        if email:
            response = await self.context.request.post(
                f"{self.base_url}/api/session", data={"email": email, "password": PASSWORD}
            )
            assert response.ok, await response.text()
        return self

    async def goto(self, path: str) -> None:
        await self.page.goto(self.base_url + path)

    async def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    async def close(self) -> None:
        await self.context.close()


@pytest_asyncio.fixture(loop_scope="session")
async def sessions(browser, server):
    made: list[Session] = []

    async def make(
        email: str | None = None,
        *,
        locale: str = "en-GB",
        width: int = 1280,
        height: int = 800,
        timezone: str | None = None,
    ) -> Session:
        session = await Session(server.base_url).open(
            browser, email, locale=locale, width=width, height=height, timezone=timezone
        )
        made.append(session)
        return session

    yield make
    for session in made:
        await session.close()
    for session in made:
        assert not session.errors, f"script errors in the page: {session.errors}"


class Api:
    """Synchronous API calls as one user, for arranging what a test needs."""

    def __init__(self, base_url: str, email: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30, verify=TLS)
        body = self.http.post("/api/session", json={"email": email, "password": PASSWORD}).json()
        self.user = body["user"]
        self.http.headers["X-CSRF-Token"] = body["csrf_token"]

    def call(self, method: str, path: str, status: int = 200, **kwargs):
        response = self.http.request(method, path, **kwargs)
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text[:300]}"
        return response.json() if response.content else None


@pytest.fixture
def api(server):
    made: list[Api] = []

    def make(email: str) -> Api:
        client = Api(server.base_url, email)
        made.append(client)
        return client

    yield make
    for client in made:
        client.http.close()
