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
