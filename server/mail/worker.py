"""Mail in a process of its own: the sender, the digests and the event reminders, beside the web server.

Building and sending mail is CPU work (rendering, MIME); on the web server's event loop it slows
requests while a digest round or a large fan-out runs (docs/mail.md, "Speed"). With
CITYBRIDGE_MAIL_WORKER=process (or `auto` on a machine with more than one core), `serve` starts
`citybridge mail-worker` beside itself and restarts it if it dies, and the web server keeps only
the notifier (it needs this node's presence, to skip people active in the browser) and the inbound
gateway. The workers lead through the same advisory locks as on any node, so the worker process is
only another node as far as mail goes; the outbox is their only channel.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
import time

from server.background import BackgroundWorker
from server.mail import metrics, outbox
from server.mail.digest import Digester
from server.mail.milestones import MilestoneFlags
from server.mail.reminders import EventReminders
from server.mail.sender import Sender

log = logging.getLogger("citybridge.mail")

RESTART_PAUSE = (1.0, 30.0)  # seconds before restarting a worker that died: first, most
PARENT_ENV = "CITYBRIDGE_MAIL_WORKER_PARENT"  # set by Supervisor: the pid of the `serve` to outlive


def in_app(settings) -> bool:
    """Whether the web server itself sends (inline); `auto` means inline unless `serve` decided."""
    return settings.mail_worker != "process"


def resolve(setting: str) -> str:
    """`auto`: a process of its own when there is a second core for it, else inline."""
    if setting != "auto":
        return setting
    return "process" if (os.cpu_count() or 1) > 1 else "inline"


def workers(sessions, settings, database_url: str) -> list[BackgroundWorker]:
    """The mail work that can run away from the web server, in the order they start."""
    return [
        Sender(sessions, settings, database_url),
        Digester(sessions, settings, database_url),
        EventReminders(sessions, settings),
        MilestoneFlags(sessions, settings),
    ]


async def run_alone(settings, database_url: str) -> None:
    """`citybridge mail-worker`: the workers until SIGTERM or SIGINT."""
    from server.db.engine import create_engine, session_factory

    engine = create_engine(database_url, pool_size=4)
    running = workers(session_factory(engine), settings, database_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    parent = os.environ.get(PARENT_ENV)
    watch = asyncio.create_task(_outlive_no(int(parent), stop)) if parent else None
    for worker in running:
        worker.start()
    try:
        await stop.wait()
    finally:
        if watch is not None:
            watch.cancel()
        for worker in reversed(running):
            await worker.stop()
        await engine.dispose()


async def _outlive_no(parent: int, stop: asyncio.Event) -> None:
    """Stop when the `serve` that started this worker is gone, even killed with -9 (no orphans)."""
    while os.getppid() == parent:  # noqa: ASYNC110 (a parent's death sets no event here: look each second)
        await asyncio.sleep(1)
    log.warning("the server that started this mail worker is gone: stopping")
    stop.set()


class Gauges(BackgroundWorker):
    """On a web server whose mail runs elsewhere: the outbox's state in this node's /metrics."""

    task_name = "mail-gauges"

    def __init__(self, sessions, every: float = 5.0) -> None:
        self.sessions = sessions
        self.every = every
        super().__init__()

    async def lead(self) -> None:
        while True:
            async with self.sessions() as db:
                metrics.update(await outbox.stats(db))
            await asyncio.sleep(self.every)


class Supervisor:
    """Runs `citybridge mail-worker` beside `serve`: started with it, restarted when it dies (after
    a pause that grows while it keeps dying), stopped with it."""

    def __init__(self, database_url: str) -> None:
        self.env = {**os.environ, "DATABASE_URL": database_url, PARENT_ENV: str(os.getpid())}
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="mail-worker-supervisor", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        command = [sys.executable, "-c", "from server.cli import main; main()", "mail-worker"]
        self.process = subprocess.Popen(command, env=self.env)

    def _watch(self) -> None:
        pause = RESTART_PAUSE[0]
        while not self._stopping.is_set():
            started = time.monotonic()
            code = self.process.wait()
            if self._stopping.is_set():
                return
            pause = RESTART_PAUSE[0] if time.monotonic() - started > 60 else min(pause * 2, RESTART_PAUSE[1])
            log.warning("the mail worker exited with %s; restarting it in %.0f s", code, pause)
            if self._stopping.wait(pause):
                return
            self._spawn()

    def stop(self, timeout: float = 15.0) -> None:
        self._stopping.set()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
