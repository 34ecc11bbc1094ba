"""Replies that quote an earlier message of their thread: checking the quoted message, and the
small quote (author, excerpt) a reply carries. A hidden or deleted message is quoted as
unavailable, for every reader: a quote never shows text its own message no longer shows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Message, User
from server.errors import Invalid, problem
from server.markdown import plain_text
from server.services.views import user_brief

EXCERPT_CHARS = 160


def unavailable(message_id: int) -> dict:
    return {"id": message_id, "available": False, "author": None, "excerpt": ""}


def quote_view(message: Message, author: User | None) -> dict:
    if message.deleted_at is not None or message.hidden_at is not None:
        return unavailable(message.id)
    text = plain_text(message.html)
    excerpt = text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"
    return {"id": message.id, "available": True, "author": user_brief(author), "excerpt": excerpt}


async def check_reply_to(db: AsyncSession, thread_id: int, reply_to: int) -> None:
    """The quoted message must be a shown message of the same thread."""
    quoted = await db.scalar(select(Message).where(Message.id == reply_to))
    if quoted is None or quoted.deleted_at is not None:
        raise Invalid("No such message to reply to.", fields={"reply_to": problem("not_found")})
    if quoted.thread_id != thread_id:
        raise Invalid("The quoted message is in another thread.", fields={"reply_to": problem("not_in_thread")})
    if quoted.hidden_at is not None:
        raise Invalid("The quoted message was hidden by a moderator.", fields={"reply_to": problem("hidden")})


async def quotes_of(db: AsyncSession, messages: list[Message]) -> dict[int, dict]:
    """message id -> the quote it carries, for those of `messages` that reply to another."""
    return await quotes_for(db, {m.id: m.reply_to_id for m in messages if m.reply_to_id is not None})


async def quotes_for(db: AsyncSession, replies: dict[int, int]) -> dict[int, dict]:
    """message id -> its quote, for replies given as {message id: id of the message it quotes}."""
    if not replies:
        return {}
    rows = await db.execute(
        select(Message, User).outerjoin(User, User.id == Message.author_id).where(Message.id.in_(set(replies.values())))
    )
    quoted = {m.id: quote_view(m, u) for m, u in rows}
    return {message_id: quoted.get(to, unavailable(to)) for message_id, to in replies.items()}
