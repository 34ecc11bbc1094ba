"""Threads, their messages and reactions."""

from __future__ import annotations

from server.api import paging
from server.api import schemas as s
from server.api.framework import Context, changes, endpoint
from server.services import messages, threads
from server.services.thread_access import post_access


@endpoint(
    "GET",
    "/api/spaces/{space_id:int}/threads",
    summary="Threads of a space: pinned, then most recently active",
    tag="threads",
    query=s.Page,
    response=s.ThreadPage,
    errors=(400, 404),
)
async def list_threads(ctx: Context[None, s.Page], space_id: int):
    secret = ctx.settings.secret_key
    after = paging.decode(secret, ctx.query.cursor, (bool, str, int))
    items = await threads.list_threads(ctx.db, ctx.user, space_id, after=after, limit=ctx.query.limit)
    next_cursor = None
    if len(items) == ctx.query.limit:
        last = items[-1]
        next_cursor = paging.encode(secret, [last["pinned"], last["last_activity_at"], last["id"]])
    return {"items": items, "next_cursor": next_cursor}


@endpoint(
    "POST",
    "/api/spaces/{space_id:int}/threads",
    summary="Start a thread with its first message",
    tag="threads",
    body=s.ThreadCreate,
    response=s.ThreadCreated,
    status=201,
    errors=(403, 404, 422, 429),
    rate="post",
)
async def start_thread(ctx: Context[s.ThreadCreate], space_id: int):
    max_chars = ctx.settings.message_max_chars
    return await threads.start(ctx.db, ctx.user, space_id, ctx.body.model_dump(), max_chars=max_chars)


@endpoint(
    "GET", "/api/threads/{thread_id:int}", summary="One thread", tag="threads", response=s.ThreadOut, errors=(404,)
)
async def get_thread(ctx: Context, thread_id: int):
    return await threads.get(ctx.db, ctx.user, thread_id)


@endpoint(
    "PATCH",
    "/api/threads/{thread_id:int}",
    summary="Rename, re-theme, pin or lock a thread",
    tag="threads",
    body=s.ThreadChange,
    response=s.ThreadOut,
    errors=(403, 404, 422, 429),
    rate="edit",
)
async def update_thread(ctx: Context[s.ThreadChange], thread_id: int):
    return await threads.update(ctx.db, ctx.user, thread_id, changes(ctx.body))


@endpoint(
    "GET",
    "/api/threads/{thread_id:int}/messages",
    summary="Messages of a thread, oldest first; direction=backward pages from the newest",
    tag="messages",
    query=s.MessagePage,
    response=s.MessagePageOut,
    errors=(400, 404),
)
async def list_messages(ctx: Context[None, s.MessagePage], thread_id: int):
    secret, q = ctx.settings.secret_key, ctx.query
    after, before = paging.message_window(secret, q, first_before=2**63 - 1)
    items, _ = await messages.list_messages(ctx.db, ctx.user, thread_id, after=after, before=before, limit=q.limit)
    return paging.message_page(secret, q, items)


@endpoint(
    "POST",
    "/api/threads/{thread_id:int}/messages",
    summary="Post a message; the same client_id twice creates one message",
    tag="messages",
    body=s.MessageCreate,
    response=s.MessageOut,
    status=201,
    errors=(403, 404, 409, 422, 429),
    rate="post",
    replayable=True,
)
async def post_message(ctx: Context[s.MessageCreate], thread_id: int):
    found = await post_access(ctx.db, ctx.user, thread_id, ctx.body.client_id)
    if not found.retried:  # counted before the message is written: it may commit on its own
        await ctx.count_now()
    message, created = await messages.post(
        ctx.db,
        ctx.user,
        found.thread,
        found.access,
        ctx.body.body,
        ctx.body.client_id,
        max_chars=ctx.settings.message_max_chars,
        reply_to=ctx.body.reply_to,
        retried=found.retried,
        slot=found.slot,
    )
    ctx.replayed = not created  # a replay of an acknowledged post is not new work
    ctx.status = 201 if created else 200
    return message


@endpoint(
    "PATCH",
    "/api/messages/{message_id:int}",
    summary="Edit my message (the old version is kept)",
    tag="messages",
    body=s.MessageChange,
    response=s.MessageOut,
    errors=(403, 404, 409, 422, 429),
    rate="edit",
)
async def edit_message(ctx: Context[s.MessageChange], message_id: int):
    return await messages.edit(ctx.db, ctx.user, message_id, ctx.body.body, max_chars=ctx.settings.message_max_chars)


@endpoint(
    "GET",
    "/api/messages/{message_id:int}/history",
    summary="Earlier versions of an edited message",
    tag="messages",
    response=s.MessageHistory,
    errors=(404,),
)
async def message_history(ctx: Context, message_id: int):
    return {"items": await messages.history(ctx.db, ctx.user, message_id)}


@endpoint(
    "DELETE",
    "/api/messages/{message_id:int}",
    summary="Delete a message (author or moderator)",
    tag="messages",
    status=204,
    errors=(403, 404, 429),
    rate="edit",
)
async def delete_message(ctx: Context, message_id: int):
    await messages.delete(ctx.db, ctx.user, message_id)


@endpoint(
    "PUT",
    "/api/messages/{message_id:int}/reactions/{emoji}",
    summary="React to a message",
    tag="messages",
    response=s.ReactionsOut,
    errors=(403, 404, 422, 429),
    rate="reaction",
)
async def add_reaction(ctx: Context, message_id: int, emoji: str):
    return await messages.react(ctx.db, ctx.user, message_id, emoji, add=True)


@endpoint(
    "DELETE",
    "/api/messages/{message_id:int}/reactions/{emoji}",
    summary="Take back my reaction",
    tag="messages",
    response=s.ReactionsOut,
    errors=(403, 404, 422, 429),
    rate="reaction",
)
async def remove_reaction(ctx: Context, message_id: int, emoji: str):
    return await messages.react(ctx.db, ctx.user, message_id, emoji, add=False)
