"""What events, registrations and feeds share: time zones, reading an event under the rules of
its space, counting places, the answer's shape, and the one place that writes to the change log."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import CalendarEvent, Membership, Registration, Space, User
from server.errors import Invalid, NotFound, problem
from server.services import changelog
from server.services.access import SpaceAccess, can_read
from server.services.views import iso


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name: str, field: str = "timezone") -> ZoneInfo:
    """An IANA zone by name; anything else (including file paths) is refused."""
    if name not in _zones():
        raise Invalid(
            "Unknown time zone: use an IANA name such as Europe/Brussels.",
            code="unknown_time_zone",
            fields={field: problem("unknown_time_zone")},
        )
    return ZoneInfo(name)


def to_utc(value: datetime, tz: ZoneInfo, field: str) -> datetime:
    """A sent time as a UTC instant. Without an offset it is a wall-clock time in `tz`; one that
    the clocks skip (the hour lost when daylight-saving time starts) is refused, not guessed."""
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    local = value.replace(tzinfo=tz)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != value:
        raise Invalid(
            "This local time does not exist: the clocks skip it that day.",
            code="nonexistent_local_time",
            fields={field: problem("skipped_time")},
        )
    return instant


def local_iso(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).isoformat()


async def event_access(
    db: AsyncSession, user: User, event_id: int, *, for_update: bool = False
) -> tuple[CalendarEvent, SpaceAccess]:
    """The event and the user's standing in its space; NotFound when the space is not readable.
    for_update locks the event row: registrations to one event are taken one at a time."""
    query = (
        select(CalendarEvent, Space, Membership)
        .join(Space, Space.id == CalendarEvent.space_id)
        .outerjoin(Membership, (Membership.space_id == Space.id) & (Membership.user_id == user.id))
        .where(CalendarEvent.id == event_id)
    )
    if for_update:
        query = query.with_for_update(of=CalendarEvent, key_share=True)
    row = (await db.execute(query)).first()
    if row is None or not can_read(user, row.Space, row.Membership):
        raise NotFound("No such event.")
    return row.CalendarEvent, SpaceAccess(row.Space, row.Membership, user)


async def counts_of(db: AsyncSession, event_ids: list[int]) -> dict[int, dict[str, int]]:
    result = {i: {"going": 0, "maybe": 0, "waiting": 0, "not_going": 0} for i in event_ids}
    rows = await db.execute(
        select(Registration.event_id, Registration.status, func.count())
        .where(Registration.event_id.in_(event_ids))
        .group_by(Registration.event_id, Registration.status)
    )
    for event_id, status, count in rows:
        result[event_id][status] = count
    return result


async def position_of(db: AsyncSession, registration: Registration) -> int | None:
    """1 for the first on the waiting list; None for anyone not waiting."""
    if registration.status != "waiting":
        return None
    ahead = await db.scalar(
        select(func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.status == "waiting",
            tuple_(Registration.queued_at, Registration.id) < tuple_(registration.queued_at, registration.id),
        )
    )
    return ahead + 1


async def mine_of(db: AsyncSession, user: User, event_ids: list[int]) -> dict[int, dict]:
    rows = await db.scalars(
        select(Registration).where(Registration.event_id.in_(event_ids), Registration.user_id == user.id)
    )
    return {
        r.event_id: {"status": r.status, "position": await position_of(db, r), "answers": dict(r.answers or {})}
        for r in rows
    }


def brief(event: CalendarEvent) -> dict:
    """What change-log events carry: enough to place the event, nothing private."""
    return {
        "id": event.id,
        "space_id": event.space_id,
        "kind": event.kind,
        "title": event.title,
        "starts_at": iso(event.starts_at),
        "ends_at": iso(event.ends_at),
        "timezone": event.timezone,
        "status": "cancelled" if event.cancelled_at else "scheduled",
        "sequence": event.sequence,
    }


def view(
    event: CalendarEvent, access: SpaceAccess, counts: dict, mine: dict | None, shown: ZoneInfo | None = None
) -> dict:
    tz = ZoneInfo(event.timezone)

    def times(z: ZoneInfo) -> dict:
        return {"timezone": z.key, "starts_at": local_iso(event.starts_at, z), "ends_at": local_iso(event.ends_at, z)}

    return {
        **brief(event),
        "uid": event.uid,
        "description": event.description,
        "description_html": event.description_html,
        "local": times(tz),
        "shown": times(shown) if shown is not None else None,
        "location": event.location,
        "host_city_id": event.host_city_id,
        "online_url": event.online_url,
        "languages": list(event.languages or []),
        "interpretation": list(event.interpretation or []),
        "agenda": list(event.agenda or []),
        "capacity": event.capacity,
        "registration_deadline": iso(event.registration_deadline),
        "counts": counts,
        "my_registration": mine,
        "can_edit": access.is_moderator,
        "created_by": event.created_by,
        "created_at": iso(event.created_at),
        "updated_at": iso(event.updated_at),
    }


async def announce(db: AsyncSession, kind: type[events.Event], event: CalendarEvent, extra: dict | None = None) -> None:
    """The one place this feature writes to the change log, in the caller's transaction, so that
    the event reaches the space's readers live once (and only if) the transaction commits."""
    data = (
        {**brief(event), **(extra or {})} if kind.KIND.startswith("event.") else {"event_id": event.id, **(extra or {})}
    )
    await changelog.record(db, kind(**data), space_id=event.space_id)


def utcnow() -> datetime:
    return datetime.now(UTC)
