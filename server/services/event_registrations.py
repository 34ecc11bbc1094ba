"""Registration to an event: places up to its capacity, then a waiting list served in order.

Every change takes the event row's lock first (SELECT ... FOR NO KEY UPDATE), so registrations to one
event are decided one at a time whichever node serves them: the count of places taken that a
decision reads cannot change before it commits."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import CalendarEvent, City, Registration, User
from server.errors import Conflict, problem
from server.services.calendar_core import announce, counts_of, event_access, position_of, utcnow, zone
from server.services.views import iso, user_brief

ANSWER_KEYS = ("dietary", "interpretation", "accessibility", "note")


def _closed(event: CalendarEvent) -> bool:
    moment = utcnow()
    return moment >= event.starts_at or (
        event.registration_deadline is not None and moment > event.registration_deadline
    )


async def going_count(db: AsyncSession, event_id: int) -> int:
    return await db.scalar(
        select(func.count()).where(Registration.event_id == event_id, Registration.status == "going")
    )


async def promote(db: AsyncSession, event: CalendarEvent) -> None:
    """Give freed places to the first on the waiting list. The caller holds the event's lock."""
    query = (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "waiting")
        .order_by(Registration.queued_at, Registration.id)
    )
    if event.capacity is not None:
        free = event.capacity - await going_count(db, event.id)
        if free <= 0:
            return
        query = query.limit(free)
    for registration in (await db.scalars(query)).all():
        registration.status = "going"
        registration.updated_at = func.now()
        await db.flush()
        await announce(
            db,
            events.RegistrationChanged,
            event,
            {"user_id": registration.user_id, "status": "going", "position": None, "promoted": True},
        )


def _refuse_repeat(current: Registration | None, status: str, answers: dict) -> None:
    if current is None or answers != (current.answers or {}):
        return
    same = current.status == status or (status == "going" and current.status == "waiting")
    if same:
        raise Conflict(
            f"You already answered {current.status!r} for this event.",
            code="already_registered",
            fields={"status": problem("already_answered", status=current.status)},
        )


async def register(
    db: AsyncSession, actor: User, event_id: int, status: str, answers: dict, *, timezone: str | None = None
) -> dict:
    own_zone = zone(timezone, "timezone").key if timezone is not None else None
    event, _ = await event_access(db, actor, event_id, for_update=True)
    if event.cancelled_at is not None:
        raise Conflict("This event was cancelled.", code="event_cancelled")
    current = await db.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.user_id == actor.id)
    )
    _refuse_repeat(current, status, answers)
    if status != "not_going" and _closed(event):
        # Saying no (and freeing a place) stays possible after the deadline; signing up does not.
        raise Conflict(
            "Registration for this event is closed.", code="registration_closed", fields={"status": problem("closed")}
        )
    before = current.status if current is not None else None
    if status == "going" and before in ("going", "waiting"):
        new_status = before  # only the answers change: the place in the queue is kept
    elif status == "going":
        full = event.capacity is not None and await going_count(db, event.id) >= event.capacity
        new_status = "waiting" if full else "going"
    else:
        new_status = status
    if current is None:
        current = Registration(
            event_id=event.id, user_id=actor.id, status=new_status, answers=answers, queued_at=func.clock_timestamp()
        )
        db.add(current)
    else:
        current.status, current.answers, current.updated_at = new_status, answers, func.now()
    if own_zone is not None:
        current.timezone = own_zone
    if new_status != before and new_status in ("going", "waiting"):
        # clock_timestamp(), not now(): read after the lock is held, it orders the queue as the
        # decisions were made, not as the transactions began.
        current.queued_at = func.clock_timestamp()
    await db.flush()
    await db.refresh(current)
    position = await position_of(db, current)
    if new_status != before:
        await announce(
            db, events.RegistrationChanged, event, {"user_id": actor.id, "status": new_status, "position": position}
        )
    if before == "going" and new_status != "going":
        await promote(db, event)
    counts = (await counts_of(db, [event.id]))[event.id]
    return {"event_id": event.id, "status": new_status, "position": position, "answers": answers, "counts": counts}


async def registrants(db: AsyncSession, actor: User, event_id: int) -> dict:
    event, access = await event_access(db, actor, event_id)
    access.require_moderator()
    rows = (
        await db.execute(
            select(Registration, User)
            .join(User, User.id == Registration.user_id)
            .where(Registration.event_id == event.id)
            .order_by(Registration.status, Registration.queued_at, Registration.id)
        )
    ).all()
    items, waiting = [], 0
    for registration, user in rows:
        waiting += registration.status == "waiting"
        items.append(
            {
                "user": user_brief(user),
                "status": registration.status,
                "position": waiting if registration.status == "waiting" else None,
                "answers": dict(registration.answers or {}),
                "queued_at": iso(registration.queued_at),
                "updated_at": iso(registration.updated_at),
            }
        )
    return {"items": items, "counts": (await counts_of(db, [event.id]))[event.id]}


def as_csv(listing: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "handle", "status", "position", *ANSWER_KEYS, "registered_at"])
    for item in listing["items"]:
        row = [item["user"]["name"], item["user"]["handle"], item["status"], item["position"] or ""]
        row += [item["answers"].get(k, "") for k in ANSWER_KEYS] + [item["queued_at"]]
        # A cell starting with = + - @ would run as a formula when the file is opened in a spreadsheet.
        writer.writerow([f"'{c}" if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in row])
    return out.getvalue()


async def delegations(db: AsyncSession, actor: User, event_id: int) -> dict:
    """Who is going (or maybe) grouped by city, for any reader of the space: a study visit is
    planned per city. The lead of a delegation is its earliest registrant who is going. Answers
    to the registration questions stay with the organisers (`registrants`)."""
    event, _ = await event_access(db, actor, event_id)
    rows = await db.execute(
        select(Registration, User, City)
        .join(User, User.id == Registration.user_id)
        .outerjoin(City, City.id == User.city_id)
        .where(Registration.event_id == event.id, Registration.status.in_(("going", "maybe")))
        .order_by(Registration.queued_at, Registration.id)
    )
    groups: dict[int | None, dict] = {}
    for registration, user, city in rows:
        key = city.id if city else None
        city_view = {"id": city.id, "name": city.name, "country": city.country} if city else None
        group = groups.setdefault(key, {"city": city_view, "lead": None, "members": []})
        group["members"].append({"user": user_brief(user), "status": registration.status})
        if group["lead"] is None and registration.status == "going":
            group["lead"] = user_brief(user)
    ordered = sorted(
        groups.values(), key=lambda g: (g["city"] is None, -len(g["members"]), (g["city"] or {}).get("name", ""))
    )
    return {"items": ordered}
