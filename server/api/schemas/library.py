"""The library: links, files and practice records, their versions, and collections."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints

from server.api.schemas.accounts import UserBrief
from server.api.schemas.base import Answer, Change, Id, Language, NonBlank, Page, Profile, Strict, Text, Theme, Title
from server.api.schemas.exact import LINK_URL, Integral, doc
from server.themes import THEMES

GcmObjective = Annotated[int, Field(ge=1, le=23), Integral]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000), NonBlank]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Period = Annotated[str, StringConstraints(pattern=r"^\d{4}(-(0[1-9]|1[0-2]))?$")]
LinkUrl = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), doc(pattern=LINK_URL)]
Themes = Annotated[list[Theme], Field(max_length=len(THEMES))]
CitySize = Literal["small", "medium", "large", "metropolitan"]
PracticeStatus = Literal["planned", "ongoing", "completed", "discontinued"]
ReviewStatus = Literal["draft", "submitted", "reviewed"]
Licence = Literal["CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC0-1.0", "all-rights-reserved"]
ResourceKind = Literal["file", "link", "practice"]


class PracticeDetails(Strict):
    """The structured fields of a practice record beyond title, summary, city, themes, language."""

    city_size: CitySize | None = None
    population: Annotated[int, Field(ge=0, le=100_000_000), Integral] | None = None
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

    model_config = ConfigDict(extra="forbid")  # an unknown form field is refused (_form_fields)

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
    population: Annotated[int, Field(ge=0, le=100_000_000), Integral] | None = None
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
    model_config = Change.model_config

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
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160), NonBlank]
    description: Text = ""


class CollectionChange(Change):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160), NonBlank] | None = None
    description: Text | None = None


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


class AttachmentOut(Answer):
    id: int = Field(description="The document (a file resource of the same space)")
    title: str
    name: str | None
    size: int | None
    content_type: str | None
    published: bool = Field(description="Chosen when the practice was published; false once it is unpublished")


class TranslationRef(ResourceRef):
    language: str | None


class ResourceDetail(ResourceOut):
    adapted_from: list[ResourceRef]
    adapted_by: list[ResourceRef]
    collection_ids: list[int]
    attachments: list[AttachmentOut] = Field(description="Practice records: the documents attached to it")
    translation_of: TranslationRef | None = Field(description="Practice records: the original this one translates")
    translations: list[TranslationRef] = Field(description="Practice records: the translations of this original")


class ResourceCreated(ResourceDetail):
    text_extracted: Annotated[
        bool | None, Field(description="Uploads only: whether the file's text was read for search")
    ] = None
    text_status: Annotated[
        Literal["extracted", "no_text", "not_extracted", "over_budget"] | None,
        Field(
            description="Uploads only: extracted; no_text (none found, or the file is damaged or encrypted); "
            "not_extracted (a type whose text is not read, such as images); over_budget (reading it would cost "
            "more than the extraction budget, so the file is stored without text)"
        ),
    ] = None


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
