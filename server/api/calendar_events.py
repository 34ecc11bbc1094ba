"""Workshops, study visits and webinars: events, registration, and calendars (.ics)."""

from __future__ import annotations

from starlette.responses import Response

from server.api import calendar_schemas as c
from server.api.framework import Context, changes, endpoint
from server.services import calendar_events, calendar_feeds, event_registrations

ICS = "text/calendar; charset=utf-8"


@endpoint(
    "GET",
    "/api/spaces/{space_id:int}/events",
    summary="Events of a space overlapping a period (by default: from yesterday, for a year)",
    tag="events",
    query=c.Range,
    response=c.EventList,
    errors=(404, 422),
)
async def space_events(ctx: Context, space_id: int):
    q = ctx.query
    return {"items": await calendar_events.listing(ctx.db, ctx.user, space_id, q.from_, q.to, q.tz)}


@endpoint(
    "POST",
    "/api/spaces/{space_id:int}/events",
    summary="Create an event (moderators of the space)",
    tag="events",
    body=c.EventCreate,
    response=c.EventOut,
    status=201,
    errors=(403, 404, 422),
    rate="calendar",
)
async def create_event(ctx: Context, space_id: int):
    return await calendar_events.create(ctx.db, ctx.user, space_id, ctx.body.model_dump(), ctx.settings)


@endpoint(
    "GET",
    "/api/events",
    summary="My calendar: events of every space I can read, overlapping a period",
    tag="events",
    query=c.Range,
    response=c.EventList,
    errors=(422,),
)
async def my_events(ctx: Context):
    q = ctx.query
    return {"items": await calendar_events.listing(ctx.db, ctx.user, None, q.from_, q.to, q.tz)}


@endpoint(
    "GET",
    "/api/events/{event_id:int}",
    summary="One event; `tz` adds its times in that zone",
    tag="events",
    query=c.Shown,
    response=c.EventOut,
    errors=(404, 422),
)
async def get_event(ctx: Context, event_id: int):
    return await calendar_events.get(ctx.db, ctx.user, event_id, ctx.query.tz)


@endpoint(
    "PATCH",
    "/api/events/{event_id:int}",
    summary="Change an event (moderators); calendars see a higher SEQUENCE",
    tag="events",
    body=c.EventChange,
    response=c.EventOut,
    errors=(403, 404, 409, 422),
    rate="calendar",
)
async def update_event(ctx: Context, event_id: int):
    return await calendar_events.update(ctx.db, ctx.user, event_id, changes(ctx.body), ctx.settings)


@endpoint(
    "DELETE",
    "/api/events/{event_id:int}",
    summary="Cancel an event (moderators): it stays listed, marked cancelled, so calendars drop it",
    tag="events",
    status=204,
    errors=(403, 404, 409),
    rate="calendar",
)
async def cancel_event(ctx: Context, event_id: int):
    await calendar_events.cancel(ctx.db, ctx.user, event_id, ctx.settings)


@endpoint(
    "PUT",
    "/api/events/{event_id:int}/registration",
    summary="Answer going, maybe or not going; going on a full event puts me on the waiting list",
    tag="events",
    body=c.RegistrationSet,
    response=c.RegistrationOut,
    errors=(404, 409, 422),
    rate="calendar",
)
async def set_registration(ctx: Context, event_id: int):
    body = ctx.body
    answers = body.answers.model_dump(exclude_none=True)
    return await event_registrations.register(ctx.db, ctx.user, event_id, body.status, answers, timezone=body.timezone)


@endpoint(
    "GET",
    "/api/events/{event_id:int}/delegations",
    summary="Who is going, grouped by city (a study visit's delegations), for readers of the space",
    tag="events",
    response=c.DelegationList,
    errors=(404,),
)
async def list_delegations(ctx: Context, event_id: int):
    return await event_registrations.delegations(ctx.db, ctx.user, event_id)


@endpoint(
    "GET",
    "/api/events/{event_id:int}/registrations",
    summary="Who registered, with their answers (moderators); format=csv for a spreadsheet",
    tag="events",
    query=c.RegistrationQuery,
    response=c.RegistrantList,
    errors=(403, 404, 422),
)
async def list_registrations(ctx: Context, event_id: int):
    listing = await event_registrations.registrants(ctx.db, ctx.user, event_id)
    if ctx.query.format == "csv":
        return Response(
            event_registrations.as_csv(listing),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="event-{event_id}-registrations.csv"'},
        )
    return listing


@endpoint(
    "GET", "/api/events/{event_id:int}/ics", summary="The event as an iCalendar file", tag="events", errors=(404,)
)
async def event_ics(ctx: Context, event_id: int):
    body = await calendar_feeds.event_ics(ctx.db, ctx.user, event_id)
    disposition = f'attachment; filename="event-{event_id}.ics"'
    return Response(body, media_type=ICS, headers={"Content-Disposition": disposition})


def _feed_url(ctx: Context, secret: str) -> dict:
    # The secret may carry a path (`<secret>/spaces/<id>`): the address still ends in .ics, which
    # some calendar apps require, and carries no query string, which some drop.
    return {"url": f"{str(ctx.request.base_url).rstrip('/')}/calendar/{secret}.ics"}


@endpoint(
    "GET",
    "/api/me/calendar",
    summary="The secret address of my personal calendar feed",
    tag="events",
    response=c.CalendarFeedOut,
    writes=True,  # the feed is made on first ask
)
async def my_calendar(ctx: Context):
    return _feed_url(ctx, await calendar_feeds.feed_secret(ctx.db, ctx.user, ctx.settings.secret_key))


@endpoint(
    "POST",
    "/api/me/calendar",
    summary="Replace my feed's secret address; the old one stops working",
    tag="events",
    response=c.CalendarFeedOut,
    rate="calendar",
)
async def rotate_calendar(ctx: Context):
    secret = await calendar_feeds.feed_secret(ctx.db, ctx.user, ctx.settings.secret_key, rotate=True)
    return _feed_url(ctx, secret)


@endpoint(
    "GET",
    "/calendar/{secret}.ics",
    summary="A personal calendar feed (the secret address is the credential)",
    tag="events",
    auth="none",
    errors=(404,),
)
async def calendar_feed(ctx: Context, secret: str):
    body = await calendar_feeds.feed(ctx.db, secret, ctx.settings.secret_key)
    return Response(body, media_type=ICS, headers={"Cache-Control": "private, no-cache"})


@endpoint(
    "GET",
    "/api/spaces/{space_id:int}/calendar",
    summary="The secret address of my feed of this space's events (my personal feed's secret)",
    tag="events",
    response=c.CalendarFeedOut,
    errors=(404,),
    writes=True,  # the personal feed is made on first ask
)
async def space_calendar(ctx: Context, space_id: int):
    path = await calendar_feeds.space_feed_path(ctx.db, ctx.user, space_id, ctx.settings.secret_key)
    return _feed_url(ctx, path)


@endpoint(
    "GET",
    "/calendar/{secret}/spaces/{space_id:int}.ics",
    summary="A member's feed of one space; 404 once they can no longer read the space",
    tag="events",
    auth="none",
    errors=(404,),
)
async def space_calendar_feed(ctx: Context, secret: str, space_id: int):
    body = await calendar_feeds.feed(ctx.db, secret, ctx.settings.secret_key, space_id)
    return Response(body, media_type=ICS, headers={"Cache-Control": "private, no-cache"})
