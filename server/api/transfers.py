"""Practice transfers (issue 19): transfers, plans, milestones, the adaptation log, completion into
the implementing city's own practice record, a practice's lineage and the network's."""

from __future__ import annotations

from server.api import schemas as s
from server.api.framework import Context, changes, endpoint
from server.services import transfer_completion, transfer_lineage, transfer_plans, transfers

PLAN = "/api/transfers/{transfer_id:int}/plans/{city_id:int}"


@endpoint(
    "POST",
    "/api/transfers",
    summary="Propose a transfer of a practice record to implementing cities (members of the space; you coordinate)",
    tag="transfers",
    body=s.TransferCreate,
    response=s.TransferOut,
    status=201,
    errors=(403, 404, 409),
    rate="library",
)
async def create_transfer(ctx: Context[s.TransferCreate]):
    return await transfers.create(ctx.db, ctx.user, ctx.body.model_dump())


@endpoint(
    "GET",
    "/api/transfers",
    summary="Transfers in the spaces you may read, newest first",
    tag="transfers",
    query=s.TransferQuery,
    response=s.TransferList,
)
async def list_transfers(ctx: Context[None, s.TransferQuery]):
    return {"items": await transfers.list_transfers(ctx.db, ctx.user, ctx.query.model_dump())}


@endpoint(
    "GET",
    "/api/transfers/{transfer_id:int}",
    summary="One transfer",
    tag="transfers",
    response=s.TransferOut,
    errors=(404,),
)
async def get_transfer(ctx: Context, transfer_id: int):
    return await transfers.get(ctx.db, ctx.user, transfer_id)


@endpoint(
    "PATCH",
    "/api/transfers/{transfer_id:int}",
    summary="Move a transfer's state one allowed step, change its dates or coordinator (the coordinator, moderators)",
    tag="transfers",
    body=s.TransferChange,
    response=s.TransferOut,
    errors=(403, 404, 409),
    rate="library",
)
async def update_transfer(ctx: Context[s.TransferChange], transfer_id: int):
    return await transfers.update(ctx.db, ctx.user, transfer_id, changes(ctx.body))


@endpoint("GET", PLAN, summary="An implementing city's plan", tag="transfers", response=s.PlanOut, errors=(404,))
async def get_plan(ctx: Context, transfer_id: int, city_id: int):
    return await transfer_plans.get_plan(ctx.db, ctx.user, transfer_id, city_id)


@endpoint(
    "PUT",
    PLAN,
    summary="Replace an implementing city's plan document (the coordinator, the city's officials)",
    tag="transfers",
    body=s.PlanPut,
    response=s.PlanOut,
    errors=(403, 404),
    rate="library",
)
async def put_plan(ctx: Context[s.PlanPut], transfer_id: int, city_id: int):
    return await transfer_plans.put_plan(ctx.db, ctx.user, transfer_id, city_id, ctx.body.model_dump())


@endpoint(
    "POST",
    f"{PLAN}/milestones",
    summary="Add a milestone to a plan (the coordinator, the city's officials)",
    tag="transfers",
    body=s.MilestoneCreate,
    response=s.MilestoneOut,
    status=201,
    errors=(403, 404),
    rate="library",
)
async def add_milestone(ctx: Context[s.MilestoneCreate], transfer_id: int, city_id: int):
    return await transfer_plans.add_milestone(ctx.db, ctx.user, transfer_id, city_id, ctx.body.model_dump())


@endpoint(
    "PATCH",
    "/api/milestones/{milestone_id:int}",
    summary="Change a milestone: title, due date, owner, state, evidence (the coordinator, the city's officials)",
    tag="transfers",
    body=s.MilestoneChange,
    response=s.MilestoneOut,
    errors=(403, 404),
    rate="library",
)
async def update_milestone(ctx: Context[s.MilestoneChange], milestone_id: int):
    return await transfer_plans.update_milestone(ctx.db, ctx.user, milestone_id, changes(ctx.body))


@endpoint(
    "GET",
    f"{PLAN}/log",
    summary="A plan's adaptation log, oldest first",
    tag="transfers",
    response=s.LogEntryList,
    errors=(404,),
)
async def list_log(ctx: Context, transfer_id: int, city_id: int):
    return {"items": await transfer_plans.list_log(ctx.db, ctx.user, transfer_id, city_id)}


@endpoint(
    "POST",
    f"{PLAN}/log",
    summary="Log an adaptation (the coordinator, the city's officials) or a comment (also the mentor city's officials)",
    tag="transfers",
    body=s.LogEntryCreate,
    response=s.LogEntryOut,
    status=201,
    errors=(403, 404),
    rate="library",
)
async def add_log_entry(ctx: Context[s.LogEntryCreate], transfer_id: int, city_id: int):
    return await transfer_plans.add_log_entry(ctx.db, ctx.user, transfer_id, city_id, ctx.body.root.model_dump())


@endpoint(
    "POST",
    f"{PLAN}/complete",
    summary="Complete a plan: the city's own practice record, pre-filled from the source, with the log",
    tag="transfers",
    response=s.ResourceDetail,
    status=201,
    errors=(403, 404, 409),
    rate="library",
)
async def complete_plan(ctx: Context, transfer_id: int, city_id: int):
    return await transfer_completion.complete(ctx.db, ctx.user, transfer_id, city_id)


@endpoint(
    "GET",
    "/api/practices/{practice_id:int}/lineage",
    summary="A practice's spread across cities: records as nodes, adaptations (with their transfers) as edges",
    tag="transfers",
    response=s.LineageOut,
    errors=(404,),
)
async def lineage(ctx: Context, practice_id: int):
    return await transfer_lineage.lineage(ctx.db, ctx.user, practice_id)


@endpoint(
    "GET",
    "/api/lineage",
    summary="The network's practices that spread (optionally by theme): records as nodes, adaptations as edges",
    tag="transfers",
    query=s.NetworkLineageQuery,
    response=s.NetworkLineageOut,
    rate="lineage",
)
async def network_lineage(ctx: Context[None, s.NetworkLineageQuery]):
    return await transfer_lineage.network(ctx.db, ctx.user, ctx.query.theme)
