"""Direct conversations and blocks."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from server.api.schemas.accounts import UserBrief
from server.api.schemas.base import Answer, Id, Strict
from server.api.schemas.exact import Integral
from server.api.schemas.threads import ReactionOut

MAX_OTHERS = 9  # server/services/conversations.py MAX_PARTICIPANTS, the starter aside


class ConversationCreate(Strict):
    participant_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_OTHERS)]
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class ConversationOut(Answer):
    id: int
    title: str
    participants: list[UserBrief]
    created_by: int | None
    created_at: str | None
    last_activity_at: str | None
    unread: int | None = Field(None, description="Messages by others after my read position")
    last_read_message_id: int | None = None


class ConversationList(Answer):
    items: list[ConversationOut]


class DirectFileOut(Answer):
    id: int
    name: str
    size: int
    content_type: str


class DirectFileForm(BaseModel):
    """The multipart/form-data fields of a file posted into a conversation (documentation; parsed
    from the stream)."""

    model_config = ConfigDict(extra="forbid")

    file: Annotated[bytes, Field(description="The file; its type is detected from its content")]
    body: Annotated[str, Field(description="A message sent with it (markdown)")] = ""


class DirectMessageOut(Answer):
    """The shape of a thread's message, with conversation_id instead of thread_id and space_id."""

    id: int
    conversation_id: int
    author: UserBrief | None
    client_id: str | None
    body: str
    html: str
    created_at: str | None
    edited_at: str | None
    reactions: list[ReactionOut]
    mentions: list[int]
    file: DirectFileOut | None = Field(None, description="A file posted with the message (participants download it)")


class DirectReportCreate(Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class ReportedMessage(Answer):
    id: int | None = Field(description="null once its author deleted it (the report keeps its text)")
    author: UserBrief | None
    body: str = Field(description="The message's text when it was reported")
    created_at: str | None


class DirectReportOut(Answer):
    """A reported direct message: the one message, never the rest of its conversation."""

    id: int
    state: Literal["open", "resolved", "dismissed"]
    reason: str
    reporter: UserBrief | None
    created_at: str | None
    message: ReportedMessage
    note: str
    resolved_by: UserBrief | None
    resolved_at: str | None


class DirectReportList(Answer):
    items: list[DirectReportOut]


class DirectReportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal["open", "resolved", "dismissed", "all"] = "open"


class DirectReportResolve(Strict):
    action: Literal["resolve", "dismiss"]
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""


class DirectMessagePage(Answer):
    items: list[DirectMessageOut]
    next_cursor: str | None


class ConversationReadMark(Strict):
    last_read_message_id: Annotated[int, Field(ge=0, le=2**63 - 1), Integral]


class BlockOut(Answer):
    person_id: int
    blocked: bool
