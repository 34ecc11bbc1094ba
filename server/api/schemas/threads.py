"""Threads, messages and reactions."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from server.api.schemas.accounts import UserBrief
from server.api.schemas.base import Answer, Body, Change, ClientId, Id, Page, Strict, Theme, Title
from server.themes import THEMES


class ThreadCreate(Strict):
    title: Title
    themes: Annotated[list[Theme], Field(max_length=len(THEMES))] = []
    body: Body
    client_id: ClientId | None = None


class ThreadChange(Change):
    title: Title | None = None
    themes: Annotated[list[Theme], Field(max_length=len(THEMES))] | None = None
    pinned: bool | None = None
    locked: bool | None = None


class MessageCreate(Strict):
    body: Body
    client_id: ClientId | None = None
    reply_to: Id | None = None  # a shown message of the same thread, quoted above this one


class MessageChange(Strict):
    body: Body


class MessagePage(Page):
    direction: Literal["forward", "backward"] = "forward"


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


class Quote(Answer):
    """What a reply shows of the message it answers; `available` false (no author, no text) once
    that message is hidden or deleted."""

    id: int
    available: bool
    author: UserBrief | None
    excerpt: str


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
    reply_to: Quote | None


class ThreadCreated(ThreadOut):
    first_message: MessageOut


class ThreadListItem(ThreadOut):
    last_replier: UserBrief | None  # who wrote the newest shown message


class ThreadPage(Answer):
    items: list[ThreadListItem]
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
