"""Real parts for tests: the embedded PostgreSQL, the app under uvicorn on a real socket, HTTP clients."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from dataclasses import replace
from pathlib import Path

import asyncpg
import httpx
import uvicorn

from server.app import create_app
from server.config import load_settings
from server.db import embedded, migrate


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_database(data_dir: Path) -> str:
    url = embedded.start(data_dir)
    migrate.upgrade(url)
    return url


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def truncate_all(url: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        tables = [r["tablename"] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )]
        await conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


class ServerThread:
    """The real app under uvicorn on 127.0.0.1, in a thread with its own event loop."""

    def __init__(self, settings, database_url: str) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(settings, database_url)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, ws="websockets",
                                lifespan="on", log_level="warning", timeout_graceful_shutdown=5)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> "ServerThread":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def test_settings(data_dir: Path):
    os.environ.setdefault("CITYBRIDGE_SECRET_KEY", "test-secret-key-" + "x" * 32)
    os.environ["CITYBRIDGE_DATA"] = str(data_dir)
    settings = load_settings()
    # Cheap hashing keeps tests fast; production uses argon2id's recommended cost.
    # Rate limits are tested on a server of their own (tests/test_security_limits.py); here they
    # would only trip tests that post quickly.
    return replace(settings, argon2_memory_kib=1024, argon2_time_cost=1, rate_posts_per_minute=100_000,
                   rate_uploads_per_minute=100_000, rate_searches_per_minute=100_000)


class Client:
    """One user's HTTP client: its own cookie jar, and the CSRF header once signed in."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30)
        self.user: dict | None = None

    async def sign_in(self, email: str, password: str) -> httpx.Response:
        response = await self.http.post("/api/session", json={"email": email, "password": password})
        if response.status_code == 200:
            self.adopt_session(response)
        return response

    def adopt_session(self, response: httpx.Response) -> None:
        body = response.json()
        self.user = body["user"]
        self.http.headers["X-CSRF-Token"] = body["csrf_token"]

    async def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        return await self.http.request(method, path, **kwargs)

    async def get(self, path: str, **kwargs) -> httpx.Response:
        return await self.http.get(path, **kwargs)

    async def post(self, path: str, json=None, **kwargs) -> httpx.Response:
        return await self.http.post(path, json=json, **kwargs)

    async def patch(self, path: str, json=None, **kwargs) -> httpx.Response:
        return await self.http.patch(path, json=json, **kwargs)

    async def put(self, path: str, json=None, **kwargs) -> httpx.Response:
        return await self.http.put(path, json=json, **kwargs)

    async def delete(self, path: str, **kwargs) -> httpx.Response:
        return await self.http.delete(path, **kwargs)

    async def close(self) -> None:
        await self.http.aclose()


def expect(response: httpx.Response, status: int) -> dict | list | None:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: " \
        f"expected {status}, got {response.status_code}: {response.text[:500]}"
    return response.json() if response.content else None


