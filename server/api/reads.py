"""Read positions and unread counts."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from server.api.framework import Context, endpoint
from server.api.schemas import Answer, Id, Strict
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
