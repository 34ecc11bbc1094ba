"""The kinds of direct conversations (docs/people.md). A conversation is a stream of its own, like a
space's, read by its current participants only; `conversation.joined` goes to each participant's
own stream so their clients know to subscribe."""

from __future__ import annotations

from dataclasses import dataclass

from server.events.registry import Event, UserBrief, declare


@dataclass(frozen=True, kw_only=True)
class ConversationPayload(Event):
    id: int
    title: str
    participants: list[UserBrief]
    created_by: int | None
    created_at: str
    last_activity_at: str


@declare("conversation.created", "conversation")
class ConversationCreated(ConversationPayload):
    """A conversation was started: `{id, title, participants, created_by, created_at, last_activity_at}`."""


@declare("conversation.joined", "user")
class ConversationJoined(ConversationPayload):
    """The user takes part in a new conversation (so the client can subscribe): as conversation.created."""


@declare("conversation.left", "conversation")
class ConversationLeft(Event):
    """A participant left: `{conversation_id, user}`; their sockets stop receiving the conversation at this event."""

    conversation_id: int
    user: UserBrief


@dataclass(frozen=True, kw_only=True)
class DirectMessagePayload(Event):
    """A direct message as message_view shows it; the item whose content dm.* events carry."""

    ITEM = "direct_message"
    REDACTED = {"body": "", "html": "", "file": None}
    id: int
    conversation_id: int
    author: UserBrief | None
    client_id: str | None
    body: str
    html: str
    created_at: str
    edited_at: str | None
    reactions: list[dict]
    mentions: list[int]
    file: dict | None = None  # {id, name, size, content_type} of a file posted with it


@dataclass(frozen=True, kw_only=True)
class DirectReactionPayload(Event):
    message_id: int
    conversation_id: int
    user_id: int
    emoji: str


@declare("dm.created", "conversation")
class DirectMessageCreated(DirectMessagePayload):
    """A direct message was posted in a conversation: `{id, conversation_id, author, client_id, body, html, created_at,
    edited_at, reactions, mentions}` (the shape of a thread's message)."""


@declare("dm.edited", "conversation", redacts="direct_message")
class DirectMessageEdited(DirectMessagePayload):
    """A direct message was edited by its author: the message view; earlier events lose the old text."""


@declare("dm.deleted", "conversation", redacts="direct_message")
class DirectMessageDeleted(Event):
    """A direct message was deleted by its author: `{id, conversation_id}`; earlier events lose its text."""

    id: int
    conversation_id: int


@declare("dm.reacted", "conversation")
class DirectReactionAdded(DirectReactionPayload):
    """Someone reacted to a direct message: `{message_id, conversation_id, user_id, emoji}`."""


@declare("dm.unreacted", "conversation")
class DirectReactionRemoved(DirectReactionPayload):
    """Someone took a reaction to a direct message back: as dm.reacted."""
