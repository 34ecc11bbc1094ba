"""Messages: posting (idempotent by client_id), editing with history, deleting, reactions."""

from __future__ import annotations

import unicodedata

import asyncpg
from sqlalchemy import ARRAY, BigInteger, any_, bindparam, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events, markdown
from server.config import Settings
from server.db import driver
from server.db.models import (
    ConversationReaction,
    Membership,
    Mention,
    Message,
    MessageEdit,
    Reaction,
    Space,
    Thread,
    User,
)
from server.errors import Conflict, Forbidden, Invalid, NotFound, problem
from server.services import audit, changelog, flags, quotes
from server.services.access import SpaceAccess
from server.services.accounts import now
from server.services.thread_access import Slot, thread_access
from server.services.views import message_view, message_view_of_row

# The operator's setting (CITYBRIDGE_MESSAGE_MAX_CHARS) comes in from the route; other callers
# (the demo loader) get the same default.
MAX_CHARS = Settings.message_max_chars


def check_body(body: str, max_chars: int = MAX_CHARS) -> None:
    if len(body) > max_chars:
        raise Invalid(
            f"A message is at most {max_chars} characters.",
            code="too_long",
            fields={"body": problem("too_long", max=max_chars)},
        )


def check_emoji(raw: str) -> str:
    """One emoji (with its modifiers and joiners), nothing else."""
    ok = (
        0 < len(raw) <= 16
        and all(
            unicodedata.category(ch) in ("So", "Sk", "Mn", "Me", "Cf")
            or 0x1F1E6 <= ord(ch) <= 0x1F1FF
            or ch in "\u200d\ufe0f"
            for ch in raw
        )
        and any(unicodedata.category(ch) == "So" or 0x1F1E6 <= ord(ch) <= 0x1F1FF for ch in raw)
    )
    if not ok:
        raise Invalid("A reaction is a single emoji.", fields={"emoji": problem("not_an_emoji")})
    return raw


async def _render(db: AsyncSession, space: Space, body: str) -> tuple[str, list[int]]:
    """Render markdown, resolving @handles among the people who can read the space (the rule of
    access.can_read): a suspended user is never mentioned, so never notified."""
    parsed = markdown.parse(body)
    mentions: dict[str, int] = {}
    if parsed.handles:
        query = select(User.handle, User.id).where(User.handle.in_(parsed.handles), User.deactivated_at.is_(None))
        if space.visibility == "members":
            members = select(Membership.user_id).where(Membership.space_id == space.id, Membership.state == "active")
            query = query.where((User.id.in_(members)) | User.is_admin)
        else:
            shut_out = select(Membership.user_id).where(
                Membership.space_id == space.id, Membership.state == "suspended"
            )
            query = query.where(User.id.not_in(shut_out) | User.is_admin)
        mentions = dict((await db.execute(query)).all())
    return markdown.render(parsed, mentions), sorted(set(mentions.values()))


async def message_access(db: AsyncSession, actor: User, message_id: int) -> tuple[Message, Thread, SpaceAccess]:
    message = await db.scalar(select(Message).where(Message.id == message_id).with_for_update(key_share=True))
    if message is None or message.deleted_at is not None:
        raise NotFound("No such message.")
    thread, access = await thread_access(db, actor, message.thread_id, missing="No such message.")
    if message.hidden_at is not None and not access.is_moderator and message.author_id != actor.id:
        raise NotFound("No such message.")
    return message, thread, access


def _reactions_statement(table):
    return (
        select(table.message_id, table.emoji, func.array_agg(table.user_id), func.min(table.created_at))
        .where(table.message_id == any_(bindparam("ids", type_=ARRAY(BigInteger))))
        .group_by(table.message_id, table.emoji)
        .order_by(func.min(table.created_at), table.emoji)
    )


# Built once, and the ids bound as one array: an IN list of fifty ids made SQLAlchemy render the
# statement anew for every page of messages.
_REACTIONS = {table: _reactions_statement(table) for table in (Reaction, ConversationReaction)}
_MENTIONS = select(Mention.message_id, Mention.user_id).where(
    Mention.message_id == any_(bindparam("ids", type_=ARRAY(BigInteger)))
)


