"""The events part of `citybridge export --space ID`: workshops, study visits and the rest with their
agenda and report, and date polls, as JSON and CSV beside the threads and the library.

Registrations are exported as counts per answer, never as people: who registered, with their
dietary or accessibility needs, is personal data the organisers' own list (CSV from the event
page) serves while the space exists; it does not leave with the space."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models.calendar import CalendarEvent, Registration
from server.db.models.calendar_more import DatePoll, DatePollOption, DatePollVote, EventReport

EVENT_COLUMNS = [
    "id",
    "uid",
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "timezone",
    "location",
    "host_city_id",
    "online_url",
    "languages",
    "interpretation",
    "agenda",
    "capacity",
    "registration_deadline",
    "cancelled",
    "created_at",
    "registrations",
    "report_seen",
    "report_adapt",
    "report_practice_id",
]
POLL_COLUMNS = ["id", "kind", "title", "description", "timezone", "duration_minutes", "event_id", "closed", "options"]


async def export_events(db: AsyncSession, space_id: int, output: Path, write) -> dict:
    """Write events and polls of the space with `write(directory, name, rows, columns)`; their counts."""
    counts: dict[int, dict[str, int]] = {}
    for event_id, status, n in await db.execute(
        select(Registration.event_id, Registration.status, func.count())
        .join(CalendarEvent, CalendarEvent.id == Registration.event_id)
        .where(CalendarEvent.space_id == space_id)
        .group_by(Registration.event_id, Registration.status)
    ):
        counts.setdefault(event_id, {})[status] = n
    events = []
    for event, report in await db.execute(
        select(CalendarEvent, EventReport)
        .outerjoin(EventReport, EventReport.event_id == CalendarEvent.id)
        .where(CalendarEvent.space_id == space_id)
        .order_by(CalendarEvent.starts_at, CalendarEvent.id)
    ):
        events.append(
            {
                **{c: getattr(event, c, None) for c in EVENT_COLUMNS},
                "cancelled": event.cancelled_at is not None,
                "registrations": counts.get(event.id, {}),
                "report_seen": report.seen if report else None,
                "report_adapt": report.adapt if report else None,
                "report_practice_id": report.practice_id if report else None,
            }
        )
    polls = await _polls(db, space_id)
    write(output, "events", events, EVENT_COLUMNS)
    write(output, "polls", polls, POLL_COLUMNS)
    return {"events": len(events), "polls": len(polls)}


async def _polls(db: AsyncSession, space_id: int) -> list[dict]:
    votes = dict(
        (
            await db.execute(
                select(DatePollOption.id, func.count(DatePollVote.user_id))
                .join(DatePoll, DatePoll.id == DatePollOption.poll_id)
                .outerjoin(DatePollVote, DatePollVote.option_id == DatePollOption.id)
                .where(DatePoll.space_id == space_id)
                .group_by(DatePollOption.id)
            )
        ).all()
    )
    options: dict[int, list[dict]] = {}
    for option in await db.scalars(
        select(DatePollOption)
        .join(DatePoll, DatePoll.id == DatePollOption.poll_id)
        .where(DatePoll.space_id == space_id)
        .order_by(DatePollOption.starts_at, DatePollOption.id)
    ):
        options.setdefault(option.poll_id, []).append(
            {"starts_at": option.starts_at.isoformat(), "votes": votes.get(option.id, 0)}
        )
    return [
        {
            **{c: getattr(poll, c, None) for c in POLL_COLUMNS},
            "closed": poll.closed_at is not None,
            "options": options.get(poll.id, []),
        }
        for poll in await db.scalars(select(DatePoll).where(DatePoll.space_id == space_id).order_by(DatePoll.id))
    ]
