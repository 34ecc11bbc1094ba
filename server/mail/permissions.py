"""Whether a notification may still go out: checked when it is built and again just before sending."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Membership, Message, Space, User
from server.services.access import can_read


async def may_read(db: AsyncSession, user: User | None, space_id: int) -> bool:
    if user is None or user.deactivated_at is not None:
        return False
    row = (
        await db.execute(
            select(Space, Membership)
            .outerjoin(Membership, (Membership.space_id == Space.id) & (Membership.user_id == user.id))
            .where(Space.id == space_id)
        )
    ).first()
    return row is not None and can_read(user, row.Space, row.Membership)


async def readers(db: AsyncSession, users: list[User], space_id: int) -> set[int]:
    """The ids of `users` who may read the space: may_read for many, in two queries."""
    space = await db.get(Space, space_id)
    if space is None:
        return set()
    ids = [u.id for u in users]
    memberships = {
        m.user_id: m
        for m in await db.scalars(
            select(Membership).where(Membership.space_id == space_id, Membership.user_id.in_(ids))
        )
    }
    return {u.id for u in users if u.deactivated_at is None and can_read(u, space, memberships.get(u.id))}


async def visible_messages(db: AsyncSession, message_ids: list[int]) -> list[Message]:
    """The messages that are neither hidden nor deleted, in id order."""
    if not message_ids:
        return []
    rows = await db.scalars(
        select(Message)
        .where(Message.id.in_(message_ids), Message.hidden_at.is_(None), Message.deleted_at.is_(None))
        .order_by(Message.id)
    )
    return list(rows.all())


async def why_not(db: AsyncSession, user_id: int | None, refs: dict) -> str | None:
    """None when the recipient may still be shown everything the mail shows, else why not."""
    if user_id is None:
        return None
    user = await db.get(User, user_id)
    if user is None or user.deactivated_at is not None:
        return "recipient deactivated"
    space_id = refs.get("space_id")
    if space_id is not None and not await may_read(db, user, space_id):
        return "recipient can no longer read the space"
    for other in refs.get("space_ids") or ():  # a digest: every space it shows
        if not await may_read(db, user, other):
            return "recipient can no longer read a space the mail shows"
    wanted = refs.get("message_ids") or []
    if wanted and len(await visible_messages(db, wanted)) < len(wanted):
        return "a message it shows was hidden or deleted"
    return None
