"""Request and answer bodies. Requests are strict: unknown fields and wrong types are refused."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel, StringConstraints
from pydantic_core import PydanticCustomError

from server.themes import THEMES

Theme = Literal[tuple(THEMES)]  # type: ignore[valid-type]
Profile = Literal["traditional", "newer"]
Visibility = Literal["members", "network"]
Role = Literal["member", "moderator"]
Locale = Literal["en", "fr", "es", "nl"]

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=5000)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Password = Annotated[str, StringConstraints(min_length=8, max_length=256)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
ClientId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]  # the id columns are PostgreSQL integers


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank")  # our code "required" (server/api/validation.py)
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
    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    limit: Annotated[int, Field(ge=1, le=50)] = 20


class UserList(Answer):
    items: list[UserOut]


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


# --- library and moderation -------------------------------------------------

GcmObjective = Annotated[int, Field(ge=1, le=23)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Period = Annotated[str, StringConstraints(pattern=r"^\d{4}(-(0[1-9]|1[0-2]))?$")]
LinkUrl = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Themes = Annotated[list[Theme], Field(max_length=len(THEMES))]
CitySize = Literal["small", "medium", "large", "metropolitan"]
PracticeStatus = Literal["planned", "ongoing", "completed", "discontinued"]
ReviewStatus = Literal["draft", "submitted", "reviewed"]
Licence = Literal["CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC0-1.0", "all-rights-reserved"]
ResourceKind = Literal["file", "link", "practice"]


class PracticeDetails(Strict):
    """The structured fields of a practice record beyond title, summary, city, themes, language."""

    city_size: CitySize | None = None
    population: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    gcm_objectives: Annotated[list[GcmObjective], Field(max_length=23)] = []
    period_start: Period | None = None
    period_end: Period | None = None
    status: PracticeStatus | None = None
    purpose: LongText = ""
    context: LongText = ""
    process: LongText = ""
    partners: LongText = ""
    responsible_office: ShortText = ""
    budget: ShortText = ""
    results: LongText = ""
    evidence: LongText = ""
    transfer_conditions: LongText = ""
    lessons_learned: LongText = ""
    contact: ShortText = ""
    licence: Licence = "CC-BY-4.0"
    review_status: ReviewStatus = "draft"


class LinkCreate(Strict):
    kind: Literal["link"]
    title: Title
    url: LinkUrl
    summary: Text = ""
    themes: Themes = []
    language: Language | None = None
    city_id: Id | None = None


class PracticeCreate(PracticeDetails):
    kind: Literal["practice"]
    title: Title
    summary: Summary
    city_id: Id
    themes: Annotated[list[Theme], Field(min_length=1, max_length=len(THEMES))]
    language: Language
    adapted_from: Annotated[list[Id], Field(max_length=20)] = []
    source_thread_id: Id | None = None


class ResourceCreate(RootModel[Annotated[LinkCreate | PracticeCreate, Field(discriminator="kind")]]):
    """A link or a practice record as JSON; files are sent as multipart/form-data."""


class FileUploadForm(BaseModel):
    """The multipart/form-data fields of a file upload (documentation; parsed from the stream)."""

    file: Annotated[bytes, Field(description="The file; its type is detected from its content")]
    title: Title | None = None
    summary: Text = ""
    themes: Annotated[list[Theme], Field(description="Repeat the field, or separate with commas")] = []
    language: Language | None = None
    city_id: Id | None = None


class FileFields(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Title | None = None
    summary: Text = ""
    themes: Themes = []
    language: Language | None = None
    city_id: Id | None = None


class PracticeDetailsChange(Strict):
    """The practice fields of PracticeDetails, each optional: what a change may send."""

    city_size: CitySize | None = None
    population: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    gcm_objectives: Annotated[list[GcmObjective], Field(max_length=23)] | None = None
    period_start: Period | None = None
    period_end: Period | None = None
    status: PracticeStatus | None = None
    purpose: LongText | None = None
    context: LongText | None = None
    process: LongText | None = None
    partners: LongText | None = None
    responsible_office: ShortText | None = None
    budget: ShortText | None = None
    results: LongText | None = None
    evidence: LongText | None = None
    transfer_conditions: LongText | None = None
    lessons_learned: LongText | None = None
    contact: ShortText | None = None
    licence: Licence | None = None


class ResourceChange(PracticeDetailsChange):
    title: Title | None = None
    summary: Text | None = None
    themes: Themes | None = None
    language: Language | None = None
    city_id: Id | None = None
    url: LinkUrl | None = None
    featured: bool | None = None
    review_status: ReviewStatus | None = None


class PracticeFromThread(PracticeDetailsChange):
    """Fields that complete or override the draft made from a thread."""

    title: Title | None = None
    summary: Summary | None = None
    city_id: Id | None = None
    themes: Annotated[list[Theme], Field(min_length=1, max_length=len(THEMES))] | None = None
    language: Language | None = None


class ResourceQuery(Page):
    kind: ResourceKind | None = None
    theme: Theme | None = None
    language: Language | None = None
    city: Id | None = None
    featured: bool | None = None
    collection: Id | None = None
    objective: GcmObjective | None = None
    sort: Literal["recent", "updated", "title"] = "recent"


class CollectionCreate(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]
    description: Text = ""


class CollectionChange(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)] | None = None
    description: Text | None = None


class ReasonBody(Strict):
    reason: Reason


class OptionalReason(Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""


class FlagResolve(Strict):
    action: Literal["dismiss", "hide", "delete"]
    note: Reason


class FlagQuery(Page):
    state: Literal["open", "resolved", "all"] = "open"


class FileOut(Answer):
    name: str
    size: int
    content_type: str
    sha256: str
    has_text: bool
    download_url: str


class PracticeOut(Answer):
    city_size: CitySize | None
    population: int | None
    city_profile: Profile | None
    gcm_objectives: list[int]
    period_start: str | None
    period_end: str | None
    status: PracticeStatus | None
    purpose: str
    context: str
    process: str
    partners: str
    responsible_office: str
    budget: str
    results: str
    evidence: str
    transfer_conditions: str
    lessons_learned: str
    contact: str
    licence: Licence
    review_status: ReviewStatus


class ResourceRef(Answer):
    id: int
    space_id: int
    title: str
    city_id: int | None


class ResourceOut(Answer):
    id: int
    space_id: int
    kind: ResourceKind
    title: str
    summary: str
    themes: list[str]
    language: str | None
    city_id: int | None
    featured: bool
    hidden: bool
    hidden_reason: str | None
    author: UserBrief | None
    version: int
    created_at: str | None
    updated_at: str | None
    source_thread_id: int | None
    file: FileOut | None
    url: str | None
    practice: PracticeOut | None


class ResourceDetail(ResourceOut):
    adapted_from: list[ResourceRef]
    adapted_by: list[ResourceRef]
    collection_ids: list[int]


class ResourcePage(Answer):
    items: list[ResourceOut]
    next_cursor: str | None


class ResourceVersionOut(Answer):
    version: int
    snapshot: dict
    edited_by: UserBrief | None
    replaced_at: str


class ResourceVersions(Answer):
    items: list[ResourceVersionOut]


class PracticeDraft(Answer):
    title: str
    summary: str
    city_id: int | None
    themes: list[str]
    language: str | None
    source_thread_id: int
    missing: list[str]


class CollectionOut(Answer):
    id: int
    space_id: int
    name: str
    description: str
    resource_ids: list[int]
    created_at: str | None


class CollectionList(Answer):
    items: list[CollectionOut]


class FlagTarget(Answer):
    kind: Literal["message", "resource"]
    id: int
    exists: bool
    thread_id: int | None
    excerpt: str | None


class FlagOut(Answer):
    id: int
    space_id: int
    target: FlagTarget
    reporter: UserBrief | None
    reason: str
    state: Literal["open", "dismissed", "hidden", "deleted"]
    created_at: str | None
    resolved_by: UserBrief | None
    resolved_at: str | None
    resolution_note: str | None


class FlagPage(Answer):
    items: list[FlagOut]
    next_cursor: str | None


class AuditActor(Answer):
    id: int | None
    name: str


class AuditOut(Answer):
    id: int
    space_id: int | None
    actor: AuditActor
    action: str
    target_kind: str
    target_id: int
    reason: str
    details: dict
    created_at: str


class AuditPage(Answer):
    items: list[AuditOut]
    next_cursor: str | None


__all__ = [name for name in dir() if not name.startswith("_")]
