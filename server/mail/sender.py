"""The sender: delivers the outbox over SMTP, on one node at a time.

The leader holds a session advisory lock named by the relay. A row is marked `sent` only after the
relay's 250; a crash in between sends it again with the same Message-ID. Failures back off per row
(and the whole round when the relay is unreachable); 5xx refusals and rows past MAX_ATTEMPTS are
`failed`. Before each mail, what it shows is re-checked (permissions.why_not): a mail that may no
longer be sent is `cancelled`.

A round sends on CITYBRIDGE_MAIL_CONNECTIONS connections at once (lanes), each taking its share of
the due rows, re-checking them a few at a time in one session and marking each one `sent` as soon
as its 250 arrives: after a crash, at most one mail per lane arrives twice, with its Message-ID.

With no relay configured, every node writes the queued mails it sees as `.eml` files under
`<data>/mail/outbox/` and leaves them queued: a relay configured later still sends them."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import timedelta

import asyncpg
from sqlalchemy import select, update

from server.background import BackgroundWorker
from server.db.engine import asyncpg_dsn
from server.db.models import MailOutbox
from server.mail import metrics, outbox
from server.mail.permissions import why_not
from server.mail.transport import PermanentRefusal, SmtpRelay, TemporaryFailure, send_one, write_eml
from server.observability.foreground import Foreground
from server.services.accounts import now

log = logging.getLogger("citybridge.mail")

_LOCK_CLASS = 4  # changelog.py: 1, 2; search indexer: 3; mail: 4
MAX_ATTEMPTS = 12
BATCH = 50  # rows per lane and round
CHECKED_AT_ONCE = 10  # rows re-checked in one session, just before they are sent


_FINISH = """UPDATE mail_outbox SET state = $2::varchar, last_error = $3,
sent_at = CASE WHEN $2::varchar = 'sent' THEN now() END WHERE id = $1"""


def lock_key(name: str) -> tuple[int, int]:
    return _LOCK_CLASS, int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big", signed=True)


class Sender(BackgroundWorker):
    task_name = "mail-sender"

    def __init__(
        self, sessions, settings, database_url: str, *, poll_seconds: float = 1.0, foreground: Foreground | None = None
    ) -> None:
        self.sessions = sessions
        self.foreground = foreground or Foreground()
        self.settings = settings
        self.dsn = asyncpg_dsn(database_url)
        self.relay = SmtpRelay.from_url(settings.smtp_url) if settings.smtp_url else None
        self.eml_dir = settings.data_dir / "mail" / "outbox"
        self.poll_seconds = poll_seconds
        self.retry_base = settings.mail_retry_base_seconds
        super().__init__()
        self.last_error: str | None = None
        self._wake = asyncio.Event()
        self._marks: asyncpg.Pool | None = None  # the lanes' connections for marking rows done

    async def lead(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        try:
            if self.relay is not None:
                while not await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", *lock_key(self.relay.name)):
                    self.is_leader = False
                    await self._report()
                    await asyncio.sleep(self.poll_seconds * 5)
            self.is_leader = True
            await conn.add_listener(outbox.NOTIFY_CHANNEL, lambda *_: self._wake.set())
            while True:
                busy = await self.round()
                await self._report()
                if not busy:
                    self._wake.clear()
                    try:
                        await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
                    except TimeoutError:
                        pass
        finally:
            self.is_leader = False
            await conn.close()  # also releases the advisory lock
            if self._marks is not None:
                await self._marks.close()
                self._marks = None

    async def _report(self) -> None:
        async with self.sessions() as db:
            metrics.update(await outbox.stats(db))

    async def _write_files(self) -> None:
        async with self.sessions() as db:
            ids = (await db.scalars(select(MailOutbox.id).where(MailOutbox.state == "queued"))).all()
            missing = [i for i in ids if not (self.eml_dir / f"{i}.eml").exists()][:BATCH]
            if missing:
                for row in await db.scalars(select(MailOutbox).where(MailOutbox.id.in_(missing))):
                    write_eml(self.eml_dir, row.id, outbox.build(row, self.settings))

    async def _due(self, limit: int) -> list[MailOutbox]:
        async with self.sessions() as db:
            rows = await db.scalars(
                select(MailOutbox)
                .where(MailOutbox.state == "queued", MailOutbox.next_attempt_at <= now())
                .order_by(MailOutbox.id)
                .limit(limit)
            )
            return list(rows.all())

    async def round(self) -> bool:
        """Send (or write) what is due. True when there may be more right away."""
        if self.relay is None:
            await self._write_files()
            return False
        lanes = max(1, self.settings.mail_connections)
        rows = await self._due(BATCH * lanes)
        if not rows:
            return False
        if self._marks is None:
            self._marks = await asyncpg.create_pool(self.dsn, min_size=1, max_size=lanes)
        shares = [rows[n::lanes] for n in range(lanes) if rows[n::lanes]]
        # Every lane ends before the round does, even when one raises: they share the round's pool.
        outcomes = await asyncio.gather(*(self._lane(share) for share in shares), return_exceptions=True)
        if errors := [o for o in outcomes if isinstance(o, BaseException)]:
            raise errors[0]
        if all(outcomes):
            self.last_error = None
        return all(outcomes) and len(rows) == BATCH * lanes

    async def _lane(self, rows: list[MailOutbox]) -> bool:
        """One connection's share of a round, in order; False when the relay failed it."""
        try:
            async with self.relay.client() as client:
                for start in range(0, len(rows), CHECKED_AT_ONCE):
                    chunk = rows[start : start + CHECKED_AT_ONCE]
                    async with self.sessions() as db:
                        reasons = await why_not(db, [(row.user_id, row.refs or {}) for row in chunk])
                    for row, reason in zip(chunk, reasons, strict=True):
                        await self._deliver(client, row, reason)
        except TemporaryFailure:
            return False  # the relay is away: the row was rescheduled, the rest wait for the next round
        except Exception as error:  # connecting or greeting failed
            self.last_error = f"{type(error).__name__}: {error}"
            log.warning("mail relay %s unreachable: %s", self.relay.name, error)
            metrics.RELAY_ERRORS.inc()
            await self._reschedule(rows[0], self.last_error)
            return False
        return True

    async def _deliver(self, client, row: MailOutbox, reason: str | None) -> None:
        if reason is not None:
            await self._finish(row, "cancelled", reason)
            return
        await self.foreground.quiet()  # a request being answered goes first
        try:
            await send_one(client, outbox.build(row, self.settings))
        except PermanentRefusal as error:
            await self._finish(row, "failed", str(error))
            return
        except TemporaryFailure as error:
            self.last_error = str(error)
            metrics.RELAY_ERRORS.inc()
            await self._reschedule(row, str(error))
            raise
        # The relay took a mail: whatever error an earlier round (or another lane) met is over. Cleared
        # here too, not only after a round whose every lane succeeded: a round that sends the last mails
        # while a lane started before the relay came back fails would leave the error shown for good.
        # Cleared before the row is marked sent, so no one sees an empty backlog beside an old error.
        self.last_error = None
        await self._finish(row, "sent", None)
        metrics.SENT.inc()

    async def _finish(self, row: MailOutbox, state: str, error: str | None) -> None:
        # One statement on a plain connection: at the relay's pace this runs for every mail, and a
        # session's round trip through the ORM cost as much CPU as building the mail.
        async with self._marks.acquire() as conn:
            await conn.execute(_FINISH, row.id, state, error)

    async def _reschedule(self, row: MailOutbox, error: str) -> None:
        attempts = row.attempts + 1
        delay = min(3600.0, self.retry_base * 2 ** min(attempts - 1, 12))
        async with self.sessions() as db:
            await db.execute(
                update(MailOutbox)
                .where(MailOutbox.id == row.id)
                .values(
                    attempts=attempts,
                    last_error=error[:1000],
                    next_attempt_at=now() + timedelta(seconds=delay),
                    state="failed" if attempts >= MAX_ATTEMPTS else "queued",
                )
            )
            await db.commit()
