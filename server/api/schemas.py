"""Request and answer bodies. Requests are strict: unknown fields and wrong types are refused."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from server.themes import THEMES

Theme = Literal[tuple(THEMES)]  # type: ignore[valid-type]
Profile = Literal["traditional", "newer"]
Visibility = Literal["members", "network"]
Role = Literal["member", "moderator"]
Locale = Literal["en", "fr", "es", "nl"]

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=5000)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254,
                                         pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Password = Annotated[str, StringConstraints(min_length=8, max_length=256)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
ClientId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Id = Annotated[int, Field(ge=1, le=2**53)]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Body = Annotated[str, StringConstraints(min_length=1), AfterValidator(_not_blank)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Answer(BaseModel):
    pass


# --- requests ---------------------------------------------------------------

class SignIn(Strict):
    email: Email
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class ProfileChange(Strict):
    name: Name | None = None
    position: Annotated[str, StringConstraints(max_length=200)] | None = None
    languages: Annotated[list[Language], Field(max_length=10)] | None = None
    locale: Locale | None = None


class TokenCreate(Strict):
    name: Name


class InvitationCreate(Strict):
    email: Email
    space_id: Id
    role: Role = "member"
    city_id: Id | None = None


class InvitationAccept(Strict):
    name: Name | None = None
    password: Password | None = None


class CityCreate(Strict):
    name: Name
    country: Name
    region: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = ""
    languages: Annotated[list[Language], Field(max_length=20)] = []
    profile: Profile
    description: Text = ""


class CityChange(Strict):
    name: Name | None = None
    country: Name | None = None
    region: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] | None = None
    languages: Annotated[list[Language], Field(max_length=20)] | None = None
    profile: Profile | None = None
    description: Text | None = None


class SpaceCreate(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]
    description: Text = ""
    city_ids: Annotated[list[Id], Field(min_length=2, max_length=20)]
    themes: Annotated[list[Theme], Field(max_length=len(THEMES))] = []
    visibility: Visibility = "members"


class SpaceChange(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)] | None = None
    description: Text | None = None
    city_ids: Annotated[list[Id], Field(min_length=2, max_length=20)] | None = None
    themes: Annotated[list[Theme], Field(max_length=len(THEMES))] | None = None
    visibility: Visibility | None = None


class MemberSet(Strict):
    role: Role = "member"


class ThreadCreate(Strict):
    title: Title
    themes: Annotated[list[Theme], Field(max_length=len(THEMES))] = []
    body: Body
    client_id: ClientId | None = None


class ThreadChange(Strict):
    title: Title | None = None
    themes: Annotated[list[Theme], Field(max_length=len(THEMES))] | None = None
    pinned: bool | None = None
    locked: bool | None = None


class MessageCreate(Strict):
    body: Body
    client_id: ClientId | None = None


class MessageChange(Strict):
    body: Body


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: Annotated[str, StringConstraints(max_length=500)] | None = None


class MessagePage(Page):
    direction: Literal["forward", "backward"] = "forward"


# --- answers ----------------------------------------------------------------

class UserBrief(Answer):
    id: int
    name: str
    handle: str
    city_id: int | None


class UserOut(UserBrief):
    email: str
    position: str
    languages: list[str]
    locale: str
    is_admin: bool
    created_at: str


class SessionOut(Answer):
    user: UserOut
    csrf_token: str


class MeOut(UserOut):
    csrf_token: str | None


class TokenOut(Answer):
    id: int
    name: str
    created_at: str
    token: str | None = None


class TokenList(Answer):
    items: list[TokenOut]


class InvitationOut(Answer):
    id: int
    email: str
    space_id: int
    role: Role
    city_id: int | None
    expires_at: str
    accepted_at: str | None
    token: str | None = None
    link: str | None = None


class CityOut(Answer):
    id: int
    name: str
    country: str
    region: str
    languages: list[str]
    profile: Profile
    description: str


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


class ThreadOut(Answer):
    id: int
    space_id: int
    title: str
    themes: list[str]
    author: UserBrief | None
    pinned: bool
    locked: bool
    created_at: str | None
    last_activity_at: str | None


class ReactionOut(Answer):
    emoji: str
    count: int
    user_ids: list[int]


class MessageOut(Answer):
    id: int
    thread_id: int
    space_id: int
    author: UserBrief | None
    client_id: str | None
    body: str
    html: str
    created_at: str | None
    edited_at: str | None
    hidden: bool
    hidden_reason: str | None
    reactions: list[ReactionOut]
    mentions: list[int]


class ThreadCreated(ThreadOut):
    first_message: MessageOut


class ThreadPage(Answer):
    items: list[ThreadOut]
    next_cursor: str | None


class MessagePageOut(Answer):
    items: list[MessageOut]
    next_cursor: str | None


class MessageEditOut(Answer):
    body: str
    html: str
    replaced_at: str


class MessageHistory(Answer):
    items: list[MessageEditOut]


class ReactionsOut(Answer):
    message_id: int
    reactions: list[ReactionOut]




class Health(Answer):
    status: str


class ErrorBody(Answer):
    code: str
    message: str
    fields: dict[str, str]


class ErrorOut(Answer):
    error: ErrorBody


__all__ = [name for name in dir() if not name.startswith("_")]
