"""Moderation of a space: hiding content, flags and their review queue, membership decisions.

Moderators of a space (and platform admins anywhere) act; every action writes an audit entry
and its change-log event in the caller's transaction.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import Flag, Membership, Message, Resource, User
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.services import audit, changelog, flags, library, messages, spaces
from server.services.access import space_access
from server.services.accounts import now
from server.services.views import member_view, user_brief

# --- hiding -----------------------------------------------------------------


async def hide_message(db: AsyncSession, actor: User, message_id: int, reason: str) -> dict:
    """Hide a message with a reason: moderators and its author still see it, others see that
    it is hidden."""
    message, _, access = await messages.message_access(db, actor, message_id)
    access.require_moderator()
    if message.hidden_at is None:
        await _hide_message(db, actor, message, reason)
    return await messages.full_view(db, message)


async def _hide_message(db: AsyncSession, actor: User, message: Message, reason: str) -> None:
    message.hidden_at, message.hidden_by, message.hidden_reason = now(), actor.id, reason
    await db.flush()
    await audit.record(
        db,
        actor,
        "message.hidden",
        space_id=message.space_id,
        target_kind="message",
        target_id=message.id,
        reason=reason,
        details={"thread_id": message.thread_id},
    )
    await changelog.record(
        db,
        events.MessageHidden(**await messages.full_view(db, message, reveal_hidden=False)),
        space_id=message.space_id,
    )


async def unhide_message(db: AsyncSession, actor: User, message_id: int) -> dict:
    message, _, access = await messages.message_access(db, actor, message_id)
    access.require_moderator()
    if message.hidden_at is not None:
        message.hidden_at = message.hidden_by = message.hidden_reason = None
        await db.flush()
        await audit.record(
            db,
            actor,
            "message.unhidden",
            space_id=message.space_id,
            target_kind="message",
            target_id=message.id,
            details={"thread_id": message.thread_id},
        )
        await changelog.record(
            db, events.MessageUnhidden(**await messages.full_view(db, message)), space_id=message.space_id
        )
    return await messages.full_view(db, message)


async def hide_resource(db: AsyncSession, actor: User, resource_id: int, reason: str) -> dict:
    resource, access = await library.resource_access(db, actor, resource_id, for_update=True)
    access.require_moderator()
    if resource.hidden_at is None:
        await _hide_resource(db, actor, resource, reason)
    return await library.get(db, actor, resource_id)


async def _hide_resource(db: AsyncSession, actor: User, resource: Resource, reason: str) -> None:
    resource.hidden_at, resource.hidden_by, resource.hidden_reason = now(), actor.id, reason
    await db.flush()
    await audit.record(
        db,
        actor,
        "resource.hidden",
        space_id=resource.space_id,
        target_kind="resource",
        target_id=resource.id,
        reason=reason,
        details={"title": resource.title},
    )
    await changelog.record(
        db, events.ResourceHidden(**await library.event_view(db, resource)), space_id=resource.space_id
    )


async def unhide_resource(db: AsyncSession, actor: User, resource_id: int) -> dict:
    resource, access = await library.resource_access(db, actor, resource_id, for_update=True)
    access.require_moderator()
    if resource.hidden_at is not None:
        resource.hidden_at = resource.hidden_by = resource.hidden_reason = None
        await db.flush()
        await audit.record(
            db, actor, "resource.unhidden", space_id=resource.space_id, target_kind="resource", target_id=resource.id
        )
        await changelog.record(
            db, events.ResourceUnhidden(**await library.event_view(db, resource)), space_id=resource.space_id
        )
    return await library.get(db, actor, resource_id)


# --- flags ------------------------------------------------------------------


async def flag_message(db: AsyncSession, actor: User, message_id: int, reason: str) -> dict:
    """Anyone who can read a message may flag it for the space's moderators."""
    message, _, _ = await messages.message_access(db, actor, message_id)
    if message.author_id == actor.id:
        raise Invalid("You cannot flag your own message; edit or delete it instead.", code="own_content")
    flag = await flags.add(db, actor, message.space_id, "message", message.id, reason)
    return (await flags.views(db, [flag]))[0]


async def flag_resource(db: AsyncSession, actor: User, resource_id: int, reason: str) -> dict:
    resource, _ = await library.resource_access(db, actor, resource_id)
    if resource.author_id == actor.id:
        raise Invalid("You cannot flag your own resource; edit or delete it instead.", code="own_content")
    flag = await flags.add(db, actor, resource.space_id, "resource", resource.id, reason)
    return (await flags.views(db, [flag]))[0]


async def resolve_flag(db: AsyncSession, actor: User, flag_id: int, action: str, note: str) -> tuple[dict, str | None]:
    """Dismiss a flag, or hide or delete what it points at. Every open flag on the same
    target is resolved with it. Returns the flag and, when a file lost its last resource,
    the storage key to remove after commit."""
    flag = await db.scalar(select(Flag).where(Flag.id == flag_id).with_for_update(key_share=True))
    if flag is None:
        raise NotFound("No such flag.")
    access = await space_access(db, actor, flag.space_id, missing="No such flag.")
    access.require_moderator()
    if flag.state != "open":
        raise Conflict("This flag is already resolved.", code="already_resolved")
    orphan = None
    target = await _target(db, flag)
    if action == "hide" and target is not None and target.hidden_at is None:
        if flag.target_kind == "message":
            await _hide_message(db, actor, target, note)
        else:
            await _hide_resource(db, actor, target, note)
    elif action == "delete" and target is not None:
        if flag.target_kind == "message":
            await messages.delete(db, actor, target.id)
        else:
            orphan = await library.remove(db, actor, target, reason=note)
    state = {"dismiss": "dismissed", "hide": "hidden", "delete": "deleted"}[action]
    await flags.close_open(db, actor, flag.target_kind, flag.target_id, state=state, note=note, action=action)
    if flag.state == "open":  # the delete above already closed it with the note "deleted"
        flag.state, flag.resolved_by, flag.resolved_at, flag.resolution_note = state, actor.id, now(), note
    else:
        flag.resolution_note = note
    await db.flush()
    await audit.record(
        db,
        actor,
        "flag.resolved",
        space_id=flag.space_id,
        target_kind=flag.target_kind,
        target_id=flag.target_id,
        reason=note,
        details={"flag_id": flag.id, "action": action},
    )
    await db.refresh(flag)
    return (await flags.views(db, [flag]))[0], orphan


