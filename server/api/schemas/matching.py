"""City profiles, city editors, needs, offers and matches (issue 18)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel, StringConstraints
from pydantic_core import PydanticCustomError

from server.api.schemas.base import Answer, Change, Id, Language, Name, Strict, Theme
from server.api.schemas.exact import Integral
from server.api.schemas.spaces import CityOut, SpaceOut

Year = Annotated[int, Field(ge=1800, le=2200), Integral]
Count = Annotated[int, Field(ge=0, le=2_000_000_000), Integral]
Share = Annotated[float, Field(ge=0, le=100)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Challenge = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Conditions = Annotated[str, StringConstraints(max_length=4000)]
Trend = Literal["growing", "stable", "shrinking"]
ArrivalType = Literal["labour", "family", "study", "asylum", "internal"]
HelpKind = Literal["exchange", "mentoring", "study-visit"]
Audience = Literal["network", "spaces"]
Languages = Annotated[list[Language], Field(max_length=20)]


def _unique(ids: list[int]) -> list[int]:
    """The document says uniqueItems: a space named twice is refused, as the document promises."""
    if len(set(ids)) != len(ids):
        raise PydanticCustomError("repeated", "a space is given more than once")
    return ids


SpaceIds = Annotated[list[Id], Field(max_length=20, json_schema_extra={"uniqueItems": True}), AfterValidator(_unique)]
WeightCode = Literal[
    "complementary_profile", "shared_language", "practice_on_theme", "offer_on_theme", "need_on_theme",
    "similar_size", "already_partners", "assessed_strength", "assessed_gap",
]  # fmt: skip


class Figure(Strict):
    """A count and the year it describes."""

    value: Count
    year: Year


class ShareFigure(Strict):
    """A percentage (0–100) and the year it describes."""

    value: Share
    year: Year


class Office(Strict):
    name: Name
    contact: Short = ""
    email: Short = ""
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""


class MigrationContext(Strict):
    main_origins: Annotated[list[Name], Field(max_length=20)] = []
    arrivals_per_year: Figure | None = None
    foreign_born_share: ShareFigure | None = None
    arrival_types: Annotated[list[ArrivalType], Field(max_length=5)] = []


class CityProfileChange(Change):
    """A PATCH of a city profile. `year` is the year the new values describe; the values they
    replace stay in the history under their own year."""

    year: Year | None = None
    population: Figure | None = None
    population_trend: Trend | None = None
    migration: MigrationContext | None = None
    languages: Languages | None = None
    offices: Annotated[list[Office], Field(max_length=20)] | None = None


class ProfileVersion(Answer):
    year: int
    data: dict[str, Any]
    replaced_at: str | None


class PracticeBrief(Answer):
    id: int
    space_id: int
    title: str
    themes: list[str]
    review_status: str


class CityProfileOut(Answer):
    city: CityOut
    year: int | None
    population: dict | None
    population_trend: Trend | None
    migration: dict
    languages: list[str]
    offices: list[dict]
    history: list[ProfileVersion]
    spaces: list[SpaceOut]
    partners: list[CityOut]
    practices: list[PracticeBrief]
    adopted_practices: list[PracticeBrief]
    editors: list[int]
    can_edit: bool


class EditorList(Answer):
    user_ids: list[int]


class NeedCreate(Strict):
    city_id: Id
    theme: Theme
    challenge: Challenge
    languages: Languages = []
    timeframe: Short = ""
    help_kinds: Annotated[list[HelpKind], Field(min_length=1, max_length=3)]
    audience: Audience = "network"
    space_ids: SpaceIds = []


class NeedChange(Change):
    theme: Theme | None = None
    challenge: Challenge | None = None
    languages: Languages | None = None
    timeframe: Short | None = None
    help_kinds: Annotated[list[HelpKind], Field(min_length=1, max_length=3)] | None = None
    audience: Audience | None = None
    space_ids: SpaceIds | None = None


class NeedOut(Answer):
    id: int
    city_id: int
    city: CityOut | None
    theme: str
    challenge: str
    languages: list[str]
    timeframe: str
    help_kinds: list[str]
    audience: Audience
    space_ids: list[int]
    created_at: str | None
    updated_at: str | None


class NeedList(Answer):
    items: list[NeedOut]


class OfferCreate(Strict):
    city_id: Id
    practice_id: Id
    transfer_conditions: Conditions = ""
    mentoring_capacity: Annotated[int, Field(ge=0, le=100), Integral] = 0
    languages: Languages = []
    audience: Audience = "network"
    space_ids: SpaceIds = []


class OfferChange(Change):
    transfer_conditions: Conditions | None = None
    mentoring_capacity: Annotated[int, Field(ge=0, le=100), Integral] | None = None
    languages: Languages | None = None
    audience: Audience | None = None
    space_ids: SpaceIds | None = None


class OfferOut(Answer):
    id: int
    city_id: int
    city: CityOut | None
    practice: PracticeBrief
    themes: list[str]
    transfer_conditions: str
    mentoring_capacity: int
    languages: list[str]
    audience: Audience
    space_ids: list[int]
    created_at: str | None
    updated_at: str | None


class OfferList(Answer):
    items: list[OfferOut]


class NeedQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    city_id: Id | None = None
    theme: Theme | None = None


class MatchReason(Answer):
    code: str
    text: str
    weight: int


class MatchOut(Answer):
    city: CityOut
    score: int
    reasons: list[MatchReason]
    interest: list[Literal["need", "helper"]] = []


class MatchList(Answer):
    items: list[MatchOut]
    weights: dict[str, int]


class InterestCreate(Strict):
    city_id: Id


class InterestOut(Answer):
    need_id: int
    city_id: int
    sides: list[Literal["need", "helper"]]
    mutual: bool


class InterestList(RootModel[list[InterestOut]]):
    """Matches both cities want, newest first."""


class Weights(Answer):
    weights: dict[str, int]


class WeightsChange(Strict):
    weights: Annotated[dict[WeightCode, Annotated[int, Field(ge=0, le=100), Integral]], Field(min_length=1)]
