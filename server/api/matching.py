"""Needs, offers and partner matching (issue 18)."""

from __future__ import annotations

from server.api import schemas as s
from server.api.framework import Context, changes, endpoint
from server.db.models import Need, Offer, Resource
from server.services import matching, needs_offers

for _model, _noun, _create, _change, _out, _list in (
    (Need, "need", s.NeedCreate, s.NeedChange, s.NeedOut, s.NeedList),
    (Offer, "offer", s.OfferCreate, s.OfferChange, s.OfferOut, s.OfferList),
):
    # The same five routes for needs and offers; the model is bound as a default argument.

    @endpoint(
        "GET", f"/api/{_noun}s", summary=f"The {_noun}s you may see", tag="matching", query=s.NeedQuery, response=_list
    )
    async def list_items(ctx: Context, model=_model):
        return {"items": await needs_offers.list_items(ctx.db, ctx.user, model, ctx.query.city_id, ctx.query.theme)}

    @endpoint(
        "POST",
        f"/api/{_noun}s",
        summary=f"Post a city's {_noun} (admins and the city's editors)",
        tag="matching",
        body=_create,
        response=_out,
        status=201,
        errors=(403,),
        rate="manage",
    )
    async def create_item(ctx: Context, model=_model):
        return await needs_offers.create(ctx.db, ctx.user, model, ctx.body.model_dump())

    @endpoint(
        "GET", f"/api/{_noun}s/{{item_id:int}}", summary=f"One {_noun}", tag="matching", response=_out, errors=(404,)
    )
    async def get_item(ctx: Context, item_id: int, model=_model):
        return await needs_offers.view(ctx.db, await needs_offers.get_item(ctx.db, model, ctx.user, item_id))

    @endpoint(
        "PATCH",
        f"/api/{_noun}s/{{item_id:int}}",
        summary=f"Change a {_noun} (admins and the city's editors)",
        tag="matching",
        body=_change,
        response=_out,
        errors=(403, 404),
        rate="manage",
    )
    async def update_item(ctx: Context, item_id: int, model=_model):
        return await needs_offers.update(ctx.db, ctx.user, model, item_id, changes(ctx.body))

    @endpoint(
        "DELETE",
        f"/api/{_noun}s/{{item_id:int}}",
        summary=f"Withdraw a {_noun} (admins and the city's editors)",
        tag="matching",
        status=204,
        errors=(403, 404),
        rate="manage",
    )
    async def delete_item(ctx: Context, item_id: int, model=_model):
        await needs_offers.delete(ctx.db, ctx.user, model, item_id)


@endpoint(
    "GET",
    "/api/needs/{need_id:int}/matches",
    summary="Cities that could help with a need, ranked, with the reasons",
    tag="matching",
    response=s.MatchList,
    errors=(404,),
)
async def need_matches(ctx: Context, need_id: int):
    need = await needs_offers.get_need(ctx.db, ctx.user, need_id)
    ranked = await matching.for_need(ctx.db, ctx.user, need)
    return {"items": await matching.with_interest(ctx.db, need.id, ranked), "weights": await matching.weights(ctx.db)}


@endpoint(
    "GET",
    "/api/offers/{offer_id:int}/matches",
    summary="Cities that could use an offer, ranked, with the reasons",
    tag="matching",
    response=s.MatchList,
    errors=(404,),
)
async def offer_matches(ctx: Context, offer_id: int):
    offer = await needs_offers.get_offer(ctx.db, ctx.user, offer_id)
    practice = await ctx.db.get(Resource, offer.practice_id)
    return {
        "items": await matching.for_offer(ctx.db, ctx.user, offer, practice),
        "weights": await matching.weights(ctx.db),
    }


@endpoint(
    "POST",
    "/api/needs/{need_id:int}/interest",
    summary="Say a city is interested in a match: the need's city, or the city that could help",
    tag="matching",
    body=s.InterestCreate,
    response=s.InterestOut,
    errors=(403, 404),
    rate="manage",
)
async def interest(ctx: Context[s.InterestCreate], need_id: int):
    need = await needs_offers.get_need(ctx.db, ctx.user, need_id)
    return await matching.express_interest(ctx.db, ctx.user, need, ctx.body.city_id)


@endpoint(
    "GET",
    "/api/matches",
    summary="Matches both cities want (admins)",
    tag="matching",
    response=s.InterestList,
    errors=(403,),
)
async def mutual(ctx: Context):
    return await matching.mutual(ctx.db, ctx.user)


@endpoint(
    "POST",
    "/api/matches/{need_id:int}/{city_id:int}/space",
    summary="Turn a match into a space with both cities, the need's theme and text (admins)",
    tag="matching",
    response=s.SpaceOut,
    status=201,
    errors=(403, 404),
    rate="manage",
)
async def create_space(ctx: Context, need_id: int, city_id: int):
    need = await needs_offers.get_need(ctx.db, ctx.user, need_id)
    return await matching.create_space(ctx.db, ctx.user, need, city_id)


@endpoint("GET", "/api/matching/weights", summary="The weights of the matching", tag="matching", response=s.Weights)
async def get_weights(ctx: Context):
    return {"weights": await matching.weights(ctx.db)}


@endpoint(
    "PUT",
    "/api/matching/weights",
    summary="Tune the weights of the matching (admins)",
    tag="matching",
    body=s.WeightsChange,
    response=s.Weights,
    errors=(403,),
    rate="manage",
)
async def set_weights(ctx: Context[s.WeightsChange]):
    return {"weights": await matching.set_weights(ctx.db, ctx.user, ctx.body.weights)}
