"""After the event: a report (what we saw, what we will adapt) with files from the space's
library and the list of who took part; one call drafts a practice record from it, so a study
visit becomes knowledge the network can find. Organisers (moderators) write; readers read."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import CalendarEvent, City, EventReport, Registration, Resource, User
from server.errors import Conflict, Invalid, problem
from server.services import changelog
from server.services.calendar_core import event_access, utcnow
from server.services.library import resources as library
from server.services.library.resource_views import REQUIRED_PRACTICE
from server.services.views import iso, user_brief


async def _participants(db: AsyncSession, event: CalendarEvent) -> list[dict]:
    users = await db.scalars(
        select(User)
        .join(Registration, Registration.user_id == User.id)
        .where(Registration.event_id == event.id, Registration.status == "going")
        .order_by(User.name, User.id)
    )
    return [user_brief(u) for u in users]


async def _attachments(db: AsyncSession, event: CalendarEvent, ids: list[int]) -> list[Resource]:
    if not ids:
        return []
    found = (
        await db.scalars(
            select(Resource).where(
                Resource.id.in_(ids), Resource.space_id == event.space_id, Resource.hidden_at.is_(None)
            )
        )
    ).all()
    by_id = {r.id: r for r in found}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise Invalid(
            "Attach entries of this space's library only.",
            code="unknown_attachment",
            fields={"attachment_ids": problem("not_in_library", ids=", ".join(map(str, missing)))},
        )
    return [by_id[i] for i in ids]


async def _view(db: AsyncSession, event: CalendarEvent, report: EventReport | None, can_edit: bool) -> dict:
    attached = await _attachments(db, event, list(report.attachment_ids)) if report else []
    return {
        "event_id": event.id,
        "exists": report is not None,
        "seen": report.seen if report else "",
        "adapt": report.adapt if report else "",
        "attachments": [{"id": r.id, "title": r.title, "kind": r.kind} for r in attached],
        "participants": await _participants(db, event),
        "practice_id": report.practice_id if report else None,
        "updated_at": iso(report.updated_at) if report else None,
        "can_edit": can_edit,
    }


async def get(db: AsyncSession, actor: User, event_id: int) -> dict:
    event, access = await event_access(db, actor, event_id)
    return await _view(db, event, await db.get(EventReport, event.id), access.is_moderator)


async def _writable(db: AsyncSession, actor: User, event_id: int):
    event, access = await event_access(db, actor, event_id, for_update=True)
    access.require_moderator()
    if event.cancelled_at is not None:
        raise Conflict("A cancelled event has no report.", code="event_cancelled")
    if event.starts_at > utcnow():
        raise Conflict("The report is written once the event has begun.", code="event_not_started")
    return event, access, await db.get(EventReport, event.id)


async def save(db: AsyncSession, actor: User, event_id: int, fields: dict) -> dict:
    event, _, report = await _writable(db, actor, event_id)
    ids = list(dict.fromkeys(fields["attachment_ids"]))
    await _attachments(db, event, ids)
    if report is None:
        report = EventReport(event_id=event.id)
        db.add(report)
    report.seen, report.adapt, report.attachment_ids = fields["seen"], fields["adapt"], ids
    report.updated_by, report.updated_at = actor.id, func.now()
    await db.flush()
    await db.refresh(report)
    await changelog.record(
        db, events.CalendarEventReported(event_id=event.id, practice_id=report.practice_id), space_id=event.space_id
    )
    return await _view(db, event, report, True)


async def to_practice(db: AsyncSession, actor: User, event_id: int, overrides: dict) -> dict:
    """Draft a practice record from the report (review status `draft`), linked from the report."""
    event, access, report = await _writable(db, actor, event_id)
    if report is None:
        raise Conflict("Write the report first.", code="no_report")
    if report.practice_id is not None:
        raise Conflict("A practice record was already drafted from this report.", code="already_drafted")
    city_id = actor.city_id or event.host_city_id  # the city that adapts: the reporter's own
    city = await db.get(City, city_id) if city_id else None
    languages = list(actor.languages or []) or list(city.languages if city else [])
    summary = "\n\n".join(part for part in (report.seen, report.adapt) if part).strip()
    fields = {
        "kind": "practice",
        "title": event.title,
        "summary": summary[:5000],
        "city_id": city.id if city else None,
        "themes": list(access.space.themes or []),
        "language": languages[0] if languages else None,
        **{k: v for k, v in overrides.items() if v is not None},
    }
    missing = {k: problem("required") for k in REQUIRED_PRACTICE if not fields.get(k)}
    if missing:
        raise Invalid("Complete the practice record: some required fields are empty.", fields=missing)
    practice = await library.create(db, actor, event.space_id, fields)
    report.practice_id = practice["id"]
    await db.flush()
    await changelog.record(
        db, events.CalendarEventReported(event_id=event.id, practice_id=report.practice_id), space_id=event.space_id
    )
    return practice
