"""The outbox: mails waiting to be sent, written in the transaction of the change that causes them.

A row is turned into a MIME message only when it is sent (`build`), with the Message-ID fixed at
insert time. NOTIFY `citybridge_mail` wakes the sender once the writing transaction commits."""

from __future__ import annotations

import uuid
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr

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
    """Add many mails in one statement (each a dict of `enqueue`'s keyword arguments); the ids written."""
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
    statement = insert(MailOutbox).values(values).on_conflict_do_nothing().returning(MailOutbox.id)
    written = list((await db.scalars(statement)).all())
    if written:
        await db.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})
    return written


def build(row, settings) -> EmailMessage:
    """The MIME message of an outbox row: multipart/alternative, text first, then HTML."""
    message = EmailMessage()
    name, address = parseaddr(settings.mail_from)
    user, _, domain = address.partition("@")
    message["From"] = Address(one_line(name), user or "citybridge", domain or "localhost")
    message["To"] = row.to_address
    message["Subject"] = one_line(row.subject)
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(row.created_at)
    message["Auto-Submitted"] = "auto-generated"
    for key, value in (row.headers or {}).items():
        message[key] = one_line(str(value), 900)
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    refs = row.refs or {}
    if refs.get("ics"):  # an event's change or cancellation (mail/event_mails.py)
        params = {"method": refs.get("ics_method", "REQUEST")}
        message.add_attachment(refs["ics"], subtype="calendar", params=params, filename="event.ics")
    return message


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
