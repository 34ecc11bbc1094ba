"""A thread as a caller may see it: the thread, its space and the caller's membership, in one
statement straight to asyncpg (server/db/driver.py), made into the session's objects as the ORM loads
them (server/db/loaded.py). Through the ORM this look-up was a fifth of a post's CPU (py-spy, issue
21). The rule is access.can_read: a thread the caller may not read does not exist."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from server.db import driver, loaded
from server.db.models import Membership, Space, Thread, User
from server.errors import NotFound
from server.services.access import SpaceAccess, can_read


async def thread_access(
    db: AsyncSession, actor: User, thread_id: int, *, for_update: bool = False, missing: str = "No such thread."
) -> tuple[Thread, SpaceAccess]:
    """The thread and the actor's standing in its space; NotFound if they may not read it."""
    query = _THREAD_ACCESS_FOR_UPDATE if for_update else _THREAD_ACCESS
    return _access_of(db, actor, await (await driver.connection(db)).fetchrow(query, thread_id, actor.id), missing)


def _access_of(db: AsyncSession, actor: User, row, missing: str) -> tuple[Thread, SpaceAccess]:
    if row is None:
        raise NotFound(missing)
    thread = _THREAD.attach(db, row)
    space = _SPACE.attach(db, row, _THREAD.width)
    membership = _MEMBERSHIP.attach(db, row, _THREAD.width + _SPACE.width)
    if not can_read(actor, space, membership):
        raise NotFound(missing)
    return thread, SpaceAccess(space, membership, actor)


_THREAD, _SPACE, _MEMBERSHIP = loaded.Shape(Thread, "t"), loaded.Shape(Space, "s"), loaded.Shape(Membership, "m")
_STATEMENT = f"""
SELECT {_THREAD.select}, {_SPACE.select}, {_MEMBERSHIP.select}{{also}}
FROM threads t JOIN spaces s ON s.id = t.space_id
LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $2
WHERE t.id = $1
{{lock}}"""
_THREAD_ACCESS = _STATEMENT.format(also="", lock="")
_THREAD_ACCESS_FOR_UPDATE = _STATEMENT.format(also="", lock="FOR KEY SHARE OF t")
# For a post: and whether the author already used its client_id (a retry), and the new message's id
# and time (Slot), in the same round trip. No lock: it runs on its own (post_access).
_POST_ACCESS = _STATEMENT.format(
    also=", (SELECT 1 FROM messages WHERE author_id = $2 AND client_id = $3) IS NOT NULL, "
    "nextval('messages_id_seq'), now()",
    lock="",
)


class Slot(NamedTuple):
    """A new message's id and time, drawn before its row is written so that its event can be written
    in the same statement (messages.post): the time is the drawing transaction's now(), the row's
    default."""

    id: int
    created_at: datetime


class PostAccess(NamedTuple):
    thread: Thread
    access: SpaceAccess
    retried: bool  # the actor's client_id was used before
    slot: Slot  # the new message's id and time


async def post_access(db: AsyncSession, actor: User, thread_id: int, client_id: str | None) -> PostAccess:
    """thread_access for posting, whether the actor's `client_id` was used before (`post(...,
    retried=...)` then skips asking), and the new message's id and time (`post(..., slot=...)` then
    skips drawing them). One statement on its own, before any transaction: a post without mentions
    is then one more statement, its own transaction (messages.post). A thread deleted in between
    fails the message's foreign key, answered as a thread that does not exist."""
    row = await (await driver.connection_as_is(db)).fetchrow(_POST_ACCESS, thread_id, actor.id, client_id)
    thread, access = _access_of(db, actor, row, "No such thread.")
    return PostAccess(thread, access, row[-3], Slot(row[-2], row[-1]))
