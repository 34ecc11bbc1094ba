"""Self-assessment frameworks, city self-assessments and peer reviews (issue 18)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from server.api.schemas.base import Answer, Id, Strict
from server.api.schemas.exact import Integral
from server.api.schemas.library import LinkUrl
from server.api.schemas.spaces import CityOut

ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Rating = Literal["met", "partly", "not_yet", "not_applicable"]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
# The document names the keys' pattern too (pydantic leaves dict keys out of it).
ITEM_KEYS = {"propertyNames": {"pattern": r"^[a-z0-9][a-z0-9-]{0,63}$"}}
Comment = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class FrameworkLoad(Strict):
    """The text of a framework file (JSON: id, version, label, domains → items, guidance)."""

    # 160,000 characters: even written all as \uXXXX escapes (6 bytes each) the request stays under the
    # 1 MB body limit, so an over-long text is a 422 on its field, not a 413 for the body.
    text: Annotated[str, StringConstraints(min_length=1, max_length=160_000)]


class FrameworkList(Answer):
    items: list[dict[str, Any]]


class Evidence(Strict):
    """One of: a practice record or document (`resource_id`), a thread (`thread_id`), a link (`url`)."""

    resource_id: Id | None = None
    thread_id: Id | None = None
    url: LinkUrl | None = None


class ItemRating(Strict):
    rating: Rating
    evidence: Annotated[list[Evidence], Field(max_length=20)] = []
    note: Note = ""


class AssessmentPut(Strict):
    framework_id: ItemId
    framework_version: Annotated[int, Field(ge=1, le=1000), Integral]
    ratings: Annotated[dict[ItemId, ItemRating], Field(max_length=500, json_schema_extra=ITEM_KEYS)]
    shared: bool = False


class ReviewCreate(Strict):
    comments: Annotated[dict[ItemId, Comment], Field(min_length=1, max_length=500, json_schema_extra=ITEM_KEYS)]


class ReviewOut(Answer):
    id: int
    reviewer: dict | None
    reviewer_city: CityOut | None
    comments: dict[str, str]
    created_at: str | None


class AssessmentOut(Answer):
    city_id: int
    year: int
    framework: dict[str, Any]
    ratings: dict[str, dict[str, Any]]
    summary: dict[str, int]
    shared: bool
    shared_at: str | None
    updated_at: str | None
    reviews: list[ReviewOut]
    can_edit: bool
    can_review: bool


class AssessmentYear(Answer):
    year: int
    shared: bool
    framework_id: str


class AssessmentYears(Answer):
    items: list[AssessmentYear]
