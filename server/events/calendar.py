"""The kinds of workshops, study visits and webinars (server/services/calendar_core.py announces
them): enough to place an event in a calendar, nothing private."""

from __future__ import annotations

from dataclasses import dataclass

from server.events.registry import ABSENT, Event, declare


@dataclass(frozen=True, kw_only=True)
class CalendarEventPayload(Event):
    id: int
    space_id: int
    kind: str
    title: str
    starts_at: str
    ends_at: str
    timezone: str
    status: str
    sequence: int


@declare("event.created")
class CalendarEventCreated(CalendarEventPayload):
    """A workshop, study visit or other event was scheduled: its brief (times in UTC and its zone)."""


@declare("event.updated")
class CalendarEventUpdated(CalendarEventPayload):
    """An event changed: its brief and `changed`, the fields that changed (`sequence` grows)."""

    changed: list[str]


@declare("event.cancelled")
class CalendarEventCancelled(CalendarEventPayload):
    """An event was cancelled: its brief with `status: cancelled`."""


@declare("registration.changed")
class RegistrationChanged(Event):
    """Someone's registration changed: `{event_id, user_id, status, position}`, and `promoted: true`
    when they moved up from the waiting list."""

    event_id: int
    user_id: int
    status: str
    position: int | None
    promoted: bool = ABSENT


@declare("poll.created")
class DatePollCreated(Event):
    """An organiser proposed dates for an event: `{id, space_id, title, options}` (option starts in UTC)."""

    id: int
    space_id: int
    title: str
    options: list[str]


@declare("poll.voted")
class DatePollVoted(Event):
    """Someone marked the dates that suit them: `{poll_id, user_id, option_ids}`."""

    poll_id: int
    user_id: int
    option_ids: list[int]


@declare("poll.decided")
class DatePollDecided(Event):
    """A date was chosen: `{poll_id, option_id, event_id}`; the event itself comes as `event.created`."""

    poll_id: int
    option_id: int
    event_id: int


@declare("event.reported")
class CalendarEventReported(Event):
    """The after-event report was written or changed: `{event_id, practice_id}` (no text: it is read by id)."""

    event_id: int
    practice_id: int | None = None
