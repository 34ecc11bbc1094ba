"""Self-assessment frameworks, city self-assessments and peer reviews (issue 18)."""

from __future__ import annotations

from server.api import schemas as s
from server.api.framework import Context, endpoint
from server.services import assessments, frameworks

YEAR = "{year:int}"


@endpoint(
    "GET", "/api/frameworks", summary="The self-assessment frameworks", tag="assessments", response=s.FrameworkList
)
async def list_frameworks(ctx: Context):
    return {"items": await frameworks.list_frameworks(ctx.db)}


@endpoint(
    "POST",
    "/api/frameworks",
    summary="Load a self-assessment framework file (admins); refused with the line and reason if malformed",
    tag="assessments",
    body=s.FrameworkLoad,
    response=s.FrameworkList,
    status=201,
    errors=(403, 409),
    rate="manage",
)
async def load_framework(ctx: Context[s.FrameworkLoad]):
    return {"items": [await frameworks.load(ctx.db, ctx.user, ctx.body.text)]}


@endpoint(
    "GET",
    "/api/cities/{city_id:int}/assessments",
    summary="The years of a city's self-assessments you may see (drafts: the city and admins only)",
    tag="assessments",
    response=s.AssessmentYears,
    errors=(404,),
)
async def list_years(ctx: Context, city_id: int):
    return {"items": await assessments.list_years(ctx.db, ctx.user, city_id)}


@endpoint(
    "GET",
    f"/api/cities/{{city_id:int}}/assessments/{YEAR}",
    summary="A city's self-assessment of a year, its ratings, evidence and peer reviews",
    tag="assessments",
    response=s.AssessmentOut,
    errors=(404,),
)
async def get_assessment(ctx: Context, city_id: int, year: int):
    return await assessments.get_assessment(ctx.db, ctx.user, city_id, year)


@endpoint(
    "PUT",
    f"/api/cities/{{city_id:int}}/assessments/{YEAR}",
    summary="Save a city's self-assessment of a year (admins and the city's editors); `shared` publishes it",
    tag="assessments",
    body=s.AssessmentPut,
    response=s.AssessmentOut,
    errors=(403, 404),
    rate="manage",
)
async def save_assessment(ctx: Context[s.AssessmentPut], city_id: int, year: int):
    return await assessments.save(ctx.db, ctx.user, city_id, year, ctx.body.model_dump())


@endpoint(
    "POST",
    f"/api/cities/{{city_id:int}}/assessments/{YEAR}/reviews",
    summary="Review a partner city's shared self-assessment, item by item",
    tag="assessments",
    body=s.ReviewCreate,
    response=s.AssessmentOut,
    status=201,
    errors=(403, 404),
    rate="manage",
)
async def review_assessment(ctx: Context[s.ReviewCreate], city_id: int, year: int):
    return await assessments.review(ctx.db, ctx.user, city_id, year, ctx.body.comments)
