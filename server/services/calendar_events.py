"""Events of a space: workshops, study visits, webinars, training sessions, meetings.

Moderators of the space (and admins) create, change and cancel them; whoever can read the space
reads them. Times are kept as UTC instants plus the organiser's zone."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events, markdown
from server.db.models import CalendarEvent, City, Membership, Space, User
from server.errors import Conflict, Invalid, problem
from server.mail import event_mails
from server.services.access import SpaceAccess, readable_spaces_clause, space_access
from server.services.calendar_core import (
    announce,
    counts_of,
    event_access,
    mine_of,
    to_utc,
    utcnow,
    view,
    zone,
)
from server.services.event_registrations import going_count, promote

# Changes that do not touch what a calendar entry shows: no mail for these.
QUIET = {"capacity", "registration_deadline", "agenda", "languages", "interpretation"}
TIMES = ("starts_at", "ends_at", "registration_deadline")
MAX_RANGE = timedelta(days=400)
LIST_LIMIT = 500


def _render(description: str) -> str:
    return markdown.render(markdown.parse(description), {}) if description else ""


async def _check_city(db: AsyncSession, city_id: int | None) -> None:
    if city_id is not None and await db.get(City, city_id) is None:
        raise Invalid("No such city.", code="unknown_city", fields={"host_city_id": problem("unknown_city")})


def _times(fields: dict, tz: ZoneInfo) -> dict:
    """The sent times as UTC instants, checked against each other."""
    out = {k: to_utc(fields[k], tz, k) for k in TIMES if fields.get(k) is not None}
    if out["ends_at"] <= out["starts_at"]:
        raise Invalid(
            "The event must end after it starts.",
            code="end_before_start",
            fields={"ends_at": problem("must_be_after", other="starts_at")},
        )
    deadline = out.get("registration_deadline")
    if deadline is not None and deadline > out["starts_at"]:
        raise Invalid(
            "Registration must close before the event starts.",
            code="deadline_after_start",
            fields={"registration_deadline": problem("after", other="starts_at")},
        )
    return out


async def create(db: AsyncSession, actor: User, space_id: int, fields: dict, settings=None) -> dict:
    """With `settings`, the space's members are told by mail (mail/event_mails.py)."""
    access = await space_access(db, actor, space_id)
    access.require_moderator()
    tz = zone(fields["timezone"])
    await _check_city(db, fields.get("host_city_id"))
    event = CalendarEvent(
        space_id=space_id,
        uid=f"{uuid.uuid4()}@citybridge",
        created_by=actor.id,
        sequence=0,
        description_html=_render(fields.get("description", "")),
        **{k: v for k, v in fields.items() if k not in TIMES},
        **_times(fields, tz),
    )
    db.add(event)
    await db.flush()
    await db.refresh(event)
    await announce(db, events.CalendarEventCreated, event)
    if settings is not None:
        await event_mails.announce(db, settings, event, actor)
    return view(event, access, (await counts_of(db, [event.id]))[event.id], None)


