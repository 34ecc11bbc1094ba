"""Profiles and the directory of people."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from server.api.schemas.base import Answer, Change, Cursor, Id, Language, NonBlank, Profile, Theme
from server.themes import THEMES

Audience = Literal["spaces", "network"]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), NonBlank]


class ProfileVisibility(Change):
    """Who sees each field: people sharing a space with me, or the whole network. `listing`: whether
    people who share no space with me find me at all."""

    listing: Audience | None = None
    office: Audience | None = None
    position: Audience | None = None
    languages: Audience | None = None
    expertise: Audience | None = None
    bio: Audience | None = None
    time_zone: Audience | None = None
    photo: Audience | None = None


class ProfileFields(Change):
    """The profile fields PATCH /api/me takes besides the account's."""

    office: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    bio: Annotated[str, StringConstraints(max_length=1000)] | None = None
    time_zone: Annotated[str, StringConstraints(max_length=64)] | None = None
    expertise_themes: Annotated[list[Theme], Field(max_length=len(THEMES))] | None = None
    expertise_tags: Annotated[list[Tag], Field(max_length=20)] | None = None
    visibility: ProfileVisibility | None = None


class VisibilityOut(Answer):
    listing: Audience
    office: Audience
    position: Audience
    languages: Audience
    expertise: Audience
    bio: Audience
    time_zone: Audience
    photo: Audience


class SpaceInCommon(Answer):
    id: int
    name: str


class PracticeOfPerson(Answer):
    id: int
    title: str
    city_id: int | None
    space: SpaceInCommon
    updated_at: str


class PostThread(Answer):
    id: int
    title: str


class PostOfPerson(Answer):
    message_id: int
    thread: PostThread
    space: SpaceInCommon
    excerpt: str = Field(description="The message as plain text, cut at 200 characters")
    created_at: str


class PersonOut(Answer):
    """A person as the viewer may see them: a field they may not read is null."""

    id: int
    name: str
    handle: str
    city_id: int | None
    office: str | None
    position: str | None
    languages: list[str] | None
    expertise_themes: list[str] | None
    expertise_tags: list[str] | None
    bio: str | None
    time_zone: str | None
    photo_url: str | None = Field(None, description="The photo's address (256 px; `&size=64` for the small one)")
    visibility: VisibilityOut | None = Field(None, description="Only on one's own profile")
    spaces_in_common: list[SpaceInCommon] | None = Field(None, description="On GET /api/people/{id}")
    blocked: bool | None = Field(None, description="On GET /api/people/{id}: whether I block this person")
    practices: list[PracticeOfPerson] | None = Field(
        None, description="On GET /api/people/{id}: their practice records in spaces I may read, latest first (10)"
    )
    recent_posts: list[PostOfPerson] | None = Field(
        None, description="On GET /api/people/{id}: their latest messages in spaces I may read, newest first (10)"
    )


class PersonList(Answer):
    items: list[PersonOut]
    total: int
    next_cursor: str | None


class PeopleQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None
    city: Id | None = None
    profile: Profile | None = None
    theme: Theme | None = None
    language: Language | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    cursor: Cursor | None = None


class PhotoForm(BaseModel):
    """The multipart/form-data field of a photo upload (documentation; parsed from the stream)."""

    model_config = ConfigDict(extra="forbid")

    file: Annotated[bytes, Field(description="A JPEG, PNG, WebP or GIF picture, at most 5 MB")]


class PhotoQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    size: Literal["256", "64"] = "256"
    v: Annotated[str, StringConstraints(max_length=64)] | None = Field(None, description="Ignored: a cache key")
