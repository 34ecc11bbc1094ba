"""The servers bench/load.py starts by itself: `citybridge serve` with 1 or N workers, and the bare app
(bench/load_bare.py), on a database it prepares."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.realtime_clients import SERVER_CPU  # noqa: E402  (ROOT on the path first)
from bench.realtime_servers import Server  # noqa: E402


def _affinity(cpus: set[int]):
    return lambda: os.sched_setaffinity(0, cpus)


class Citybridge(Server):
    """`citybridge serve --workers n` (bench/realtime_servers.Server's ready() and stop()), rate limits off;
    one worker is pinned to SERVER_CPU, more may use every core."""

    def __init__(self, database_url: str, data_dir: Path, secret: str, workers: int) -> None:
        from server.services.ratelimit import LIMITS
        from tests.harness import free_port

        self.port = free_port()
        self.log_path = data_dir / f"server-{workers}w-{self.port}.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CITYBRIDGE_DATA": str(data_dir),
            "CITYBRIDGE_SECRET_KEY": secret,
            "CITYBRIDGE_ARGON2_MEMORY_KIB": "1024",
            "CITYBRIDGE_ARGON2_TIME_COST": "1",
            **{limit.env: "0" for limit in LIMITS.values()},
        }
        cpus = {SERVER_CPU} if workers == 1 else set(range(os.cpu_count() or 1))
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from server.cli import main; main()", "serve"]
            + ["--port", str(self.port), "--workers", str(workers)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=_affinity(cpus),
        )

    def stop(self) -> None:
        super().stop()
        self.log.close()


class Bare(Citybridge):
    """bench/load_bare.py on SERVER_CPU, the same database."""

    def __init__(self, database_url: str, data_dir: Path) -> None:
        from server.db.engine import asyncpg_dsn, to_asyncpg_url
        from tests.harness import free_port

        self.port = free_port()
        self.log_path = data_dir / f"bare-{self.port}.log"
        dsn = asyncpg_dsn(to_asyncpg_url(database_url))
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "load_bare.py"), dsn, str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=_affinity({SERVER_CPU}),
        )


async def create_admin(database_url: str, email: str, password: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    from server.auth import passwords
    from server.db.engine import session_factory
    from server.services import accounts

    passwords.configure(1024, 1)
    engine = create_async_engine(database_url)
    async with session_factory(engine)() as db:
        await accounts.create_user(db, email=email, name="Bench Admin", password=password, is_admin=True)
        await db.commit()
    await engine.dispose()


def postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
