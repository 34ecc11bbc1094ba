"""Request and answer bodies of events, registrations and calendar feeds."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from server.api.schemas import Answer, Change, Id, Language, Name, Strict, Themes, Title, UserBrief
from server.api.schemas.exact import WHITESPACE, Integral, Written

EventKind = Literal["workshop", "study_visit", "webinar", "training", "meeting"]
Zone = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Url = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=rf"^https?://[^{WHITESPACE}\ufeff]+$")
]
Description = Annotated[str, StringConstraints(max_length=20000)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Capacity = Annotated[int, Field(ge=1, le=100_000), Integral]
AnswerText = Annotated[str, StringConstraints(max_length=1000)]


class AgendaItem(Strict):
    time: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] | None = None
    title: Title
    speakers: Annotated[list[Name], Field(max_length=10)] = []


Agenda = Annotated[list[AgendaItem], Field(max_length=60)]
Languages = Annotated[list[Language], Field(max_length=20)]


class EventCreate(Strict):
    """Times without an offset are wall-clock times in `timezone` (the organiser's IANA zone)."""

    kind: EventKind
    title: Title
    description: Description = ""
    starts_at: datetime
    ends_at: datetime
    timezone: Zone
    location: Place = ""
    host_city_id: Id | None = None
    online_url: Url | None = None
    languages: Languages = []
    interpretation: Languages = []
    agenda: Agenda = []
    capacity: Capacity | None = None
    registration_deadline: datetime | None = None


class EventChange(Change):
    kind: EventKind | None = None
    title: Title | None = None
    description: Description | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    timezone: Zone | None = None
    location: Place | None = None
    host_city_id: Id | None = None
    online_url: Url | None = None
    languages: Languages | None = None
    interpretation: Languages | None = None
    agenda: Agenda | None = None
    capacity: Capacity | None = None
    registration_deadline: datetime | None = None


class Range(BaseModel):
    """`from` and `to` are instants (ISO 8601; without an offset, UTC); `tz` adds times in that zone."""

    model_config = ConfigDict(extra="forbid")
    from_: Annotated[datetime, Written] | None = Field(default=None, alias="from")
    to: Annotated[datetime, Written] | None = None
    tz: Zone | None = None


class Shown(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tz: Zone | None = None


class RegistrationAnswers(Strict):
    dietary: AnswerText | None = None
    interpretation: AnswerText | None = None
    accessibility: AnswerText | None = None
    note: AnswerText | None = None


class RegistrationSet(Strict):
    status: Literal["going", "maybe", "not_going"]
    answers: RegistrationAnswers = RegistrationAnswers()
    # The registrant's own zone: reminders by mail give the time in it.
    timezone: Zone | None = None


class RegistrationQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["json", "csv"] = "json"


# --- answers ----------------------------------------------------------------


class LocalTimes(Answer):
    timezone: str
    starts_at: str
    ends_at: str


class Counts(Answer):
    going: int
    maybe: int
    waiting: int
    not_going: int


class MyRegistration(Answer):
    status: str
    position: int | None
    answers: dict


class EventOut(Answer):
    id: int
    space_id: int
    uid: str
    kind: str
    title: str
    description: str
    description_html: str
    starts_at: str
    ends_at: str
    timezone: str
    local: LocalTimes
    shown: LocalTimes | None
    location: str
    host_city_id: int | None
    online_url: str | None
    languages: list[str]
    interpretation: list[str]
    agenda: list[dict]
    capacity: int | None
    registration_deadline: str | None
    status: Literal["scheduled", "cancelled"]
    sequence: int
    counts: Counts
    my_registration: MyRegistration | None
    can_edit: bool
    created_by: int | None
    created_at: str
    updated_at: str


class EventList(Answer):
    items: list[EventOut]


class RegistrationOut(Answer):
    event_id: int
    status: str
    position: int | None
    answers: dict
    counts: Counts


class RegistrantOut(Answer):
    user: UserBrief
    status: str
    position: int | None
    answers: dict
    queued_at: str
    updated_at: str


class RegistrantList(Answer):
    items: list[RegistrantOut]
    counts: Counts


class DelegationCity(Answer):
    id: int
    name: str
    country: str


class DelegationMember(Answer):
    user: UserBrief
    status: Literal["going", "maybe"]


class DelegationOut(Answer):
    city: DelegationCity | None
    lead: UserBrief | None
    members: list[DelegationMember]


class DelegationList(Answer):
    """The people going (or maybe) grouped by their city, largest delegation first."""

    items: list[DelegationOut]


class CalendarFeedOut(Answer):
    url: str


class PollCreate(Strict):
    """Dates proposed for an event: wall-clock times in `timezone`, as for an event's start."""

    kind: EventKind
    title: Title
    description: Description = ""
    timezone: Zone
    duration_minutes: Annotated[int, Field(ge=15, le=14 * 24 * 60), Integral]
    options: Annotated[list[datetime], Field(min_length=2, max_length=20)]


class PollVote(Strict):
    """Every proposed date that suits me (an empty list withdraws my votes)."""

    option_ids: Annotated[list[Id], Field(max_length=20)]


class PollDecision(Strict):
    option_id: Id


class PollOption(Answer):
    id: int
    starts_at: str
    local_starts_at: str
    votes: int
    voters: list[UserBrief]
    mine: bool


class PollOut(Answer):
    id: int
    space_id: int
    kind: str
    title: str
    description: str
    timezone: str
    duration_minutes: int
    options: list[PollOption]
    event_id: int | None
    closed_at: str | None
    can_decide: bool
    created_at: str


class PollList(Answer):
    items: list[PollOut]


class ReportSet(Strict):
    seen: Description = ""
    adapt: Description = ""
    attachment_ids: Annotated[list[Id], Field(max_length=20)] = []


class ReportAttachment(Answer):
    id: int
    title: str
    kind: str


class ReportOut(Answer):
    event_id: int
    exists: bool
    seen: str
    adapt: str
    attachments: list[ReportAttachment]
    participants: list[UserBrief]
    practice_id: int | None
    updated_at: str | None
    can_edit: bool


class PracticeFromReport(Strict):
    """What the drafted practice record needs and the report cannot give (all optional)."""

    title: Title | None = None
    city_id: Id | None = None
    language: Language | None = None
    themes: Themes | None = None
