"""Batched mentions and replies (Mattermost-style): a user with a batching interval gets one mail
per interval listing what waited, instead of one mail per message.

The notifier parks each mention or reply in `mail_pending`; once the oldest has waited the user's
interval, the batch becomes one outbox row (its dedupe key names the first pending row, so running
twice writes one mail). People active in the browser in that space are not mailed what they are
seeing live (presence, realtime/presence.py, which every node knows about every node): their
pending rows are dropped. Hidden and deleted messages are left out when the batch is built, and
the sender re-checks every message just before sending."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from server.db.models import MailPending, NotificationSettings, Space, Thread, User
from server.mail import compose, outbox
from server.mail.permissions import may_read, visible_messages
from server.mail.templates import message_html, render


async def park(db, user_id: int, kind: str, message_id: int) -> None:
    await db.execute(
        insert(MailPending).values(user_id=user_id, kind=kind, message_id=message_id).on_conflict_do_nothing()
    )


async def flush(db, settings, now: dt.datetime, online: Callable[[int, int], bool] | None = None) -> int:
    """Turn every batch whose interval is over into one mail; returns how many were written."""
    oldest = func.min(MailPending.created_at)
    interval = func.make_interval(0, 0, 0, 0, 0, NotificationSettings.batch_minutes)
    due = (
        await db.scalars(
            select(MailPending.user_id)
            .join(NotificationSettings, NotificationSettings.user_id == MailPending.user_id)
            .group_by(MailPending.user_id, NotificationSettings.batch_minutes)
            .having(oldest + interval <= now)
            .limit(500)
        )
    ).all()
    written = 0
    for user_id in due:
        written += await _one(db, settings, user_id, online)
    return written


async def _one(db, settings, user_id: int, online) -> int:
    pending = (
        await db.scalars(select(MailPending).where(MailPending.user_id == user_id).order_by(MailPending.id))
    ).all()
    await db.execute(delete(MailPending).where(MailPending.id.in_([p.id for p in pending])))
    user = await db.get(User, user_id)
    kinds = {p.message_id: p.kind for p in pending}
    items = []
    for message in await visible_messages(db, list(kinds)):
        if not await may_read(db, user, message.space_id):
            continue
        if online is not None and online(message.space_id, user_id):
            continue  # they see it live in the browser
        thread = await db.get(Thread, message.thread_id)
        space = await db.get(Space, message.space_id)
        author = await db.get(User, message.author_id) if message.author_id else None
        items.append(
            {
                "kind": kinds[message.id],
                "message_id": message.id,
                "space_id": space.id,
                "space": space.name,
                "thread": thread.title,
                "author": author.name if author else "?",
                "body_text": message.body,
                "body_html": message_html(message.html),
                "link": f"{compose.origin(settings)}/threads/{thread.id}",
            }
        )
    if not items:
        return 0
    url, headers = compose.unsubscribe_headers(settings, user.id, None)
    rendered = render(
        "batch", user.locale, "batch.subject", subject_values={"count": len(items)}, items=items, unsubscribe_url=url
    )
    row = await outbox.enqueue(
        db,
        settings,
        kind="batch",
        to=user.email,
        rendered=rendered,
        user_id=user.id,
        headers=headers,
        refs={"space_ids": sorted({i["space_id"] for i in items}), "message_ids": [i["message_id"] for i in items]},
        dedupe_key=f"batch:{user.id}:{pending[0].id}",
    )
    return int(row is not None)
