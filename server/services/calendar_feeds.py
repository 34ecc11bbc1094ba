"""iCalendar output: one event as a download, and each user's secret personal feed.

A feed address is `<nonce>.<signature>`: the nonce is stored, the signature is an HMAC of it
under the server's secret key. A copy of the database alone yields no working address, and
rotating the nonce revokes the old one, with every space feed derived from it. What a feed
lists is decided at every fetch, by the spaces its owner can read at that moment."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import CalendarEvent, CalendarFeed, City, Space, User
from server.errors import NotFound
from server.services.access import readable_spaces_clause, space_access
from server.services.calendar_core import event_access, utcnow

PRODID = "-//Citybridge//Events//EN"
FEED_PAST, FEED_FUTURE, FEED_LIMIT = timedelta(days=90), timedelta(days=730), 2000


def _component(event: CalendarEvent, space: Space, city: City | None) -> icalendar.Event:
    tz = ZoneInfo(event.timezone)
    item = icalendar.Event()
    item.add("uid", event.uid)
    # Calendar apps replace an entry in place when the UID matches and SEQUENCE is higher.
    item.add("sequence", event.sequence)
    item.add("dtstamp", event.updated_at.astimezone(UTC))
    item.add("created", event.created_at.astimezone(UTC))
    item.add("last-modified", event.updated_at.astimezone(UTC))
    item.add("dtstart", event.starts_at.astimezone(tz))
    item.add("dtend", event.ends_at.astimezone(tz))
    item.add("summary", event.title)
    text = event.description
    if event.online_url:
        text = f"{text}\n\n{event.online_url}".strip()
    if text:
        item.add("description", text)
    place = ", ".join(p for p in (event.location, f"{city.name}, {city.country}" if city else "") if p)
    if place:
        item.add("location", place)
    if event.online_url:
        item.add("url", event.online_url)
    item.add("categories", [event.kind.replace("_", " ")])
    item.add("x-citybridge-space", space.name)
    item.add("status", "CANCELLED" if event.cancelled_at is not None else "CONFIRMED")
    return item


def _calendar(
    name: str, rows: list[tuple[CalendarEvent, Space, City | None]], method: str = "PUBLISH", people=None
) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    for event, space, city in rows:
        item = _component(event, space, city)
        if people is not None:  # an iTIP message (RFC 5546) names its organiser and attendee
            organizer, attendee = people
            item.add("organizer", f"mailto:{organizer}")
            item.add("attendee", f"mailto:{attendee}", parameters={"ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"})
        calendar.add_component(item)
    calendar.add_missing_timezones()  # VTIMEZONE for every TZID used, so any client reads the hour right
    return calendar.to_ical()


def invitation_ics(
    event: CalendarEvent, space: Space, city: City | None, method: str, organizer: str, attendee: str
) -> str:
    """A METHOD:REQUEST (new or changed) or METHOD:CANCEL message for one attendee's mailbox."""
    return _calendar(event.title, [(event, space, city)], method, (organizer, attendee)).decode()


def announcement_ics(event: CalendarEvent, space: Space, city: City | None) -> str:
    """A METHOD:PUBLISH entry of a new event: something to add to a calendar, not an invitation."""
    return _calendar(event.title, [(event, space, city)]).decode()


async def event_ics(db: AsyncSession, actor: User, event_id: int) -> bytes:
    event, access = await event_access(db, actor, event_id)
    city = await db.get(City, event.host_city_id) if event.host_city_id else None
    return _calendar(event.title, [(event, access.space, city)])


def _signature(secret_key: str, nonce: str) -> str:
    mac = hmac.new(secret_key.encode(), f"calendar-feed:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode()


def _secret(secret_key: str, nonce: str) -> str:
    return f"{nonce}.{_signature(secret_key, nonce)}"


async def feed_secret(db: AsyncSession, user: User, secret_key: str, *, rotate: bool = False) -> str:
    nonce = secrets.token_urlsafe(18)
    statement = insert(CalendarFeed).values(user_id=user.id, nonce=nonce)
    if rotate:
        statement = statement.on_conflict_do_update(index_elements=[CalendarFeed.user_id], set_={"nonce": nonce})
    else:
        statement = statement.on_conflict_do_nothing(index_elements=[CalendarFeed.user_id])
    await db.execute(statement)
    stored = await db.scalar(select(CalendarFeed.nonce).where(CalendarFeed.user_id == user.id))
    return _secret(secret_key, stored)


async def space_feed_path(db: AsyncSession, user: User, space_id: int, secret_key: str) -> str:
    """The member's feed of one space: their personal secret plus the space, so rotating the
    personal address revokes it too; NotFound unless the user reads the space now."""
    await space_access(db, user, space_id)
    return f"{await feed_secret(db, user, secret_key)}/spaces/{space_id}"


async def feed(db: AsyncSession, secret: str, secret_key: str, space_id: int | None = None) -> bytes:
    """The owner's events in every space they can read now; with space_id, that space's only, and
    a 404 as soon as the owner can no longer read it (removed, suspended, space closed)."""
    nonce, _, signature = secret.partition(".")
    if not nonce or not hmac.compare_digest(signature.encode(), _signature(secret_key, nonce).encode()):
        raise NotFound("No such calendar.")
    owner = await db.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.nonce == nonce, User.deactivated_at.is_(None))
    )
    if owner is None:
        raise NotFound("No such calendar.")
    name = f"Citybridge: {owner.name}"
    scope = readable_spaces_clause(owner)
    if space_id is not None:
        space = await db.scalar(select(Space).where(Space.id == space_id, scope))
        if space is None:
            raise NotFound("No such calendar.")
        name, scope = f"Citybridge: {space.name}", scope & (CalendarEvent.space_id == space_id)
    moment = utcnow()
    rows = (
        await db.execute(
            select(CalendarEvent, Space, City)
            .join(Space, Space.id == CalendarEvent.space_id)
            .outerjoin(City, City.id == CalendarEvent.host_city_id)
            .where(
                scope,
                CalendarEvent.ends_at > moment - FEED_PAST,
                CalendarEvent.starts_at < moment + FEED_FUTURE,
            )
            .order_by(CalendarEvent.starts_at, CalendarEvent.id)
            .limit(FEED_LIMIT)
        )
    ).all()
    return _calendar(name, [(r.CalendarEvent, r.Space, r.City) for r in rows])
