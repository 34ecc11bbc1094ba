"""The inbound SMTP listener of reply by email (aiosmtpd), in the app's event loop or on its own
(`citybridge mail-gateway`).

Refusals come at the earliest step that can tell: an address that is not a valid, unexpired reply
address at RCPT, a mail over the size limit while it is received (aiosmtpd answers 552), and
everything else (the sender, access, an empty or unreadable reply, the rate limit) after DATA,
before anything is committed. A refused mail is bounced by the sending relay with our reason."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging

from aiosmtpd.smtp import SMTP, Envelope, Session

from server.mail import replies
from server.mail.outbox import mail_domain

log = logging.getLogger("citybridge.mail")


class ReplyHandler:
    def __init__(self, sessions, settings) -> None:
        self.sessions = sessions
        self.settings = settings
        self.domain = mail_domain(settings)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str, options) -> str:
        if envelope.rcpt_tos:
            return "452 4.5.3 One reply address per mail"
        try:
            replies.target(self.settings.secret_key, address, self.domain)
        except replies.Refused as refused:
            return refused.answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        try:
            found = replies.target(self.settings.secret_key, envelope.rcpt_tos[0], self.domain)
            mail = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
            async with self.sessions() as db:
                view = await replies.post(db, self.settings, found, mail, envelope.mail_from or "")
                await db.commit()
        except replies.Refused as refused:
            log.info("mail gateway: refused a reply: %s", refused.reason)
            return refused.answer
        except Exception:
            log.exception("mail gateway: a reply could not be handled")
            return "451 4.3.0 Temporary failure, try again later"
        log.info("mail gateway: posted message %s in thread %s", view["id"], found.thread_id)
        return "250 OK: posted"


class Gateway:
    """The listener; `start()` binds the port in the running loop, `stop()` closes it."""

    def __init__(self, sessions, settings, *, host: str | None = None, port: int | None = None) -> None:
        self.handler = ReplyHandler(sessions, settings)
        self.settings = settings
        self.host = host or settings.mail_inbound_host
        self.port = port or settings.mail_inbound_port
        self._server: asyncio.Server | None = None

    def _protocol(self) -> SMTP:
        return SMTP(
            self.handler,
            hostname=self.handler.domain,
            data_size_limit=self.settings.mail_inbound_max_bytes,
            enable_SMTPUTF8=True,
            ident="Citybridge reply gateway",
        )

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._protocol, self.host, self.port)
        log.info("mail gateway: listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None


async def serve_alone(settings, database_url: str, host: str, port: int) -> None:
    """`citybridge mail-gateway`: the listener without the web app, until interrupted."""
    from server.db.engine import create_engine, session_factory

    engine = create_engine(database_url, pool_size=2)
    gateway = Gateway(session_factory(engine), settings, host=host, port=port)
    try:
        await gateway.start()
        await asyncio.Event().wait()
    finally:
        await gateway.stop()
        await engine.dispose()
