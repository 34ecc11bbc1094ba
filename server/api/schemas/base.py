"""Shared field types and base models of the request and answer bodies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from server.api.schemas.exact import CURSOR, EMAIL, NOT_BLANK, Integral, doc, patch_schema
from server.themes import THEMES

Theme = Literal[tuple(THEMES)]  # type: ignore[valid-type]
Profile = Literal["traditional", "newer"]
Visibility = Literal["members", "network"]
Role = Literal["member", "moderator"]
Locale = Literal["en", "fr", "es", "nl"]

NonBlank = doc(pattern=NOT_BLANK)
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), NonBlank]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NonBlank]
Text = Annotated[str, StringConstraints(max_length=5000)]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=EMAIL),
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=256)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
ClientId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Id = Annotated[int, Field(ge=1, le=2**31 - 1), Integral]  # the id columns are PostgreSQL integers
Cursor = Annotated[
    str, StringConstraints(max_length=500), doc(pattern=CURSOR, description="A next_cursor of the previous page")
]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank")  # our code "required" (server/api/validation.py)
    return value


Body = Annotated[str, StringConstraints(min_length=1), AfterValidator(_not_blank), NonBlank]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Change(Strict):
    """A PATCH body, read with server.api.framework.changes."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=patch_schema)


class Answer(BaseModel):
    pass


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: Cursor | None = None


class Health(Answer):
    status: str


class ErrorBody(Answer):
    code: str
    message: str
    fields: dict[str, str]


class ErrorOut(Answer):
    error: ErrorBody