async def reactions_of(db: AsyncSession, message_ids: list[int], table=Reaction) -> dict[int, list[dict]]:
    """Per message, its reactions `{emoji, count, user_ids}` in the order they were first given;
    `table` is Reaction or, for direct messages, ConversationReaction (same columns)."""
    result: dict[int, list[dict]] = {}
    for message_id, emoji, user_ids, _ in await db.execute(_REACTIONS[table], {"ids": message_ids}):
        result.setdefault(message_id, []).append({"emoji": emoji, "count": len(user_ids), "user_ids": sorted(user_ids)})
    return result


async def mentions_of(db: AsyncSession, message_ids: list[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {}
    for message_id, user_id in await db.execute(_MENTIONS, {"ids": message_ids}):
        result.setdefault(message_id, []).append(user_id)
    return result


async def full_view(db: AsyncSession, message: Message, *, reveal_hidden: bool = True) -> dict:
    author = await db.get(User, message.author_id) if message.author_id else None
    return message_view(
        message,
        author,
        (await reactions_of(db, [message.id])).get(message.id, []),
        sorted((await mentions_of(db, [message.id])).get(message.id, [])),
        reveal_hidden=reveal_hidden,
        reply_to=(await quotes.quotes_of(db, [message])).get(message.id),
    )


# The message, sent straight to asyncpg (server/db/driver.py): the ORM's unit of work and SQLAlchemy's
# execution path cost more than the statement on the post route. Its thread's last activity moves to
# the message's time when the transaction commits (migration 0033's deferred trigger): updated here,
# the thread's row stayed locked until the commit, and one thread's posts queued behind each other.
# The message's row with the id and time drawn for it (Slot), written with its event in one statement
# (changelog.record_along); nothing when the author's client_id is taken.
_INSERT = """
INSERT INTO messages (id, created_at, thread_id, space_id, author_id, client_id, body, html, reply_to_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT ON CONSTRAINT author_client_id DO NOTHING
RETURNING id
"""
_SLOT = "SELECT nextval('messages_id_seq'), now()"


_BY_CLIENT_ID = select(Message).where(
    Message.author_id == bindparam("author_id"), Message.client_id == bindparam("client_id")
)


async def _existing(db: AsyncSession, author_id: int, client_id: str) -> Message | None:
    """The author's message of this client_id (every browser post carries one: built once)."""
    return await db.scalar(_BY_CLIENT_ID, {"author_id": author_id, "client_id": client_id})


async def post(
    db: AsyncSession,
    actor: User,
    thread: Thread,
    access: SpaceAccess,
    body: str,
    client_id: str | None,
    *,
    max_chars: int = MAX_CHARS,
    reply_to: int | None = None,
    retried: bool | None = None,
    slot: Slot | None = None,
) -> tuple[dict, bool]:
    """Add a message to a thread, quoting `reply_to` (a shown message of the thread) if given.
    Returns (message, created); a retry with the same client_id returns the first message with
    created=False. `retried`: whether the client_id was used before, when the caller knows
    (post_access); None asks. `slot`: the message's id and time if the caller drew them (post_access);
    None draws them."""
    check_body(body, max_chars)
    if client_id is not None and retried is not False:
        existing = await _existing(db, actor.id, client_id)
        if existing is not None:
            if existing.thread_id != thread.id:
                raise Conflict(
                    "This client_id was already used in another thread.",
                    code="client_id_reused",
                    fields={"client_id": problem("already_used")},
                )
            return await full_view(db, existing), False
    access.require_post()
    if thread.locked and not access.is_moderator:
        raise Conflict("This thread is locked: it takes no new messages.", code="thread_locked")
    if reply_to is not None:
        await quotes.check_reply_to(db, thread.id, reply_to)
    html, mentioned = await _render(db, access.space, body)
    values = {
        "thread_id": thread.id,
        "space_id": thread.space_id,
        "author_id": actor.id,
        "client_id": client_id,
        "body": body,
        "html": html,
        "reply_to_id": reply_to,
    }
    if slot is None:
        slot = Slot(*await (await driver.connection(db)).fetchrow(_SLOT))
    message = Message(id=slot.id, created_at=slot.created_at, **values)
    data = message_view(message, actor, [], mentioned, reply_to=(await quotes.quotes_of(db, [message])).get(message.id))
    # One round trip for the row and its event, no savepoint: a concurrent retry with the same
    # client_id makes the insert a no-op (no event, and the thread keeps its activity time) instead
    # of an error. Without mentions, and unless the session began a transaction for earlier work
    # (a quoted message's check), the statement is its own transaction: no BEGIN, no COMMIT. The
    # mentions' rows and notifications must commit with the message: then all of it in one.
    try:
        written = await changelog.record_along(
            db,
            events.MessageCreated(**data),
            _INSERT,
            [*slot, *values.values()],
            space_id=thread.space_id,
            alone=not mentioned,
        )
    except asyncpg.ForeignKeyViolationError:
        raise NotFound("No such thread.") from None  # deleted since post_access read it
    if not written:
        existing = await _existing(db, actor.id, client_id)
        if existing is None or existing.thread_id != thread.id:
            raise Conflict(
                "This client_id was already used in another thread.",
                code="client_id_reused",
                fields={"client_id": problem("already_used")},
            )
        return await full_view(db, existing), False
    if mentioned:
        await db.execute(insert(Mention), [{"message_id": message.id, "user_id": uid} for uid in mentioned])
    for user_id in mentioned:
        if user_id != actor.id:
            await changelog.record(
                db,
                events.NotificationMention(
                    message_id=message.id,
                    thread_id=thread.id,
                    space_id=thread.space_id,
                    thread_title=thread.title,
                    author=data["author"],
                ),
                user_id=user_id,
            )
    return data, True


# A thread's page of messages with their authors, reactions and mentions in one statement, sent straight
# to asyncpg (server/db/driver.py): loading fifty messages and their fifty authors as ORM objects, for
# a dict each, was the larger part of the route's CPU. Reactions per emoji in the order first given
# (then by emoji), their users and the mentioned users in id order: as reactions_of and mentions_of.
_PAGE = """
SELECT m.id, m.thread_id, m.space_id, m.author_id, m.client_id, m.body, m.html, m.created_at, m.edited_at,
       m.hidden_at, m.hidden_reason, m.reply_to_id,
       u.name AS author_name, u.handle AS author_handle, u.city_id AS author_city_id,
       (SELECT array_agg(x.user_id ORDER BY x.user_id) FROM mentions x WHERE x.message_id = m.id) AS mentions,
       (SELECT json_agg(json_build_object('emoji', g.emoji, 'count', cardinality(g.user_ids), 'user_ids', g.user_ids)
                        ORDER BY g.first, g.emoji)
          FROM (SELECT r.emoji, array_agg(r.user_id ORDER BY r.user_id) AS user_ids, min(r.created_at) AS first
                FROM reactions r WHERE r.message_id = m.id GROUP BY r.emoji) g) AS reactions
FROM messages m LEFT JOIN users u ON u.id = m.author_id
WHERE m.thread_id = $1 AND m.deleted_at IS NULL AND {where}
ORDER BY m.id {order} LIMIT $2
"""
_PAGES = {
    "first": _PAGE.format(where="$3::bigint IS NULL", order="ASC"),
    "after": _PAGE.format(where="m.id > $3", order="ASC"),
    "before": _PAGE.format(where="m.id < $3", order="DESC"),
}


async def list_messages(
    db: AsyncSession, actor: User, thread_id: int, *, after: int | None, before: int | None, limit: int
) -> tuple[list[dict], Thread]:
    """Messages of a thread in id order; `before` pages backwards from the newest."""
    thread, access = await thread_access(db, actor, thread_id)
    way = "after" if after is not None else "before" if before is not None else "first"
    bound = after if after is not None else before
    rows = await (await driver.connection(db)).fetch(_PAGES[way], thread_id, limit, bound)
    if before is not None:
        rows.reverse()
    quoted = await quotes.quotes_for(db, {r["id"]: r["reply_to_id"] for r in rows if r["reply_to_id"] is not None})
    moderator = access.is_moderator
    return [
        message_view_of_row(
            r,
            r["reactions"],
            r["mentions"],
            reveal_hidden=moderator or r["author_id"] == actor.id,
            reply_to=quoted.get(r["id"]),
        )
        for r in rows
    ], thread


async def edit(db: AsyncSession, actor: User, message_id: int, body: str, *, max_chars: int = MAX_CHARS) -> dict:
    """Authors edit their own messages; the previous version is kept."""
    check_body(body, max_chars)
    message, thread, access = await message_access(db, actor, message_id)
    if message.author_id != actor.id:
        raise Forbidden("Only the author can edit a message.", code="not_the_author")
    if thread.locked and not access.is_moderator:
        raise Conflict("This thread is locked.", code="thread_locked")
    if body == message.body:
        return await full_view(db, message)
    db.add(MessageEdit(message_id=message.id, body=message.body, html=message.html, edited_by=actor.id))
    message.html, mentioned = await _render(db, access.space, body)
    message.body = body
    message.edited_at = now()
    await db.execute(Mention.__table__.delete().where(Mention.message_id == message.id))
    db.add_all([Mention(message_id=message.id, user_id=uid) for uid in mentioned])
    await db.flush()
    data = await full_view(db, message)
    # Events reach every reader of the space: a hidden message's new text must not.
    event = data if message.hidden_at is None else await full_view(db, message, reveal_hidden=False)
    await changelog.record(db, events.MessageEdited(**event), space_id=message.space_id)
    return data


async def history(db: AsyncSession, actor: User, message_id: int) -> list[dict]:
    message, _, access = await message_access(db, actor, message_id)
    edits = (
        await db.scalars(select(MessageEdit).where(MessageEdit.message_id == message.id).order_by(MessageEdit.id))
    ).all()
    return [{"body": e.body, "html": e.html, "replaced_at": e.replaced_at.isoformat()} for e in edits]


async def delete(db: AsyncSession, actor: User, message_id: int) -> None:
    """Authors delete their messages, moderators anyone's. The body and its history are erased."""
    message, _, access = await message_access(db, actor, message_id)
    if message.author_id != actor.id and not access.is_moderator:
        raise Forbidden("Only the author or a moderator can delete a message.", code="not_the_author")
    message.deleted_at = now()
    message.body = message.html = ""
    await db.execute(MessageEdit.__table__.delete().where(MessageEdit.message_id == message.id))
    await db.flush()
    await changelog.record(
        db, events.MessageDeleted(id=message.id, thread_id=message.thread_id), space_id=message.space_id
    )
    if message.author_id != actor.id:
        await audit.record(
            db,
            actor,
            "message.deleted",
            space_id=message.space_id,
            target_kind="message",
            target_id=message.id,
            details={"thread_id": message.thread_id},
        )
    await flags.close_open(db, actor, "message", message.id, state="deleted", note="deleted")


async def react(db: AsyncSession, actor: User, message_id: int, emoji: str, *, add: bool) -> dict:
    check_emoji(emoji)
    message, _, access = await message_access(db, actor, message_id)
    access.require_post()
    existing = await db.get(Reaction, (message.id, actor.id, emoji))
    if add and existing is None:
        db.add(Reaction(message_id=message.id, user_id=actor.id, emoji=emoji))
        await db.flush()
        await changelog.record(
            db,
            events.ReactionAdded(message_id=message.id, thread_id=message.thread_id, user_id=actor.id, emoji=emoji),
            space_id=message.space_id,
        )
    elif not add and existing is not None:
        await db.delete(existing)
        await db.flush()
        await changelog.record(
            db,
            events.ReactionRemoved(message_id=message.id, thread_id=message.thread_id, user_id=actor.id, emoji=emoji),
            space_id=message.space_id,
        )
    return {"message_id": message.id, "reactions": (await reactions_of(db, [message.id])).get(message.id, [])}
