"""Whether a notification may still go out: checked when it is built and again just before sending."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import ConversationMessage, ConversationParticipant, Membership, Message, Space, User
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


async def why_not(db: AsyncSession, mails: list[tuple[int | None, dict]]) -> list[str | None]:
    """For each (recipient id, refs): None when they may still be shown everything the mail shows,
    else why not. Six queries whatever the number of mails."""
    user_ids = {user_id for user_id, _ in mails if user_id is not None}
    space_ids = {s for _, refs in mails for s in [refs.get("space_id"), *(refs.get("space_ids") or ())] if s}
    message_ids = {m for _, refs in mails for m in refs.get("message_ids") or ()}
    users = {u.id: u for u in await db.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    spaces = {s.id: s for s in await db.scalars(select(Space).where(Space.id.in_(space_ids)))} if space_ids else {}
    memberships = (
        {
            (m.user_id, m.space_id): m
            for m in await db.scalars(
                select(Membership).where(Membership.user_id.in_(user_ids), Membership.space_id.in_(space_ids))
            )
        }
        if user_ids and space_ids
        else {}
    )
    visible = {m.id for m in await visible_messages(db, sorted(message_ids))}
    conversation_ids = {refs["conversation_id"] for _, refs in mails if refs.get("conversation_id")}
    direct_ids = {m for _, refs in mails for m in refs.get("direct_message_ids") or ()}
    kept = (
        set(await db.scalars(select(ConversationMessage.id).where(ConversationMessage.id.in_(direct_ids))))
        if direct_ids
        else set()
    )
    seats = (
        {
            (p.user_id, p.conversation_id): p
            for p in await db.scalars(
                select(ConversationParticipant).where(
                    ConversationParticipant.user_id.in_(user_ids),
                    ConversationParticipant.conversation_id.in_(conversation_ids),
                )
            )
        }
        if user_ids and conversation_ids
        else {}
    )

    def readable(user: User, space_id: int) -> bool:
        space = spaces.get(space_id)
        return space is not None and can_read(user, space, memberships.get((user.id, space_id)))

    def reason(user_id: int | None, refs: dict) -> str | None:
        if user_id is None:
            return None
        user = users.get(user_id)
        if user is None or user.deactivated_at is not None:
            return "recipient deactivated"
        if refs.get("space_id") is not None and not readable(user, refs["space_id"]):
            return "recipient can no longer read the space"
        if not all(readable(user, other) for other in refs.get("space_ids") or ()):
            return "recipient can no longer read a space the mail shows"
        if not all(m in visible for m in refs.get("message_ids") or ()):
            return "a message it shows was hidden or deleted"
        if refs.get("conversation_id") is not None:
            seat = seats.get((user.id, refs["conversation_id"]))
            if seat is None or seat.left_at is not None:
                return "recipient is no longer a participant of the conversation"
            if seat.last_read_message_id >= max(refs.get("direct_message_ids") or [0]):
                return "read in the browser"
            if not all(m in kept for m in refs.get("direct_message_ids") or ()):
                return "a direct message it shows was deleted"
        return None

    return [reason(user_id, refs) for user_id, refs in mails]
