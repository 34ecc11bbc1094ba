"""The kinds of spaces, members, threads, messages, reactions, the library, flags and a user's own
stream, with the payload shapes that server/services/views.py and the library's views build."""

from __future__ import annotations

from dataclasses import dataclass

from server.events.registry import ABSENT, Event, FlagTarget, UserBrief, declare

# --- payload shapes (built by server/services/views.py and the library's resource view) ---------


@dataclass(frozen=True, kw_only=True)
class SpacePayload(Event):
    id: int
    name: str
    description: str
    themes: list[str]
    visibility: str
    city_ids: list[int]
    cities: list[dict]
    my_role: str | None  # None in space.* events: they go to every reader, not to the editor
    my_state: str | None
    created_at: str | None


@dataclass(frozen=True, kw_only=True)
class MemberPayload(Event):
    user: UserBrief
    role: str
    state: str
    joined_at: str | None


@dataclass(frozen=True, kw_only=True)
class ThreadPayload(Event):
    id: int
    space_id: int
    title: str
    themes: list[str]
    author: UserBrief | None
    pinned: bool
    locked: bool
    created_at: str | None
    last_activity_at: str | None


@dataclass(frozen=True, kw_only=True)
class MessagePayload(Event):
    ITEM = "message"
    REDACTED = {"body": "", "html": "", "hidden_reason": None}
    QUOTES = ("message", "reply_to")  # a reply carries a quote of another message
    id: int
    thread_id: int
    space_id: int
    author: UserBrief | None
    client_id: str | None
    body: str  # blank when the message is hidden (events reach every reader)
    html: str
    created_at: str | None
    edited_at: str | None
    hidden: bool
    hidden_reason: str | None
    reactions: list[dict]
    mentions: list[int]
    # {id, available, author, excerpt} of the quoted message; becomes unavailable (no author, no
    # text) in earlier events when the quoted message is edited, hidden or deleted.
    reply_to: dict | None = None


@dataclass(frozen=True, kw_only=True)
class ReactionPayload(Event):
    message_id: int
    thread_id: int
    user_id: int
    emoji: str


@dataclass(frozen=True, kw_only=True)
class ResourcePayload(Event):
    """The resource view; a hidden (or redacted) resource is reduced to id, space_id, kind, hidden."""

    ITEM = "resource"
    id: int
    space_id: int
    kind: str
    hidden: bool
    title: str = ABSENT
    summary: str = ABSENT
    themes: list[str] = ABSENT
    language: str | None = ABSENT
    city_id: int | None = ABSENT
    featured: bool = ABSENT
    hidden_reason: str | None = ABSENT
    author: UserBrief | None = ABSENT
    version: int = ABSENT
    created_at: str | None = ABSENT
    updated_at: str | None = ABSENT
    source_thread_id: int | None = ABSENT
    file: dict | None = ABSENT
    url: str | None = ABSENT
    practice: dict | None = ABSENT

    def redacted(self) -> Event:
        keep = {"id", "space_id", "kind", "changed"}
        return type(self)(**{k: v for k, v in self.data().items() if k in keep}, hidden=True)


@dataclass(frozen=True, kw_only=True)
class FlagPayload(Event):
    id: int
    space_id: int
    target: FlagTarget
    state: str


@dataclass(frozen=True, kw_only=True)
class CollectionPayload(Event):
    LISTS = ("resource", "resource_ids")
    id: int
    space_id: int
    name: str
    description: str
    resource_ids: list[int]  # only resources every reader of the space may see
    created_at: str | None


@declare("space.created")
class SpaceCreated(SpacePayload):
    """A space was created: the space view."""


@declare("space.updated")
class SpaceUpdated(SpacePayload):
    """A space (or a city it pairs) changed: the space view."""


@declare("member.added")
class MemberAdded(MemberPayload):
    """Someone became a member: the member view `{user, role, state, joined_at}`."""


@declare("member.updated")
class MemberUpdated(MemberPayload):
    """A member's role or state changed: the member view."""


@declare("member.requested")
class MemberRequested(MemberPayload):
    """Someone asked to join: the member view (state `pending`)."""


@declare("member.approved")
class MemberApproved(MemberPayload):
    """A join request was approved: the member view."""


