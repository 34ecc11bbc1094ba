"""The directory of people and their profile pages (docs/people.md)."""

from __future__ import annotations

from server.api import paging
from server.api import schemas as s
from server.api.framework import Context, endpoint
from server.services import people


@endpoint(
    "GET",
    "/api/people",
    summary="The people I may see, by name; filter by city, city profile, theme of expertise, language, "
    "or a text in their name, handle, office or expertise tags (a filter matches only fields I may read)",
    tag="people",
    query=s.PeopleQuery,
    response=s.PersonList,
    errors=(400,),
)
async def list_people(ctx: Context[None, s.PeopleQuery]):
    query, secret = ctx.query, ctx.settings.secret_key
    offset = (paging.decode(secret, query.cursor, (int,)) or [0])[0]
    filters = query.model_dump(include={"q", "city", "profile", "theme", "language"})
    items, total = await people.directory(ctx.db, ctx.user, filters, query.limit, offset)
    more = offset + len(items) < total and len(items) == query.limit
    next_cursor = paging.encode(secret, [offset + query.limit]) if more else None
    return {"items": items, "total": total, "next_cursor": next_cursor}


@endpoint(
    "GET",
    "/api/people/{person_id:int}",
    summary="A person's profile as I may see it, with our spaces in common",
    tag="people",
    response=s.PersonOut,
    errors=(404,),
)
async def get_person(ctx: Context, person_id: int):
    return await people.person(ctx.db, ctx.user, person_id)
