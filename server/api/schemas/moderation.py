"""Flags, their resolution, hiding with a reason, and the audit log."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from server.api.schemas.accounts import UserBrief
from server.api.schemas.base import Answer, NonBlank, Page, Strict

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000), NonBlank]


class ReasonBody(Strict):
    reason: Reason


class OptionalReason(Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""


class FlagResolve(Strict):
    action: Literal["dismiss", "hide", "delete"]
    note: Reason


class FlagQuery(Page):
    state: Literal["open", "resolved", "all"] = "open"


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
