"""Read positions and unread counts."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from server.api import paging
from server.api.framework import Context, endpoint
from server.api.schemas import Answer, Id, Page, Strict, UserBrief
from server.services import reads


class ReadMark(Strict):
    message_id: Id


class ThreadUnread(Answer):
    thread_id: int
    space_id: int
    last_read_message_id: int | None
    unread: Annotated[int, Field(ge=0)]
    mentions: Annotated[int, Field(ge=0)]


class SpaceUnread(Answer):
    space_id: int
    unread: int
    mentions: int
    threads: list[ThreadUnread]


class SpaceUnreadTotal(Answer):
    space_id: int
    unread: int
    mentions: int


class UnreadList(Answer):
    items: list[SpaceUnreadTotal]


class MentionOut(Answer):
    message_id: int
    thread_id: int
    thread_title: str
    space_id: int
    space_name: str
    author: UserBrief | None
    excerpt: str  # plain text, never markdown
    created_at: str | None
    unread: bool  # after my read position in its thread


class MentionPage(Answer):
    items: list[MentionOut]
    next_cursor: str | None


@endpoint(
    "PUT",
    "/api/threads/{thread_id:int}/read",
    summary="Mark a thread read up to a message",
    tag="unread",
    body=ReadMark,
    response=ThreadUnread,
    errors=(404, 422),
    rate="read",
)
async def mark_read(ctx: Context, thread_id: int):
    return await reads.mark_read(ctx.db, ctx.user, thread_id, ctx.body.message_id)


@endpoint(
    "GET",
    "/api/threads/{thread_id:int}/read",
    summary="My read position and unread count in a thread",
    tag="unread",
    response=ThreadUnread,
    errors=(404,),
)
async def thread_read(ctx: Context, thread_id: int):
    return await reads.thread_state(ctx.db, ctx.user, thread_id)


@endpoint(
    "GET",
    "/api/spaces/{space_id:int}/unread",
    summary="Unread and mention counts of a space and its threads",
    tag="unread",
    response=SpaceUnread,
    errors=(404,),
)
async def space_unread(ctx: Context, space_id: int):
    return await reads.space_unread(ctx.db, ctx.user, space_id)


@endpoint(
    "GET",
    "/api/unread",
    summary="Unread and mention counts of every space I can read",
    tag="unread",
    response=UnreadList,
)
async def all_unread(ctx: Context):
    return {"items": await reads.all_unread(ctx.db, ctx.user)}


@endpoint(
    "GET",
    "/api/mentions",
    summary="Messages that mention me, newest first, from the spaces I can read",
    tag="unread",
    query=Page,
    response=MentionPage,
    errors=(400,),
)
async def my_mentions(ctx: Context[None, Page]):
    secret = ctx.settings.secret_key
    after = paging.decode(secret, ctx.query.cursor, (int,))
    before = after[0] if after is not None else None
    items = await reads.my_mentions(ctx.db, ctx.user, before=before, limit=ctx.query.limit)
    next_cursor = None
    if len(items) == ctx.query.limit:
        next_cursor = paging.encode(secret, [items[-1]["message_id"]])
    return {"items": items, "next_cursor": next_cursor}
