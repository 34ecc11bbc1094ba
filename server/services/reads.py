"""Read positions per user and thread, and the unread counts they give."""

from __future__ import annotations

from sqlalchemy import func, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import Mention, Message, ReadPosition, Space, Thread, User
from server.errors import Invalid, problem
from server.markdown import plain_text
from server.services import changelog
from server.services.access import readable_spaces_clause, space_access
from server.services.thread_access import thread_access
from server.services.views import iso, user_brief

EXCERPT_CHARS = 200


def _unread_query(user: User):
    """Per thread: unread messages (not mine, not deleted or hidden) and how many mention me."""
    position = (
        select(ReadPosition.message_id)
        .where(ReadPosition.user_id == user.id, ReadPosition.thread_id == Message.thread_id)
        .scalar_subquery()
    )
    mentioned = select(Mention.message_id).where(Mention.user_id == user.id, Mention.message_id == Message.id)
    return (
        select(
            Message.space_id,
            Message.thread_id,
            func.count().label("unread"),
            func.count().filter(mentioned.exists()).label("mentions"),
        )
        .where(
            Message.id > func.coalesce(position, literal(0)),
            Message.deleted_at.is_(None),
            Message.hidden_at.is_(None),
            Message.author_id.is_distinct_from(user.id),
        )
        .group_by(Message.space_id, Message.thread_id)
    )


async def mark_read(db: AsyncSession, user: User, thread_id: int, message_id: int) -> dict:
    """Move the user's read position in a thread forward to message_id (never backward).

    The change is also sent to the user's other sockets as a `read.updated` event,
    so a thread read on the phone stops counting as unread in the browser."""
    thread, _ = await thread_access(db, user, thread_id)
    in_thread = await db.scalar(select(Message.thread_id).where(Message.id == message_id))
    if in_thread != thread.id:
        raise Invalid(
            "This message is not in this thread.",
            code="not_in_thread",
            fields={"message_id": problem("not_in_thread")},
        )
    statement = insert(ReadPosition).values(user_id=user.id, thread_id=thread.id, message_id=message_id)
    statement = statement.on_conflict_do_update(
        index_elements=[ReadPosition.user_id, ReadPosition.thread_id],
        set_={
            "message_id": func.greatest(ReadPosition.message_id, statement.excluded.message_id),
            "updated_at": func.now(),
        },
    ).returning(ReadPosition.message_id)
    position = await db.scalar(statement)
    state = await thread_unread(db, user, thread, position)
    await changelog.record(db, events.ReadUpdated(**state), user_id=user.id)
    return state


async def thread_unread(db: AsyncSession, user: User, thread: Thread, position: int | None = None) -> dict:
    if position is None:
        position = await db.scalar(
            select(ReadPosition.message_id).where(ReadPosition.user_id == user.id, ReadPosition.thread_id == thread.id)
        )
    row = (await db.execute(_unread_query(user).where(Message.thread_id == thread.id))).first()
    return {
        "thread_id": thread.id,
        "space_id": thread.space_id,
        "last_read_message_id": position,
        "unread": row.unread if row else 0,
        "mentions": row.mentions if row else 0,
    }


async def thread_state(db: AsyncSession, user: User, thread_id: int) -> dict:
    thread, _ = await thread_access(db, user, thread_id)
    return await thread_unread(db, user, thread)


async def space_unread(db: AsyncSession, user: User, space_id: int) -> dict:
    """Unread and mention counts of a space and of each of its threads that has any."""
    await space_access(db, user, space_id)
    query = _unread_query(user).where(Message.space_id == space_id)
    rows = (await db.execute(query)).all()
    positions = (
        dict(
            (
                await db.execute(
                    select(ReadPosition.thread_id, ReadPosition.message_id).where(
                        ReadPosition.user_id == user.id, ReadPosition.thread_id.in_([r.thread_id for r in rows])
                    )
                )
            ).all()
        )
        if rows
        else {}
    )
    threads = sorted(
        (
            {
                "thread_id": r.thread_id,
                "space_id": space_id,
                "unread": r.unread,
                "mentions": r.mentions,
                "last_read_message_id": positions.get(r.thread_id),
            }
            for r in rows
        ),
        key=lambda t: t["thread_id"],
    )
    return {
        "space_id": space_id,
        "unread": sum(t["unread"] for t in threads),
        "mentions": sum(t["mentions"] for t in threads),
        "threads": threads,
    }


async def all_unread(db: AsyncSession, user: User) -> list[dict]:
    """Unread and mention totals of every space the user may read and has unread messages in."""
    readable = select(Space.id).where(readable_spaces_clause(user))
    counts = _unread_query(user).where(Message.space_id.in_(readable)).subquery()
    rows = (
        await db.execute(
            select(counts.c.space_id, func.sum(counts.c.unread), func.sum(counts.c.mentions))
            .group_by(counts.c.space_id)
            .order_by(counts.c.space_id)
        )
    ).all()
    return [{"space_id": s, "unread": int(u), "mentions": int(m)} for s, u, m in rows]


async def my_mentions(db: AsyncSession, user: User, *, before: int | None, limit: int) -> list[dict]:
    """The messages that mention the user, newest first, from spaces they may read now (the rule
    of access.can_read: a space left or suspended from drops out); hidden and deleted messages,
    and the user's own, are left out. `before` is the message id the previous page ended at."""
    position = (
        select(ReadPosition.message_id)
        .where(ReadPosition.user_id == user.id, ReadPosition.thread_id == Message.thread_id)
        .scalar_subquery()
    )
    query = (
        select(Message, Thread.title, Space.name, User, func.coalesce(position, literal(0)).label("read_up_to"))
        .join(Mention, (Mention.message_id == Message.id) & (Mention.user_id == user.id))
        .join(Thread, Thread.id == Message.thread_id)
        .join(Space, Space.id == Message.space_id)
        .outerjoin(User, User.id == Message.author_id)
        .where(
            readable_spaces_clause(user),
            Message.deleted_at.is_(None),
            Message.hidden_at.is_(None),
            Message.author_id.is_distinct_from(user.id),
        )
        .order_by(Message.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(Message.id < before)
    items = []
    for message, thread_title, space_name, author, read_up_to in (await db.execute(query)).all():
        text = plain_text(message.html)
        items.append(
            {
                "message_id": message.id,
                "thread_id": message.thread_id,
                "thread_title": thread_title,
                "space_id": message.space_id,
                "space_name": space_name,
                "author": user_brief(author),
                "excerpt": text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…",
                "created_at": iso(message.created_at),
                "unread": message.id > read_up_to,
            }
        )
    return items


__all__ = ["all_unread", "mark_read", "my_mentions", "space_unread", "thread_state"]
