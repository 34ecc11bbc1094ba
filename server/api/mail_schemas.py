"""Request and answer bodies of mail's routes (password reset, notification preferences, unsubscribe)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from server.api.schemas import Answer, Change, Email, Id, Password, Strict
from server.api.schemas.exact import Integral

Level = Literal["all", "mentions", "none"]
Digest = Literal["daily", "weekly", "never"]


class PasswordResetRequest(Strict):
    email: Email


class PasswordResetComplete(Strict):
    password: Password


class Accepted(Answer):
    status: str


class SpaceLevel(Strict):
    space_id: Id
    level: Level


class NotificationChange(Change):
    default_level: Level | None = None
    digest: Digest | None = None
    batch_minutes: Annotated[int, Field(ge=0, le=1440, description="0: each mail at once"), Integral] | None = None
    spaces: Annotated[list[SpaceLevel], Field(max_length=500)] | None = None


class SpaceLevelOut(Answer):
    space_id: int
    name: str
    level: Level


class NotificationsOut(Answer):
    default_level: Level
    digest: Digest
    batch_minutes: int
    spaces: list[SpaceLevelOut]


class Unsubscribed(Answer):
    user_id: int
    space_id: int | None
    level: Level


class OutboxMail(Answer):
    id: int
    kind: str
    to: str
    subject: str
    state: Literal["queued", "failed"]
    created_at: str
    attempts: int
    last_error: str | None
    links: list[str]


class MailStatus(Answer):
    configured: bool
    queued: int
    sent: int
    failed: int
    oldest_queued_seconds: int
    last_error: str | None
    mails: Annotated[list[OutboxMail], Field(description="The newest waiting or failed mails (at most 20)")]


class EmailChangeRequest(Strict):
    new_email: Email
    password: Annotated[str, Field(min_length=1, max_length=256, description="The account's current password")]


class EmailChanged(Answer):
    email: str = Field(description="The account's email from now on")
