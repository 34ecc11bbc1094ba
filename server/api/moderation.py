"""Moderation: hiding content, flags and the review queue, membership requests and suspensions,
and the audit log. (Pinning and locking are fields of PATCH /api/threads/{id}.)"""

from __future__ import annotations

from server import storage
from server.api import paging
from server.api import schemas as s
from server.api.framework import Context, endpoint
from server.services import audit, flags, moderation


@endpoint(
    "POST",
    "/api/messages/{message_id:int}/hide",
    summary="Hide a message with a reason (moderators; it stays visible to moderators and its author)",
    tag="moderation",
    body=s.ReasonBody,
    response=s.MessageOut,
    errors=(403, 404),
    rate="moderation",
)
async def hide_message(ctx: Context, message_id: int):
    return await moderation.hide_message(ctx.db, ctx.user, message_id, ctx.body.reason)


@endpoint(
    "POST",
    "/api/messages/{message_id:int}/unhide",
    summary="Show a hidden message again (moderators)",
    tag="moderation",
    response=s.MessageOut,
    errors=(403, 404),
    rate="moderation",
)
async def unhide_message(ctx: Context, message_id: int):
    return await moderation.unhide_message(ctx.db, ctx.user, message_id)


@endpoint(
    "POST",
    "/api/resources/{resource_id:int}/hide",
    summary="Hide a resource with a reason (moderators; it stays visible to moderators and its author)",
    tag="moderation",
    body=s.ReasonBody,
    response=s.ResourceDetail,
    errors=(403, 404),
    rate="moderation",
)
async def hide_resource(ctx: Context, resource_id: int):
    return await moderation.hide_resource(ctx.db, ctx.user, resource_id, ctx.body.reason)


@endpoint(
    "POST",
    "/api/resources/{resource_id:int}/unhide",
    summary="Show a hidden resource again (moderators)",
    tag="moderation",
    response=s.ResourceDetail,
    errors=(403, 404),
    rate="moderation",
)
async def unhide_resource(ctx: Context, resource_id: int):
    return await moderation.unhide_resource(ctx.db, ctx.user, resource_id)


@endpoint(
    "POST",
    "/api/messages/{message_id:int}/flags",
    summary="Flag a message for the moderators",
    tag="moderation",
    body=s.ReasonBody,
    response=s.FlagOut,
    status=201,
    errors=(404, 409, 422),
    rate="flag",
)
async def flag_message(ctx: Context, message_id: int):
    return await moderation.flag_message(ctx.db, ctx.user, message_id, ctx.body.reason)


@endpoint(
    "POST",
    "/api/resources/{resource_id:int}/flags",
    summary="Flag a resource for the moderators",
    tag="moderation",
    body=s.ReasonBody,
    response=s.FlagOut,
    status=201,
    errors=(404, 409, 422),
    rate="flag",
)
async def flag_resource(ctx: Context, resource_id: int):
    return await moderation.flag_resource(ctx.db, ctx.user, resource_id, ctx.body.reason)


@endpoint(
    "GET",
    "/api/spaces/{space_id:int}/flags",
    summary="The review queue of a space, oldest first (moderators)",
    tag="moderation",
    query=s.FlagQuery,
    response=s.FlagPage,
    errors=(400, 403, 404),
)
async def list_flags(ctx: Context, space_id: int):
    q, secret = ctx.query, ctx.settings.secret_key
    cursor = paging.decode(secret, q.cursor, (int,))
    items = await flags.list_flags(
        ctx.db, ctx.user, space_id, state=q.state, after=cursor[0] if cursor else None, limit=q.limit
    )
    next_cursor = paging.encode(secret, [items[-1]["id"]]) if len(items) == q.limit else None
    return {"items": items, "next_cursor": next_cursor}


@endpoint(
    "POST",
    "/api/flags/{flag_id:int}/resolve",
    summary="Resolve a flag: dismiss it, or hide or delete its target, with a note (moderators)",
    tag="moderation",
    body=s.FlagResolve,
    response=s.FlagOut,
    errors=(403, 404, 409),
    rate="moderation",
)
async def resolve_flag(ctx: Context, flag_id: int):
    flag, orphan = await moderation.resolve_flag(ctx.db, ctx.user, flag_id, ctx.body.action, ctx.body.note)
    await ctx.db.commit()
    if orphan:
        storage.from_settings(ctx.settings).delete(orphan)
    return flag


@endpoint(
    "POST",
    "/api/spaces/{space_id:int}/join",
    summary="Ask to join a network space; a moderator approves or refuses",
    tag="moderation",
    response=s.MemberOut,
    status=201,
    errors=(404, 409),
    rate="join",
)
async def request_to_join(ctx: Context, space_id: int):
    membership, created = await moderation.request_to_join(ctx.db, ctx.user, space_id)
    ctx.status = 201 if created else 200
    return membership


@endpoint(
    "POST",
    "/api/spaces/{space_id:int}/members/{user_id:int}/approve",
    summary="Approve a request to join (moderators)",
    tag="moderation",
    response=s.MemberOut,
    errors=(403, 404, 409),
    rate="moderation",
)
async def approve_member(ctx: Context, space_id: int, user_id: int):
    return await moderation.decide_request(ctx.db, ctx.user, space_id, user_id, approve=True)


@endpoint(
    "POST",
    "/api/spaces/{space_id:int}/members/{user_id:int}/refuse",
    summary="Refuse a request to join, optionally saying why (moderators)",
    tag="moderation",
    body=s.OptionalReason,
    status=204,
    errors=(403, 404, 409),
    rate="moderation",
)
async def refuse_member(ctx: Context, space_id: int, user_id: int):
    await moderation.decide_request(ctx.db, ctx.user, space_id, user_id, approve=False, reason=ctx.body.reason)


@endpoint(
    "POST",
    "/api/spaces/{space_id:int}/members/{user_id:int}/suspend",
    summary="Suspend a user from a space: they can no longer read it (moderators; moderators: admins)",
    tag="moderation",
    body=s.ReasonBody,
    response=s.MemberOut,
    errors=(403, 404, 422),
    rate="moderation",
)
async def suspend_member(ctx: Context, space_id: int, user_id: int):
    return await moderation.suspend(ctx.db, ctx.user, space_id, user_id, ctx.body.reason)


@endpoint(
    "POST",
    "/api/spaces/{space_id:int}/members/{user_id:int}/reinstate",
    summary="Lift a suspension (moderators)",
    tag="moderation",
    response=s.MemberOut,
    errors=(403, 404, 409),
    rate="moderation",
)
async def reinstate_member(ctx: Context, space_id: int, user_id: int):
    return await moderation.reinstate(ctx.db, ctx.user, space_id, user_id)


@endpoint(
    "GET",
    "/api/spaces/{space_id:int}/audit",
    summary="The audit log of a space, newest first (moderators and admins; append-only)",
    tag="moderation",
    query=s.Page,
    response=s.AuditPage,
    errors=(400, 403, 404),
)
async def audit_log(ctx: Context, space_id: int):
    q, secret = ctx.query, ctx.settings.secret_key
    cursor = paging.decode(secret, q.cursor, (int,))
    items = await audit.list_entries(ctx.db, ctx.user, space_id, before=cursor[0] if cursor else None, limit=q.limit)
    next_cursor = paging.encode(secret, [items[-1]["id"]]) if len(items) == q.limit else None
    return {"items": items, "next_cursor": next_cursor}
