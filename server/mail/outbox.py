"""The outbox: mails waiting to be sent, written in the transaction of the change that causes them.

A row is turned into a MIME message only when it is sent (`build`, its bytes), with the Message-ID fixed at
insert time. NOTIFY `citybridge_mail` wakes the sender once the writing transaction commits."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from email.utils import format_datetime, formataddr, getaddresses, parseaddr

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import MailOutbox
from server.mail.templates import Rendered, one_line

NOTIFY_CHANNEL = "citybridge_mail"


def mail_domain(settings) -> str:
    if settings.mail_domain:
        return settings.mail_domain
    address = parseaddr(settings.mail_from)[1]
    return address.rpartition("@")[2] or "localhost"


def valid_address(address: str) -> bool:
    """One plain address, no display name, nothing a header could be smuggled in with."""
    if not address or any(c in address for c in '\r\n,;<>"()') or len(address) > 254:
        return False
    parsed = getaddresses([address])
    return len(parsed) == 1 and parsed[0][1] == address and address.count("@") == 1


async def enqueue(
    db: AsyncSession,
    settings,
    *,
    kind: str,
    to: str,
    rendered: Rendered,
    user_id: int | None = None,
    headers: dict | None = None,
    refs: dict | None = None,
    dedupe_key: str | None = None,
) -> int | None:
    """Add a mail to the outbox; None when `dedupe_key` was already written (or the address is unusable)."""
    mail = {"kind": kind, "to": to, "rendered": rendered, "user_id": user_id, "headers": headers}
    written = await enqueue_many(db, settings, [{**mail, "refs": refs, "dedupe_key": dedupe_key}])
    return written[0] if written else None


async def enqueue_many(db: AsyncSession, settings, mails: list[dict]) -> list[int]:
    """Add many mails in one statement (each a dict of `enqueue`'s keyword arguments, and optionally
    `not_before`, a datetime before which it is not sent); the ids written."""
    values = [
        {
            "message_id": f"<{uuid.uuid4().hex}@{mail_domain(settings)}>",
            "dedupe_key": mail.get("dedupe_key"),
            "kind": mail["kind"],
            "user_id": mail.get("user_id"),
            "to_address": mail["to"],
            "subject": mail["rendered"].subject,
            "text_body": mail["rendered"].text,
            "html_body": mail["rendered"].html,
            "headers": mail.get("headers") or {},
            "refs": mail.get("refs") or {},
        }
        for mail in mails
        if valid_address(mail["to"])
    ]
    if not values:
        return []
    if any(mail.get("not_before") for mail in mails):  # held back (server/mail/direct.py); one shape for all rows
        kept = [mail for mail in mails if valid_address(mail["to"])]
        for value, mail in zip(values, kept, strict=True):
            value["next_attempt_at"] = mail.get("not_before") or datetime.now(UTC)
    statement = insert(MailOutbox).values(values).on_conflict_do_nothing().returning(MailOutbox.id)
    written = list((await db.scalars(statement)).all())
    if written:
        await db.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})
    return written


@dataclass(frozen=True)
class Built:
    """An outbox row as it goes on the wire: the envelope and the message's bytes."""

    sender: str
    recipient: str
    data: bytes


def _header(value: str, limit: int = 250) -> str | Header:
    """A header value on one line; RFC 2047-encoded when it is not ASCII."""
    value = one_line(value, limit)
    return value if value.isascii() else Header(value, "utf-8")


def _boundary() -> str:
    """A boundary that no part can contain: the parts are base64 (no "-" or "_" in its alphabet).
    Chosen here because the generator's own choice compiles a new regular expression per mail to
    check the text for it; short enough for the Content-Type line to stay under 78 characters."""
    return f"=_cb-{uuid.uuid4().hex[:24]}"


class _Wire(Compat32):
    """compat32, except that an ASCII header value that fits on a 78-character line is written as
    it is: compat32 runs every header through `Header.encode`, half of the CPU of `build`. Longer
    or non-ASCII values (already `Header` objects, see `_header`) are folded as before."""

    def _fold(self, name, value, sanitize):
        if isinstance(value, str) and value.isascii() and len(name) + len(value) <= 76:
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


_WIRE = _Wire()


def _text_part(body: str, subtype: str) -> MIMEText:
    part = MIMEText(body, subtype, "utf-8")
    del part["MIME-Version"]  # said once, at the top
    return part


@functools.lru_cache(maxsize=8)
def _from(mail_from: str) -> tuple[str, str]:
    """CITYBRIDGE_MAIL_FROM as (display name, envelope sender), parsed once."""
    name, address = parseaddr(mail_from)
    user, _, domain = address.partition("@")
    return one_line(name), f"{user or 'citybridge'}@{domain or 'localhost'}"


def build(row, settings) -> Built:
    """The MIME message of an outbox row: multipart/alternative, text first, then HTML (with an
    event's .ics, multipart/mixed around it).

    Built with the email package's compat32 API: the same wire format as `EmailMessage` with the
    default policy, at about a third of the CPU (its header registry parses every header it is
    given), which is what bounds the sender's mails per second (bench/mail.py --case digest)."""
    name, sender = _from(settings.mail_from)
    parts = [_text_part(row.text_body, "plain"), _text_part(row.html_body, "html")]
    body = MIMEMultipart("alternative", _boundary(), _subparts=parts)
    refs = row.refs or {}
    if refs.get("ics"):  # an event's change or cancellation (mail/event_mails.py)
        invite = _text_part(refs["ics"], "calendar")
        invite.set_param("method", refs.get("ics_method", "REQUEST"))
        invite.add_header("Content-Disposition", "attachment", filename="event.ics")
        del body["MIME-Version"]
        message = MIMEMultipart("mixed", _boundary(), _subparts=[body, invite])
    else:
        message = body
    message["From"] = formataddr((name, sender), "utf-8")
    message["To"] = row.to_address
    message["Subject"] = _header(row.subject)
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(row.created_at)
    message["Auto-Submitted"] = "auto-generated"
    for key, value in (row.headers or {}).items():
        message[key] = _header(str(value), 900)
    return Built(sender=sender, recipient=row.to_address, data=message.as_bytes(policy=_WIRE))


_STATS = text("""
SELECT count(*) FILTER (WHERE state = 'queued') AS queued,
       count(*) FILTER (WHERE state = 'sent') AS sent,
       count(*) FILTER (WHERE state = 'failed') AS failed,
       coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE state = 'queued')), 0) AS oldest
FROM mail_outbox
""")


async def stats(db: AsyncSession) -> dict:
    row = (await db.execute(_STATS)).one()
    return {"queued": row.queued, "sent": row.sent, "failed": row.failed, "oldest_queued_seconds": int(row.oldest)}
