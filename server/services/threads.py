"""Threads in a space: starting them (with their first message), listing, renaming, pinning, locking."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server import events
from server.db.models import Message, Thread, User
from server.errors import Forbidden
from server.services import audit, changelog, messages
from server.services.access import space_access
from server.services.views import thread_view, user_brief


async def start(
    db: AsyncSession, actor: User, space_id: int, fields: dict, *, max_chars: int = messages.MAX_CHARS
) -> dict:
    """Open a thread with its first message (members only)."""
    messages.check_body(fields["body"], max_chars)
    access = await space_access(db, actor, space_id)
    access.require_post()
    thread = Thread(space_id=space_id, title=fields["title"], themes=fields.get("themes", []), author_id=actor.id)
    db.add(thread)
    await db.flush()
    await db.refresh(thread)
    data = thread_view(thread, actor)
    await changelog.record(db, events.ThreadCreated(**data), space_id=space_id)
    first, _ = await messages.post(
        db, actor, thread, access, fields["body"], fields.get("client_id"), max_chars=max_chars
    )
    await db.refresh(thread)
    return {**thread_view(thread, actor), "first_message": first}


async def list_threads(db: AsyncSession, actor: User, space_id: int, *, after: tuple | None, limit: int) -> list[dict]:
    """Pinned threads first, then the most recently active, each with who wrote its newest shown
    message (`last_replier`). `after` is the (pinned, last_activity_at, id) of the last thread of
    the previous page."""
    await space_access(db, actor, space_id)
    key = tuple_(Thread.pinned, Thread.last_activity_at, Thread.id)
    # Hidden and deleted messages do not count: naming their author would tell of them.
    newest_author = (
        select(Message.author_id)
        .where(Message.thread_id == Thread.id, Message.deleted_at.is_(None), Message.hidden_at.is_(None))
        .order_by(Message.id.desc())
        .limit(1)
        .correlate(Thread)
        .scalar_subquery()
    )
    replier = aliased(User)
    query = (
        select(Thread, User, replier)
        .outerjoin(User, User.id == Thread.author_id)
        .outerjoin(replier, replier.id == newest_author)
        .where(Thread.space_id == space_id)
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(limit)
    )
    if after is not None:
        pinned, at, thread_id = after
        query = query.where(key < tuple_(pinned, datetime.fromisoformat(at), thread_id))
    return [{**thread_view(t, u), "last_replier": user_brief(r)} for t, u, r in (await db.execute(query)).all()]


async def get(db: AsyncSession, actor: User, thread_id: int) -> dict:
    thread, _ = await messages.thread_access(db, actor, thread_id)
    author = await db.get(User, thread.author_id) if thread.author_id else None
    return thread_view(thread, author)


async def update(db: AsyncSession, actor: User, thread_id: int, changes: dict) -> dict:
    """The author or a moderator renames and re-themes; only moderators pin and lock."""
    thread, access = await messages.thread_access(db, actor, thread_id, for_update=True)
    if "pinned" in changes or "locked" in changes:
        access.require_moderator()
    if ("title" in changes or "themes" in changes) and not (
        access.is_moderator or (thread.author_id == actor.id and access.can_post)
    ):
        raise Forbidden("Only the author or a moderator can edit this thread.", code="not_the_author")
    changed = [k for k in ("title", "themes", "pinned", "locked") if k in changes and getattr(thread, k) != changes[k]]
    for key in changed:
        setattr(thread, key, changes[key])
    author = await db.get(User, thread.author_id) if thread.author_id else None
    data = thread_view(thread, author)
    if changed:
        await db.flush()
        await changelog.record(db, events.ThreadUpdated(**data, changed=changed), space_id=thread.space_id)
    for key in ("pinned", "locked"):
        if key in changed:
            action = f"thread.{'' if changes[key] else 'un'}{'pinned' if key == 'pinned' else 'locked'}"
            await audit.record(db, actor, action, space_id=thread.space_id, target_kind="thread", target_id=thread.id)
    return data
