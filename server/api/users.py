"""Looking people up, for admins and moderators adding members."""

from __future__ import annotations

from pydantic import Field

from server.api import schemas as s
from server.api.framework import Context, endpoint
from server.services import people


class PersonFound(s.UserBrief):
    """Admins get the whole account; moderators the brief, and the email only for an exact match."""

    email: str | None = Field(description="Admins; moderators only when they typed exactly this email")
    position: str | None = Field(None, description="Admins only")
    languages: list[str] | None = Field(None, description="Admins only")
    locale: str | None = Field(None, description="Admins only")
    is_admin: bool | None = Field(None, description="Admins only")
    created_at: str | None = Field(None, description="Admins only")


class PeopleFound(s.Answer):
    items: list[PersonFound]


@endpoint(
    "GET",
    "/api/users",
    summary="Find people by name or handle, or an exact email (admins: also part of an email; moderators: "
    f"at least {people.MODERATOR_MIN_QUERY} characters, {people.MODERATOR_MAX_MATCHES} matches, brief entries)",
    tag="users",
    query=s.UserQuery,
    response=PeopleFound,
    errors=(403,),
)
async def find_users(ctx: Context):
    return {"items": await people.find_people(ctx.db, ctx.user, ctx.query.q, ctx.query.limit)}
