"""What an admin sees of outgoing mail: whether a relay is configured, the backlog, failures and the
relay's last error, with the waiting mails (and their links, so a pilot without a relay still works).

Links of mails that act on someone's account (password reset, email change) are never shown: an
admin forwarding them by hand would hold the key to that account."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select

from server.db.models import MailOutbox, User
from server.mail import outbox
from server.services.access import require_admin

PRIVATE_KINDS = frozenset({"password_reset", "email_change", "email_change_notice"})
LISTED = 20
_LINK = re.compile(r"https?://[^\s<>\"')]+")


def links(row: MailOutbox) -> list[str]:
    if row.kind in PRIVATE_KINDS:
        return []
    found = dict.fromkeys(_LINK.findall(row.text_body or ""))
    return [link for link in found if "/unsubscribe/" not in link][:5]


def _brief(row: MailOutbox) -> dict:
    return {
        "id": row.id,
        "kind": row.kind,
        "to": row.to_address,
        "subject": row.subject,
        "state": row.state,
        "created_at": row.created_at.isoformat(),
        "attempts": row.attempts,
        "last_error": row.last_error,
        "links": links(row),
    }


async def for_admin(db, user: User, settings, node_error: Callable[[], str | None]) -> dict:
    """`node_error` is asked after the counts: a backlog read as empty never sits beside an error the
    sender cleared while the counts were being read."""
    require_admin(user)
    state = await outbox.stats(db)
    rows = await db.scalars(
        select(MailOutbox)
        .where(MailOutbox.state.in_(("queued", "failed")))
        .order_by(MailOutbox.id.desc())
        .limit(LISTED)
    )
    listed = [_brief(row) for row in rows]
    # This node's sender may not be the one leading: the newest error written to a row is shared.
    last_error = node_error() or await db.scalar(
        select(MailOutbox.last_error)
        .where(MailOutbox.state.in_(("queued", "failed")), MailOutbox.last_error.is_not(None))
        .order_by(MailOutbox.id.desc())
        .limit(1)
    )
    return {
        "configured": bool(settings.smtp_url),
        **state,
        "last_error": last_error,
        "mails": listed,
    }
