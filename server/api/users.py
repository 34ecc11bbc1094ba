"""Looking people up, for admins and moderators adding members."""

from __future__ import annotations

from server.api import schemas as s
from server.api.framework import Context, endpoint
from server.services import accounts
from server.services.views import user_view


@endpoint(
    "GET",
    "/api/users",
    summary="Find people by name, handle or email (admins and moderators)",
    tag="users",
    query=s.UserQuery,
    response=s.UserList,
    errors=(403,),
)
async def find_users(ctx: Context):
    return {"items": [user_view(u) for u in await accounts.find_users(ctx.db, ctx.user, ctx.query.q, ctx.query.limit)]}