@declare("member.suspended")
class MemberSuspended(MemberPayload):
    """A member was suspended: the member view."""


@declare("member.reinstated")
class MemberReinstated(MemberPayload):
    """A suspension was lifted: the member view."""


@declare("member.removed")
class MemberRemoved(Event):
    """A member left or was removed: `{user: {id, name}}`."""

    user: dict


@declare("member.refused")
class MemberRefused(Event):
    """A join request was refused: `{user}`."""

    user: UserBrief


@declare("thread.created")
class ThreadCreated(ThreadPayload):
    """A thread was started: the thread view (its first message follows as message.created)."""


@declare("thread.updated")
class ThreadUpdated(ThreadPayload):
    """A thread's title, themes, pinned or locked changed: the thread view and `changed`."""

    changed: list[str]


@declare("message.created")
class MessageCreated(MessagePayload):
    """A message was posted: the message view."""


@declare("message.edited", redacts="message")
class MessageEdited(MessagePayload):
    """A message was edited: the message view (blank if hidden); earlier events lose the old text."""


@declare("message.hidden", redacts="message")
class MessageHidden(MessagePayload):
    """A message was hidden: its view with body, html blank, hidden_reason null; earlier events lose its text."""


@declare("message.unhidden")
class MessageUnhidden(MessagePayload):
    """A hidden message was shown again: the message view."""


@declare("message.deleted", redacts="message")
class MessageDeleted(Event):
    """A message was deleted: `{id, thread_id}`; earlier events of the message lose its text."""

    id: int
    thread_id: int


@declare("reaction.added")
class ReactionAdded(ReactionPayload):
    """Someone reacted to a message: `{message_id, thread_id, user_id, emoji}`."""


@declare("reaction.removed")
class ReactionRemoved(ReactionPayload):
    """Someone took a reaction back: as reaction.added."""


@declare("resource.created")
class ResourceCreated(ResourcePayload):
    """A resource was added: the resource view (without adapted_from, adapted_by, collection_ids)."""


@declare("resource.updated")
class ResourceUpdated(ResourcePayload):
    """A resource was edited: the resource view plus `changed` (`["adapted_from"]` for adaptation
    links); a hidden resource's carries only `{id, space_id, kind, hidden: true, changed}`."""

    changed: list[str]


@declare("resource.hidden", redacts="resource")
class ResourceHidden(ResourcePayload):
    """A resource was hidden: `{id, space_id, kind, hidden: true}`; earlier events are reduced to that."""


@declare("resource.unhidden")
class ResourceUnhidden(ResourcePayload):
    """A hidden resource was shown again: the resource view."""


@declare("resource.deleted", redacts="resource")
class ResourceDeleted(Event):
    """A resource was deleted: `{id, space_id, kind}`; earlier events are redacted as for hiding."""

    id: int
    space_id: int
    kind: str


@declare("flag.created")
class FlagCreated(FlagPayload):
    """A message or resource was flagged: `{id, space_id, target: {kind, id}, state: "open"}`."""


@declare("flag.resolved")
class FlagResolved(FlagPayload):
    """A flag was resolved: `{id, space_id, target, state, action}`, action `dismiss`, `hide` or `delete`."""

    action: str


@declare("collection.created")
class CollectionCreated(CollectionPayload):
    """A collection was made: `{id, space_id, name, description, resource_ids, created_at}`."""


@declare("collection.updated")
class CollectionUpdated(CollectionPayload):
    """A collection's name, description or items changed: as collection.created."""


@declare("collection.deleted")
class CollectionDeleted(Event):
    """A collection was deleted: `{id, space_id}`."""

    id: int
    space_id: int


@declare("space.joined", "user")
class SpaceJoined(SpacePayload):
    """The user became an active member of a space (so the client can subscribe): the space view."""


@declare("notification.mention", "user")
class NotificationMention(Event):
    """The user was mentioned: `{message_id, thread_id, space_id, thread_title, author}`."""

    message_id: int
    thread_id: int
    space_id: int
    thread_title: str
    author: UserBrief | None


@declare("read.updated", "user")
class ReadUpdated(Event):
    """The user's read position moved: `{thread_id, space_id, last_read_message_id, unread, mentions}`."""

    thread_id: int
    space_id: int
    last_read_message_id: int | None
    unread: int
    mentions: int
