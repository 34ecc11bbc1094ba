"""The bench's SMTP relay: aiosmtpd in a process of its own, as a real relay is on another machine.

In the bench's own process it would share the GIL with the app under test (which runs in a thread
of the bench), and its message parsing and timers would be counted against Citybridge's sender.
The relay answers MAIL, RCPT and the end of DATA after `rtt` seconds (DATA's own 354 counts twice),
so each mail costs the four round trips an unpipelined SMTP client waits for on a real network; the
round-trip time can change between cases. For each mail it reports (recipient, CLOCK_MONOTONIC
time of receipt) back over a pipe: the monotonic clock is the same in every process of a machine.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time
from collections.abc import Callable

from tests.harness import free_port


class _Handler:
    def __init__(self, rtt, report) -> None:
        self.rtt = rtt
        self.report = report

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        await asyncio.sleep(self.rtt.value)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(self.rtt.value)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(2 * self.rtt.value)
        received = time.monotonic()
        for address in envelope.rcpt_tos:
            self.report.send((address, received))
        return "250 OK"


def _serve(port: int, rtt, report, ready) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(_Handler(rtt, report), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    threading.Event().wait()  # until the parent terminates the process


_SPAWN = multiprocessing.get_context("spawn")  # a clean child, whatever threads this process runs


class RelayProcess:
    """`on_receipt(address, monotonic_time)` is called in a reader thread of this process."""

    def __init__(self) -> None:
        self.port = free_port()
        self._rtt = _SPAWN.Value("d", 0.0)
        self.on_receipt: Callable[[str, float], None] | None = None
        self._process: multiprocessing.Process | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def rtt(self) -> float:
        return self._rtt.value

    @rtt.setter
    def rtt(self, seconds: float) -> None:
        self._rtt.value = seconds

    def start(self) -> RelayProcess:
        receive, send = _SPAWN.Pipe(duplex=False)
        ready = _SPAWN.Event()
        self._process = _SPAWN.Process(target=_serve, args=(self.port, self._rtt, send, ready), daemon=True)
        self._process.start()
        if not ready.wait(30):
            raise RuntimeError("the bench relay did not start within 30 s")
        threading.Thread(target=self._read, args=(receive,), daemon=True).start()
        return self

    def _read(self, receive) -> None:
        while True:
            try:
                address, received = receive.recv()
            except (EOFError, OSError):
                return
            if self.on_receipt is not None:
                self.on_receipt(address, received)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join(10)
            self._process = None
