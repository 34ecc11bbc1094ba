"""Cities, spaces and their members."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from server.api.schemas.accounts import UserBrief
from server.api.schemas.base import (
    Answer,
    Change,
    Id,
    Language,
    Name,
    NonBlank,
    Profile,
    Role,
    Strict,
    Text,
    Theme,
    Visibility,
)
from server.themes import THEMES

SpaceName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160), NonBlank]
# Two different cities at least (server.services.spaces): the document asks for no repeats.
CityIds = Annotated[list[Id], Field(min_length=2, max_length=20, json_schema_extra={"uniqueItems": True})]


class CityCreate(Strict):
    name: Name
    country: Name
    region: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = ""
    languages: Annotated[list[Language], Field(max_length=20)] = []
    profile: Profile
    description: Text = ""
    require_totp: bool = False


class CityChange(Change):
    name: Name | None = None
    country: Name | None = None
    region: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None
    languages: Annotated[list[Language], Field(max_length=20)] | None = None
    profile: Profile | None = None
    description: Text | None = None
    # The city's officials must turn on two-factor sign-in (admins and the city's editors may set it).
    require_totp: bool | None = None


class SpaceCreate(Strict):
    name: SpaceName
    description: Text = ""
    city_ids: CityIds
    themes: Annotated[list[Theme], Field(max_length=len(THEMES))] = []
    visibility: Visibility = "members"


class SpaceChange(Change):
    name: SpaceName | None = None
    description: Text | None = None
    city_ids: CityIds | None = None
    themes: Annotated[list[Theme], Field(max_length=len(THEMES))] | None = None
    visibility: Visibility | None = None


class MemberSet(Strict):
    role: Role = "member"


class CityOut(Answer):
    id: int
    name: str
    country: str
    region: str
    languages: list[str]
    profile: Profile
    description: str
    require_totp: bool


class CityList(Answer):
    items: list[CityOut]


class SpaceOut(Answer):
    id: int
    name: str
    description: str
    themes: list[str]
    visibility: Visibility
    city_ids: list[int]
    cities: list[CityOut]
    my_role: Role | None
    my_state: Literal["active", "pending", "suspended"] | None = None
    created_at: str | None


class SpaceList(Answer):
    items: list[SpaceOut]


class MemberOut(Answer):
    user: UserBrief
    role: Role
    state: Literal["active", "pending", "suspended"]
    joined_at: str | None


class MemberList(Answer):
    items: list[MemberOut]
