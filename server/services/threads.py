"""Threads in a space: starting them (with their first message), listing, renaming, pinning, locking."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db import driver
from server.db.models import Thread, User
from server.errors import Forbidden
from server.services import audit, changelog, messages
from server.services.access import space_access
from server.services.thread_access import thread_access
from server.services.views import brief_of_row, thread_view, thread_view_of_row


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


# A space's page of threads, in one statement sent straight to asyncpg (server/db/driver.py): built
# per call, the ORM select of threads with two aliased users cost more CPU than running it, and
# loading two whole users per thread more again (py-spy under bench/load.py). Pinned first, then the
# most recently active; each with its author and who wrote its newest shown message: hidden and
# deleted messages do not count, since naming their author would tell of them.
_THREADS = """
SELECT t.id, t.space_id, t.title, t.themes, t.pinned, t.locked, t.created_at, t.last_activity_at, t.author_id,
       a.name AS author_name, a.handle AS author_handle, a.city_id AS author_city_id,
       r.id AS replier_id, r.name AS replier_name, r.handle AS replier_handle, r.city_id AS replier_city_id
FROM threads t
LEFT JOIN users a ON a.id = t.author_id
LEFT JOIN users r ON r.id = (
    SELECT m.author_id FROM messages m
    WHERE m.thread_id = t.id AND m.deleted_at IS NULL AND m.hidden_at IS NULL
    ORDER BY m.id DESC LIMIT 1)
WHERE t.space_id = $1 {after}
ORDER BY t.pinned DESC, t.last_activity_at DESC, t.id DESC
LIMIT $2
"""
_FIRST_THREADS = _THREADS.format(after="")
_NEXT_THREADS = _THREADS.format(after="AND (t.pinned, t.last_activity_at, t.id) < ($3, $4, $5)")


async def list_threads(db: AsyncSession, actor: User, space_id: int, *, after: tuple | None, limit: int) -> list[dict]:
    """Pinned threads first, then the most recently active, each with who wrote its newest shown
    message (`last_replier`). `after` is the (pinned, last_activity_at, id) of the last thread of
    the previous page."""
    await space_access(db, actor, space_id)
    connection = await driver.connection(db)
    if after is None:
        rows = await connection.fetch(_FIRST_THREADS, space_id, limit)
    else:
        pinned, at, thread_id = after
        rows = await connection.fetch(_NEXT_THREADS, space_id, limit, pinned, datetime.fromisoformat(at), thread_id)
    return [{**thread_view_of_row(row), "last_replier": brief_of_row(row, "replier_id", "replier_")} for row in rows]


async def get(db: AsyncSession, actor: User, thread_id: int) -> dict:
    thread, _ = await thread_access(db, actor, thread_id)
    author = await db.get(User, thread.author_id) if thread.author_id else None
    return thread_view(thread, author)


async def update(db: AsyncSession, actor: User, thread_id: int, changes: dict) -> dict:
    """The author or a moderator renames and re-themes; only moderators pin and lock."""
    thread, access = await thread_access(db, actor, thread_id, for_update=True)
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
