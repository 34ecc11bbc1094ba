"""Spaces and their members."""

from __future__ import annotations

from server.api import schemas as s
from server.api.framework import Context, changes, endpoint
from server.services import spaces
from server.services.access import space_access


@endpoint("GET", "/api/spaces", summary="The spaces I may read", tag="spaces", response=s.SpaceList)
async def list_spaces(ctx: Context):
    return {"items": await spaces.list_spaces(ctx.db, ctx.user)}


@endpoint(
    "POST",
    "/api/spaces",
    summary="Pair two or more cities into a space (admins)",
    tag="spaces",
    body=s.SpaceCreate,
    response=s.SpaceOut,
    status=201,
    errors=(403, 422),
    rate="manage",
)
async def create_space(ctx: Context):
    return await spaces.create_space(ctx.db, ctx.user, ctx.body.model_dump())


@endpoint("GET", "/api/spaces/{space_id:int}", summary="One space", tag="spaces", response=s.SpaceOut, errors=(404,))
async def get_space(ctx: Context, space_id: int):
    return await spaces.view(ctx.db, await space_access(ctx.db, ctx.user, space_id))


@endpoint(
    "PATCH",
    "/api/spaces/{space_id:int}",
    summary="Edit a space (moderators; cities and visibility: admins)",
    tag="spaces",
    body=s.SpaceChange,
    response=s.SpaceOut,
    errors=(403, 404, 422),
    rate="manage",
)
async def update_space(ctx: Context, space_id: int):
    return await spaces.update_space(ctx.db, ctx.user, space_id, changes(ctx.body))


@endpoint(
    "GET",
    "/api/spaces/{space_id:int}/members",
    summary="Members of a space",
    tag="spaces",
    response=s.MemberList,
    errors=(404,),
)
async def list_members(ctx: Context, space_id: int):
    return {"items": await spaces.list_members(ctx.db, ctx.user, space_id)}


@endpoint(
    "PUT",
    "/api/spaces/{space_id:int}/members/{user_id:int}",
    summary="Add a member or change their role (moderators; moderators' roles: admins)",
    tag="spaces",
    body=s.MemberSet,
    response=s.MemberOut,
    errors=(403, 404, 409),
    rate="moderation",
)
async def set_member(ctx: Context, space_id: int, user_id: int):
    return await spaces.set_member(ctx.db, ctx.user, space_id, user_id, ctx.body.role)


@endpoint(
    "DELETE",
    "/api/spaces/{space_id:int}/members/{user_id:int}",
    summary="Remove a member (or leave)",
    tag="spaces",
    status=204,
    errors=(403, 404),
    rate="moderation",
)
async def remove_member(ctx: Context, space_id: int, user_id: int):
    await spaces.remove_member(ctx.db, ctx.user, space_id, user_id)
