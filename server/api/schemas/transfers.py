"""Practice transfers (issue 19): transfers, plans per implementing city with indicators,
milestones, the adaptation log, and a practice's lineage."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel, StringConstraints
from pydantic_core import PydanticCustomError

from server.api.schemas.accounts import UserBrief
from server.api.schemas.assessments import Evidence
from server.api.schemas.base import Answer, Change, Id, Name, NonBlank, Strict, Text, Theme, Title, _not_blank
from server.api.schemas.library import LongText, ResourceRef
from server.api.schemas.spaces import CityOut

TransferState = Literal["proposed", "planning", "implementing", "reviewing", "completed", "stopped"]
MilestoneState = Literal["open", "done", "dropped"]
# The fields of a practice record an adaptation may be about ("other" for anything else).
SourceField = Literal[
    "title", "summary", "themes", "language", "city_size", "population", "period_start", "period_end",
    "status", "purpose", "context", "process", "partners", "responsible_office", "budget", "results",
    "evidence", "transfer_conditions", "lessons_learned", "contact", "licence", "gcm_objectives", "other",
]  # fmt: skip
# A unit is required: missing, empty or blank is "required" (server/api/validation.py).
Unit = Annotated[str, StringConstraints(min_length=1, max_length=40), AfterValidator(_not_blank), NonBlank]
Number = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Entry = Annotated[str, StringConstraints(min_length=1, max_length=5000), AfterValidator(_not_blank), NonBlank]


def _unique(ids: list[int]) -> list[int]:
    if len(set(ids)) != len(ids):
        raise PydanticCustomError("repeated", "a city is given more than once")
    return ids


CityIds = Annotated[
    list[Id], Field(min_length=1, max_length=20, json_schema_extra={"uniqueItems": True}), AfterValidator(_unique)
]
EvidenceList = Annotated[list[Evidence], Field(max_length=20)]


class TransferCreate(Strict):
    """`starts_on` defaults to today; the plans' template milestones are due from it."""

    source_practice_id: Id
    implementing_city_ids: CityIds
    space_id: Id
    starts_on: date | None = None
    ends_on: date | None = None


class TransferChange(Change):
    """`state` moves one step along proposed → planning → implementing → reviewing → completed, or to
    stopped from any open state (409 otherwise): the coordinator or a moderator of the space."""

    state: TransferState | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    coordinator_id: Id | None = None


class TransferQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    space: Id | None = None
    city: Annotated[Id | None, Field(description="The mentor or an implementing city")] = None
    practice: Annotated[Id | None, Field(description="The source practice record")] = None
    state: TransferState | None = None


class Measurement(Strict):
    on: date
    value: Number
    note: Note = ""


class Indicator(Strict):
    name: Name
    unit: Unit
    baseline: Number | None = None
    target: Number | None = None
    measurements: Annotated[list[Measurement], Field(max_length=100)] = []


class PlanPut(Strict):
    """The whole plan document of one implementing city (what is not sent becomes empty)."""

    local_context: LongText = ""
    adaptations: Annotated[LongText, Field(description="What will be adapted, and why")] = ""
    stakeholders: LongText = ""
    resources: LongText = ""
    risks: LongText = ""
    indicators: Annotated[list[Indicator], Field(max_length=30)] = []


class MilestoneCreate(Strict):
    title: Title
    due_on: date
    owner_id: Id | None = None
    evidence: EvidenceList = []


class MilestoneChange(Change):
    title: Title | None = None
    due_on: date | None = None
    owner_id: Id | None = None
    state: MilestoneState | None = None
    evidence: EvidenceList | None = None


class AdaptationEntry(Strict):
    """What changed from the source record's `field`, and why (the implementing side)."""

    kind: Literal["adaptation"]
    field: SourceField
    change: Entry
    reason: Text = ""
    notes: Text = ""


class CommentEntry(Strict):
    """A remark on the plan: what the mentor city's officials may add."""

    kind: Literal["comment"]
    notes: Entry


class LogEntryCreate(RootModel[Annotated[AdaptationEntry | CommentEntry, Field(discriminator="kind")]]):
    """An adaptation (`field`, `change`, `reason`, `notes`) or a comment (`notes`)."""


class PlanBrief(Answer):
    city_id: int
    city: CityOut | None
    practice_id: int | None
    completed_at: str | None
    milestones: int
    milestones_done: int
    milestones_overdue: int


class TransferOut(Answer):
    id: int
    space_id: int
    source_practice_id: int | None
    source_practice: ResourceRef | None  # null when the viewer may not read the source record
    mentor_city_id: int | None
    mentor_city: CityOut | None
    coordinator: UserBrief | None
    state: TransferState
    next_states: list[TransferState]
    starts_on: str
    ends_on: str | None
    created_at: str | None
    updated_at: str | None
    plans: list[PlanBrief]
    can_change_state: bool


class TransferList(Answer):
    items: list[TransferOut]


class EvidenceOut(Answer):
    resource_id: int | None = None
    thread_id: int | None = None
    url: str | None = None
    title: str


class MilestoneOut(Answer):
    id: int
    transfer_id: int
    city_id: int
    key: str | None
    title: str
    due_on: str
    owner: UserBrief | None
    state: MilestoneState
    overdue: bool
    evidence: list[EvidenceOut]
    created_at: str | None
    updated_at: str | None


class MeasurementOut(Answer):
    on: str
    value: float
    note: str


class IndicatorOut(Answer):
    name: str
    unit: str
    baseline: float | None
    target: float | None
    measurements: list[MeasurementOut]


class PlanOut(Answer):
    transfer_id: int
    city_id: int
    city: CityOut | None
    local_context: str
    adaptations: str
    stakeholders: str
    resources: str
    risks: str
    indicators: list[IndicatorOut]
    milestones: list[MilestoneOut]
    practice_id: int | None
    completed_at: str | None
    updated_at: str | None
    updated_by: UserBrief | None
    can_edit: bool
    can_comment: bool


class LogEntryOut(Answer):
    id: int
    transfer_id: int
    city_id: int
    kind: Literal["adaptation", "comment"]
    field: str | None
    change: str
    reason: str
    notes: str
    author: UserBrief | None
    created_at: str | None


class LogEntryList(Answer):
    items: list[LogEntryOut]


class LineageNode(Answer):
    id: int
    space_id: int
    title: str
    city_id: int | None
    city: CityOut | None


class LineageEdge(Answer):
    """`source_id` → `practice_id` (adapted from); `practice_id` null while the transfer towards
    `city_id` runs; `transfer_id` null when no transfer (that the viewer may read) is behind it."""

    source_id: int
    practice_id: int | None
    city_id: int | None
    transfer_id: int | None
    transfer_state: TransferState | None


class LineageOut(Answer):
    practice_id: int
    nodes: list[LineageNode]
    edges: list[LineageEdge]


class NetworkLineageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    theme: Annotated[Theme | None, Field(description="Edges one of whose records carries this theme")] = None


class NetworkLineageOut(Answer):
    """Every practice record you may read with at least one adaptation edge, in the shapes of a
    practice's lineage; at most 200 nodes (`truncated` when some were left out)."""

    theme: Theme | None
    nodes: list[LineageNode]
    edges: list[LineageEdge]
    truncated: bool