def _wall_clock(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    return value.astimezone(tz).replace(tzinfo=None) if value is not None else None


async def update(db: AsyncSession, actor: User, event_id: int, changes: dict, settings=None) -> dict:
    """With `settings`, the people registered are told by mail (mail/event_mails.py)."""
    event, access = await event_access(db, actor, event_id, for_update=True)
    access.require_moderator()
    if event.cancelled_at is not None:
        raise Conflict("A cancelled event cannot be changed.", code="event_cancelled")
    old_tz, new_tz = zone(event.timezone), zone(changes.get("timezone", event.timezone))
    if any(k in changes for k in (*TIMES, "timezone")):
        # Times not sent keep their wall-clock reading: correcting the zone moves the instants.
        merged = {k: changes.get(k, _wall_clock(getattr(event, k), old_tz)) for k in TIMES}
        changes = {**changes, **{k: None for k in TIMES}, **_times(merged, new_tz)}
    await _check_city(db, changes.get("host_city_id"))
    if "capacity" in changes and changes["capacity"] < (going := await going_count(db, event.id)):
        raise Invalid(
            "More people already have a place than this capacity.",
            code="capacity_below_registrations",
            fields={"capacity": problem("too_small", min=going)},
        )
    changed = sorted(k for k, v in changes.items() if getattr(event, k) != v)
    for key in changed:
        setattr(event, key, changes[key])
    if "description" in changed:
        event.description_html = _render(event.description)
    if changed:
        event.sequence += 1
        event.updated_at = func.now()
        await db.flush()
        await db.refresh(event)
        await announce(db, events.CalendarEventUpdated, event, {"changed": changed})
        if "capacity" in changed:
            await promote(db, event)
        if settings is not None and set(changed) - QUIET:
            await event_mails.write(db, settings, event, "REQUEST")
    return await _one_view(db, actor, event, access)


async def cancel(db: AsyncSession, actor: User, event_id: int, settings=None) -> None:
    event, access = await event_access(db, actor, event_id, for_update=True)
    access.require_moderator()
    if event.cancelled_at is not None:
        raise Conflict("This event is already cancelled.", code="already_cancelled")
    event.cancelled_at = func.now()
    event.sequence += 1
    event.updated_at = func.now()
    await db.flush()
    await db.refresh(event)
    await announce(db, events.CalendarEventCancelled, event)
    if settings is not None:
        await event_mails.write(db, settings, event, "CANCEL")


async def _one_view(db: AsyncSession, actor: User, event: CalendarEvent, access: SpaceAccess, shown=None) -> dict:
    counts = (await counts_of(db, [event.id]))[event.id]
    return view(event, access, counts, (await mine_of(db, actor, [event.id])).get(event.id), shown)


async def get(db: AsyncSession, actor: User, event_id: int, tz: str | None) -> dict:
    event, access = await event_access(db, actor, event_id)
    return await _one_view(db, actor, event, access, zone(tz, "tz") if tz else None)


def _window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    utc = ZoneInfo("UTC")
    # An instant without an offset is read as UTC.
    start = start.replace(tzinfo=start.tzinfo or utc) if start is not None else utcnow() - timedelta(days=1)
    end = end.replace(tzinfo=end.tzinfo or utc) if end is not None else start + timedelta(days=366)
    if end <= start:
        raise Invalid(
            "`to` must be after `from`.", code="bad_range", fields={"to": problem("must_be_after", other="from")}
        )
    if end - start > MAX_RANGE:
        raise Invalid(
            "Ask for at most 400 days at a time.",
            code="range_too_long",
            fields={"to": problem("too_far_after", max=MAX_RANGE.days, other="from")},
        )
    return start, end


async def listing(
    db: AsyncSession, actor: User, space_id: int | None, start: datetime | None, end: datetime | None, tz: str | None
) -> list[dict]:
    """Events overlapping [start, end) in one space, or in every space the actor can read now."""
    start, end = _window(start, end)
    shown = zone(tz, "tz") if tz else None
    query = (
        select(CalendarEvent, Space, Membership)
        .join(Space, Space.id == CalendarEvent.space_id)
        .outerjoin(Membership, (Membership.space_id == Space.id) & (Membership.user_id == actor.id))
        .where(CalendarEvent.ends_at > start, CalendarEvent.starts_at < end, readable_spaces_clause(actor))
        .order_by(CalendarEvent.starts_at, CalendarEvent.id)
        .limit(LIST_LIMIT)
    )
    if space_id is not None:
        await space_access(db, actor, space_id)
        query = query.where(CalendarEvent.space_id == space_id)
    rows = (await db.execute(query)).all()
    ids = [row.CalendarEvent.id for row in rows]
    counts, mine = await counts_of(db, ids), await mine_of(db, actor, ids)
    return [
        view(
            row.CalendarEvent,
            SpaceAccess(row.Space, row.Membership, actor),
            counts[row.CalendarEvent.id],
            mine.get(row.CalendarEvent.id),
            shown,
        )
        for row in rows
    ]
