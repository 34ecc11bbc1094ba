"""Date polls before an event is fixed, and the report after it."""

from __future__ import annotations

from server.api import calendar_schemas as c
from server.api.framework import Context, endpoint
from server.api.schemas import ResourceCreated
from server.services import event_polls, event_reports


@endpoint(
    "GET",
    "/api/spaces/{space_id:int}/polls",
    summary="Date polls of a space, newest first",
    tag="events",
    response=c.PollList,
    errors=(404,),
)
async def space_polls(ctx: Context, space_id: int):
    return {"items": await event_polls.listing(ctx.db, ctx.user, space_id)}


@endpoint(
    "POST",
    "/api/spaces/{space_id:int}/polls",
    summary="Propose dates for an event (moderators); choosing one later creates it",
    tag="events",
    body=c.PollCreate,
    response=c.PollOut,
    status=201,
    errors=(403, 404, 422),
    rate="calendar",
)
async def create_poll(ctx: Context, space_id: int):
    return await event_polls.create(ctx.db, ctx.user, space_id, ctx.body.model_dump())


@endpoint("GET", "/api/polls/{poll_id:int}", summary="One date poll", tag="events", response=c.PollOut, errors=(404,))
async def get_poll(ctx: Context, poll_id: int):
    return await event_polls.get(ctx.db, ctx.user, poll_id)


@endpoint(
    "PUT",
    "/api/polls/{poll_id:int}/votes",
    summary="Mark every proposed date that suits me (replaces my earlier marks)",
    tag="events",
    body=c.PollVote,
    response=c.PollOut,
    errors=(404, 409, 422),
    rate="calendar",
)
async def vote_poll(ctx: Context, poll_id: int):
    return await event_polls.vote(ctx.db, ctx.user, poll_id, ctx.body.option_ids)


@endpoint(
    "POST",
    "/api/polls/{poll_id:int}/decision",
    summary="Choose a date (moderators): the poll closes and the event is created",
    tag="events",
    body=c.PollDecision,
    response=c.EventOut,
    status=201,
    errors=(403, 404, 409, 422),
    rate="calendar",
)
async def decide_poll(ctx: Context, poll_id: int):
    return await event_polls.decide(ctx.db, ctx.user, poll_id, ctx.body.option_id)


@endpoint(
    "GET",
    "/api/events/{event_id:int}/report",
    summary="The after-event report with its attachments and who took part",
    tag="events",
    response=c.ReportOut,
    errors=(404,),
)
async def get_report(ctx: Context, event_id: int):
    return await event_reports.get(ctx.db, ctx.user, event_id)


@endpoint(
    "PUT",
    "/api/events/{event_id:int}/report",
    summary="Write the report once the event has begun (moderators)",
    tag="events",
    body=c.ReportSet,
    response=c.ReportOut,
    errors=(403, 404, 409, 422),
    rate="calendar",
)
async def save_report(ctx: Context, event_id: int):
    return await event_reports.save(ctx.db, ctx.user, event_id, ctx.body.model_dump())


@endpoint(
    "POST",
    "/api/events/{event_id:int}/report/practice",
    summary="Draft a practice record in the space's library from the report (moderators)",
    tag="events",
    body=c.PracticeFromReport,
    response=ResourceCreated,
    status=201,
    errors=(403, 404, 409, 422),
    rate="calendar",
)
async def report_to_practice(ctx: Context, event_id: int):
    return await event_reports.to_practice(ctx.db, ctx.user, event_id, ctx.body.model_dump(exclude_unset=True))
