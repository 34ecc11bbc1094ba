"""A real SMTP server for tests (aiosmtpd on a free port) and helpers to read what it received."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import time
from collections.abc import Callable
from email.message import EmailMessage
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller

from tests.harness import free_port


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.sink.received.append(message)
        if self.sink.on_receipt is not None:
            self.sink.on_receipt(message)  # before the 250: a test may kill the sending node here
        return "250 OK"


class SmtpSink:
    """aiosmtpd in its own thread; `stop()` and `start()` simulate a relay outage on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[EmailMessage] = []
        self.controller: Controller | None = None
        self.on_receipt: Callable[[EmailMessage], None] | None = None

    def start(self) -> SmtpSink:
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def to(self, address: str, about: str = "") -> list[EmailMessage]:
        """Mails to `address` whose subject contains `about` (the world fixture's invitations arrive too)."""
        return [m for m in self.received if m["To"] == address and about in m["Subject"]]

    async def wait_for(self, address: str, count: int = 1, about: str = "", timeout: float = 15) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.to(address, about)) < count:
            assert time.monotonic() < deadline, f"no mail to {address} within {timeout}s: {self.received}"
            await asyncio.sleep(0.05)
        return self.to(address, about)


def parts(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML parts of a multipart/alternative mail."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def link_path(message: EmailMessage, prefix: str) -> str:
    """The path of the first link in the text part that starts with `prefix` (e.g. "/reset/")."""
    text, _ = parts(message)
    for url in re.findall(r"https?://\S+", text):
        path = urlsplit(url).path
        if path.startswith(prefix):
            return path
    raise AssertionError(f"no {prefix} link in:\n{text}")
