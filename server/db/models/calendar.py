"""Workshops, study visits and webinars of a space, the registrations to them, and the secret
personal calendar feeds. The change log already owns the table name `events`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, created_at_column

EVENT_KINDS = ("workshop", "study_visit", "webinar", "training", "meeting")
REGISTRATION_STATUSES = ("going", "maybe", "not_going", "waiting")


class CalendarEvent(Base):
    __tablename__ = "calendar_events"
    __table_args__ = (
        CheckConstraint("kind IN ('workshop', 'study_visit', 'webinar', 'training', 'meeting')", name="kind"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity"),
        Index("ix_calendar_events_space_starts", "space_id", "starts_at"),
        Index("ix_calendar_events_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"))
    # Stable across edits so calendar apps update the entry in place (RFC 5545 UID).
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    # Instants in UTC; `timezone` is the organiser's IANA zone, which fixes the wall-clock
    # time across daylight-saving changes and is what the .ics carries as TZID.
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    timezone: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(Text, default="")
    host_city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    online_url: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list)
    interpretation: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list)
    agenda: Mapped[list] = mapped_column(JSONB, default=list)
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()


class Registration(Base):
    __tablename__ = "event_registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        CheckConstraint("status IN ('going', 'maybe', 'not_going', 'waiting')", name="status"),
        Index("ix_event_registrations_queue", "event_id", "status", "queued_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("calendar_events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict] = mapped_column(JSONB, default=dict)
    # The registrant's own zone (their browser's), so reminders give the hour they will live it.
    timezone: Mapped[str | None] = mapped_column(String(64))
    # When the person last asked for a place: the waiting list is served in this order.
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()


class CalendarFeed(Base):
    """A user's personal feed. The URL carries `nonce` signed with the server's secret key, so
    a copy of the database alone cannot produce a working feed address."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = created_at_column()
