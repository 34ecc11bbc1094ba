"""Cities and their immigration profile."""

from __future__ import annotations

from server.api import schemas as s
from server.api.framework import Context, changes, endpoint
from server.services import cities
from server.services.views import city_view


@endpoint("GET", "/api/cities", summary="All registered cities", tag="cities", response=s.CityList)
async def list_cities(ctx: Context):
    return {"items": [city_view(c) for c in await cities.list_cities(ctx.db)]}


@endpoint(
    "POST",
    "/api/cities",
    summary="Register a city (admins)",
    tag="cities",
    body=s.CityCreate,
    response=s.CityOut,
    status=201,
    errors=(403, 409),
    rate="manage",
)
async def create_city(ctx: Context):
    return city_view(await cities.create_city(ctx.db, ctx.user, ctx.body.model_dump()))


@endpoint("GET", "/api/cities/{city_id:int}", summary="One city", tag="cities", response=s.CityOut, errors=(404,))
async def get_city(ctx: Context, city_id: int):
    return city_view(await cities.get_city(ctx.db, city_id))


@endpoint(
    "PATCH",
    "/api/cities/{city_id:int}",
    summary="Edit a city (admins; the city's editors may set its two-factor rule alone)",
    tag="cities",
    body=s.CityChange,
    response=s.CityOut,
    errors=(403, 404, 409),
    rate="manage",
)
async def update_city(ctx: Context, city_id: int):
    return city_view(await cities.update_city(ctx.db, ctx.user, city_id, changes(ctx.body)))
