"""Flags: members point moderators at a message or a resource; the open ones form a space's
review queue. Raising and resolving flags (which needs the targets' rules) lives in
`server.services.moderation`; this module only keeps the flag rows and their events."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import Flag, Message, Resource, User
from server.errors import Conflict
from server.services import changelog
from server.services.access import space_access
from server.services.accounts import now
from server.services.views import iso, user_brief

EXCERPT = 280
ACTIONS = {"dismissed": "dismiss", "hidden": "hide", "deleted": "delete"}


def _event(flag: Flag, **extra) -> dict:
    """Events reach every subscriber of the space: no reporter, no reason."""
    return {
        "id": flag.id,
        "space_id": flag.space_id,
        "target": {"kind": flag.target_kind, "id": flag.target_id},
        "state": flag.state,
        **extra,
    }


async def add(db: AsyncSession, actor: User, space_id: int, target_kind: str, target_id: int, reason: str) -> Flag:
    flag = Flag(
        space_id=space_id,
        target_kind=target_kind,
        target_id=target_id,
        reporter_id=actor.id,
        reason=reason,
        state="open",
    )
    try:
        async with db.begin_nested():
            db.add(flag)
            await db.flush()
    except IntegrityError:
        raise Conflict("You have already flagged this; moderators will look at it.", code="already_flagged") from None
    await db.refresh(flag)
    await changelog.record(db, events.FlagCreated(**_event(flag)), space_id=space_id)
    return flag


async def close_open(
    db: AsyncSession, actor: User, target_kind: str, target_id: int, *, state: str, note: str, action: str | None = None
) -> list[Flag]:
    """Resolve every open flag on a target at once."""
    open_flags = (
        await db.scalars(
            select(Flag)
            .where(Flag.target_kind == target_kind, Flag.target_id == target_id, Flag.state == "open")
            .order_by(Flag.id)
            .with_for_update(key_share=True)
        )
    ).all()
    for flag in open_flags:
        flag.state, flag.resolved_by, flag.resolved_at, flag.resolution_note = state, actor.id, now(), note
    await db.flush()
    for flag in open_flags:
        await changelog.record(
            db, events.FlagResolved(**_event(flag, action=action or ACTIONS[state])), space_id=flag.space_id
        )
    return list(open_flags)


async def views(db: AsyncSession, flags: list[Flag]) -> list[dict]:
    user_ids = {f.reporter_id for f in flags} | {f.resolved_by for f in flags}
    users = {u.id: u for u in (await db.scalars(select(User).where(User.id.in_(user_ids - {None})))).all()}
    message_ids = [f.target_id for f in flags if f.target_kind == "message"]
    resource_ids = [f.target_id for f in flags if f.target_kind == "resource"]
    found_messages = {
        m.id: m
        for m in (
            await db.scalars(select(Message).where(Message.id.in_(message_ids), Message.deleted_at.is_(None)))
        ).all()
    }
    found_resources = {r.id: r for r in (await db.scalars(select(Resource).where(Resource.id.in_(resource_ids)))).all()}
    result = []
    for flag in flags:
        if flag.target_kind == "message":
            message = found_messages.get(flag.target_id)
            target = {
                "kind": "message",
                "id": flag.target_id,
                "exists": message is not None,
                "thread_id": message.thread_id if message else None,
                "excerpt": message.body[:EXCERPT] if message else None,
            }
        else:
            resource = found_resources.get(flag.target_id)
            target = {
                "kind": "resource",
                "id": flag.target_id,
                "exists": resource is not None,
                "thread_id": None,
                "excerpt": resource.title if resource else None,
            }
        result.append(
            {
                "id": flag.id,
                "space_id": flag.space_id,
                "target": target,
                "reporter": user_brief(users.get(flag.reporter_id)),
                "reason": flag.reason,
                "state": flag.state,
                "created_at": iso(flag.created_at),
                "resolved_by": user_brief(users.get(flag.resolved_by)),
                "resolved_at": iso(flag.resolved_at),
                "resolution_note": flag.resolution_note,
            }
        )
    return result


async def list_flags(
    db: AsyncSession, actor: User, space_id: int, *, state: str, after: int | None, limit: int
) -> list[dict]:
    """The review queue of a space, oldest first (moderators)."""
    access = await space_access(db, actor, space_id)
    access.require_moderator()
    query = select(Flag).where(Flag.space_id == space_id).order_by(Flag.id).limit(limit)
    if state == "open":
        query = query.where(Flag.state == "open")
    elif state == "resolved":
        query = query.where(Flag.state != "open")
    if after is not None:
        query = query.where(Flag.id > after)
    return await views(db, list((await db.scalars(query)).all()))