async def _target(db: AsyncSession, flag: Flag) -> Message | Resource | None:
    if flag.target_kind == "message":
        message = await db.get(Message, flag.target_id, with_for_update={"key_share": True})
        return message if message is not None and message.deleted_at is None else None
    return await db.get(Resource, flag.target_id, with_for_update={"key_share": True})


# --- membership -------------------------------------------------------------


async def _membership(db: AsyncSession, space_id: int, user_id: int) -> tuple[Membership | None, User]:
    user = await db.get(User, user_id)
    if user is None or user.deactivated_at is not None:
        raise NotFound("No such user.")
    return await db.get(Membership, (space_id, user_id), with_for_update={"key_share": True}), user


async def request_to_join(db: AsyncSession, actor: User, space_id: int) -> tuple[dict, bool]:
    """Ask to join a space one can read (a network space): the membership waits, pending,
    for a moderator. Returns (membership, created)."""
    access = await space_access(db, actor, space_id, for_update=True)
    membership = access.membership
    if membership is not None:
        if membership.state == "pending":
            return member_view(membership, actor), False
        raise Conflict("You are already a member of this space.", code="already_member")
    membership = Membership(space_id=space_id, user_id=actor.id, role="member", state="pending")
    db.add(membership)
    await db.flush()
    await db.refresh(membership)
    data = member_view(membership, actor)
    await changelog.record(db, events.MemberRequested(**data), space_id=space_id)
    return data, True


async def decide_request(
    db: AsyncSession, actor: User, space_id: int, user_id: int, *, approve: bool, reason: str = ""
) -> dict | None:
    """Approve a pending request (the user becomes an active member) or refuse it."""
    access = await space_access(db, actor, space_id, for_update=True)
    access.require_moderator()
    membership, user = await _membership(db, space_id, user_id)
    if membership is None or membership.state != "pending":
        raise Conflict("This user has no pending request to join.", code="not_pending")
    if approve:
        membership.state = "active"
        await db.flush()
        data = member_view(membership, user)
        await audit.record(
            db, actor, "member.approved", space_id=space_id, target_kind="user", target_id=user_id, reason=reason
        )
        await changelog.record(db, events.MemberApproved(**data), space_id=space_id)
        await spaces.announce_joined(db, membership)
        return data
    await db.delete(membership)
    await db.flush()
    await audit.record(
        db, actor, "member.refused", space_id=space_id, target_kind="user", target_id=user_id, reason=reason
    )
    await changelog.record(db, events.MemberRefused(user=user_brief(user)), space_id=space_id)
    return None


async def suspend(db: AsyncSession, actor: User, space_id: int, user_id: int, reason: str) -> dict:
    """Shut a user out of a space: they can no longer read it, even if it is a network space, and
    their pending invitations to it are withdrawn. Only admins suspend moderators."""
    access = await space_access(db, actor, space_id, for_update=True)
    access.require_moderator()
    membership, user = await _membership(db, space_id, user_id)
    if user.id == actor.id:
        raise Invalid("You cannot suspend yourself.", code="self_suspension")
    if user.is_admin:
        raise Invalid("Platform admins cannot be suspended from a space.", code="admin")
    if membership is not None and membership.role == "moderator" and not actor.is_admin:
        raise Forbidden("Only platform admins suspend moderators.", code="not_an_admin")
    if membership is not None and membership.state == "suspended":
        return member_view(membership, user)
    if membership is None:
        membership = Membership(space_id=space_id, user_id=user.id, role="member", state="suspended")
        db.add(membership)
    membership.state = "suspended"
    await db.flush()
    await db.refresh(membership)
    data = member_view(membership, user)
    # An invitation accepted later would make them active again.
    withdrawn = await spaces.withdraw_invitations(db, space_id, addressed_to=user, sent_by=user)
    await audit.record(
        db,
        actor,
        "member.suspended",
        space_id=space_id,
        target_kind="user",
        target_id=user_id,
        reason=reason,
        details={"invitations_withdrawn": withdrawn} if withdrawn else None,
    )
    await changelog.record(db, events.MemberSuspended(**data), space_id=space_id)
    return data


async def reinstate(db: AsyncSession, actor: User, space_id: int, user_id: int) -> dict:
    """Lift a suspension: the user is an active member again, in their former role. Only admins
    reinstate moderators, so a co-moderator cannot undo an admin's suspension."""
    access = await space_access(db, actor, space_id, for_update=True)
    access.require_moderator()
    membership, user = await _membership(db, space_id, user_id)
    if membership is None or membership.state != "suspended":
        raise Conflict("This user is not suspended from the space.", code="not_suspended")
    if membership.role == "moderator" and not actor.is_admin:
        raise Forbidden("Only platform admins reinstate moderators.", code="not_an_admin")
    membership.state = "active"
    await db.flush()
    data = member_view(membership, user)
    await audit.record(db, actor, "member.reinstated", space_id=space_id, target_kind="user", target_id=user_id)
    await changelog.record(db, events.MemberReinstated(**data), space_id=space_id)
    await spaces.announce_joined(db, membership)
    return data
