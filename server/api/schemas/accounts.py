"""Signing in, profiles, API tokens, invitations and the user directory."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from server.api.schemas.base import Answer, Email, Id, Language, Locale, Name, NonBlank, Password, Role, Strict
from server.api.schemas.exact import Integral
from server.api.schemas.people import ProfileFields, VisibilityOut


class SignIn(Strict):
    email: Email
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    # Asked for (401 totp_required) when the account has two-factor on: a 6-digit code or a recovery code.
    totp_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)] | None = None


class ProfileChange(ProfileFields):
    name: Name | None = None
    position: Annotated[str, StringConstraints(max_length=200)] | None = None
    languages: Annotated[list[Language], Field(max_length=10)] | None = None
    locale: Locale | None = None


Scope = Literal["read", "write", "admin"]


class TokenCreate(Strict):
    name: Name
    # read: GET routes and websockets; write: every other route; admin: an admin's platform powers.
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=3)] = ["read", "write"]
    expires_in_days: Annotated[int, Field(ge=1, le=3650), Integral] = 90


class InvitationCreate(Strict):
    email: Email
    space_id: Id
    role: Role = "member"
    city_id: Id | None = None


class InvitationAccept(Strict):
    name: Name | None = None
    password: Password | None = None


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


class OwnProfileOut(UserOut):
    """My account with my whole profile (issue 15)."""

    office: str
    bio: str
    time_zone: str
    expertise_themes: list[str]
    expertise_tags: list[str]
    visibility: VisibilityOut
    photo_url: str | None = None
    public_name_consent: bool = False


class SessionOut(Answer):
    user: UserOut
    csrf_token: str


class MeOut(OwnProfileOut):
    csrf_token: str | None


class TokenOut(Answer):
    id: int
    name: str
    created_at: str
    expires_at: str
    last_used_at: str | None = None
    scopes: list[str]
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


class InvitationList(Answer):
    items: list[InvitationOut]


class InvitationPreview(Answer):
    email: str
    role: Role
    space_id: int
    space_name: str
    expires_at: str
    has_account: bool


class UserQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), NonBlank]
    limit: Annotated[int, Field(ge=1, le=50)] = 20


class UserList(Answer):
    items: list[UserOut]
