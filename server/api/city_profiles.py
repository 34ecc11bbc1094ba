"""City profiles and the city editors who keep them (issue 18)."""

from __future__ import annotations

from server.api import schemas as s
from server.api.framework import Context, changes, endpoint
from server.services import city_profiles


@endpoint(
    "GET",
    "/api/cities/{city_id:int}/profile",
    summary="A city's profile, its history, spaces, partners and practice records",
    tag="cities",
    response=s.CityProfileOut,
    errors=(404,),
)
async def get_profile(ctx: Context, city_id: int):
    return await city_profiles.get_profile(ctx.db, ctx.user, city_id)


@endpoint(
    "PATCH",
    "/api/cities/{city_id:int}/profile",
    summary="Edit a city's profile (admins and the city's editors); the replaced values stay in the history",
    tag="cities",
    body=s.CityProfileChange,
    response=s.CityProfileOut,
    errors=(403, 404),
    rate="manage",
)
async def update_profile(ctx: Context[s.CityProfileChange], city_id: int):
    return await city_profiles.update_profile(ctx.db, ctx.user, city_id, changes(ctx.body))


@endpoint(
    "PUT",
    "/api/cities/{city_id:int}/editors/{user_id:int}",
    summary="Make one of the city's officials a city editor (admins)",
    tag="cities",
    response=s.EditorList,
    errors=(403, 404, 409),
    rate="manage",
)
async def grant_editor(ctx: Context, city_id: int, user_id: int):
    return {"user_ids": await city_profiles.set_editor(ctx.db, ctx.user, city_id, user_id, grant=True)}


@endpoint(
    "DELETE",
    "/api/cities/{city_id:int}/editors/{user_id:int}",
    summary="Withdraw the city editor role (admins)",
    tag="cities",
    response=s.EditorList,
    errors=(403, 404),
    rate="manage",
)
async def revoke_editor(ctx: Context, city_id: int, user_id: int):
    return {"user_ids": await city_profiles.set_editor(ctx.db, ctx.user, city_id, user_id, grant=False)}
