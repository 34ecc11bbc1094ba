"""Direct messages by mail (issue 15): what Zulip calls missed-message emails.

A direct message becomes one outbox row per other current participant, held back until
`CITYBRIDGE_MAIL_DIRECT_DELAY_SECONDS` have passed (or the person's own batching interval, when
longer). When the sender picks it up it checks again (server/mail/permissions.py::why_not): a
participant who has left, been deactivated, or has read the conversation up to that message in the
browser by then gets nothing. Only participants ever receive a conversation's text; an admin who
is not one is never a recipient.

Preferences: the person's default level applies ("none" stops these mails); a conversation belongs to
no space, so the per-space levels do not. The one-click unsubscribe link of such a mail sets the
default level to "none" (every notification), which the mail says.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server.db.models import Conversation, ConversationMessage, ConversationParticipant, User
from server.mail import compose, outbox, preferences
from server.mail.events_in import Direct
from server.mail.templates import message_html, render


def _people(participants: list[User], recipient: User) -> str:
    return ", ".join(p.name for p in participants if p.id != recipient.id) or recipient.name


async def notify(db, settings, direct: Direct) -> None:
    """Write the delayed mails of one direct message (deduplicated per message and recipient)."""
    message = await db.get(ConversationMessage, direct.message_id)
    conversation = await db.get(Conversation, direct.conversation_id)
    if message is None or conversation is None:
        return
    participants = list(
        (
            await db.scalars(
                select(User)
                .join(ConversationParticipant, ConversationParticipant.user_id == User.id)
                .where(
                    ConversationParticipant.conversation_id == conversation.id,
                    ConversationParticipant.left_at.is_(None),
                    User.deactivated_at.is_(None),
                )
                .order_by(User.id)
            )
        ).all()
    )
    author = next((p for p in participants if p.id == direct.author_id), None)
    if author is None and direct.author_id is not None:
        author = await db.get(User, direct.author_id)
    recipients = [p for p in participants if p.id != direct.author_id]
    prefs_of = await preferences.load_many(db, [r.id for r in recipients])
    delay = settings.mail_direct_delay_seconds
    link = f"{compose.origin(settings)}/conversations/{conversation.id}"
    mails = []
    for recipient in recipients:
        prefs = prefs_of[recipient.id]
        if prefs["default_level"] == "none":
            continue
        wait = max(delay, prefs["batch_minutes"] * 60)
        url, headers = compose.unsubscribe_headers(settings, recipient.id, None)
        name = author.name if author else "?"
        titled = bool(conversation.title)
        rendered = render(
            "direct",
            recipient.locale,
            "direct.subject_titled" if titled else "direct.subject",
            subject_values={"author": name, "title": conversation.title},
            author=name,
            people=_people(participants, recipient),
            body_text=message.body,
            body_html=message_html(message.html),
            link=link,
            minutes=max(1, round(wait / 60)),
            unsubscribe_url=url,
        )
        mails.append(
            {
                "kind": "direct",
                "to": recipient.email,
                "rendered": rendered,
                "user_id": recipient.id,
                "headers": headers,
                "refs": {"conversation_id": conversation.id, "direct_message_ids": [message.id]},
                "dedupe_key": f"dm:{message.id}:{recipient.id}",
                "not_before": datetime.now(UTC) + timedelta(seconds=wait),
            }
        )
    await outbox.enqueue_many(db, settings, mails)
