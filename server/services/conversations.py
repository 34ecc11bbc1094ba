"""Direct conversations (docs/people.md): one-to-one and small groups, read by their current
participants only (an admin who is not one gets 404 like anyone else), with messages shaped like a
thread's, live as a stream of their own (realtime: `subscribe` with `conversation_id`).

Who may be asked into one: people the starter may see in the directory, not deactivated, not
blocking the starter. A participant who leaves is no longer one: the conversation stops existing
for them, their sockets stop at the `conversation.left` event and replays refuse them.
"""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server import events, markdown
from server.db.models import (
    Block,
    Conversation,
    ConversationFile,
    ConversationMessage,
    ConversationParticipant,
    ConversationReaction,
    User,
)
from server.errors import Conflict, Forbidden, Invalid, NotFound, problem
from server.services import changelog
from server.services.accounts import now
from server.services.messages import MAX_CHARS, check_body, reactions_of
from server.services.profiles import standing
from server.services.views import iso, user_brief

MAX_PARTICIPANTS = 10  # the starter included

# The rule of `access` as one query for realtime's asyncpg pool (realtime/replay.py).
_IS_PARTICIPANT = """
SELECT EXISTS (SELECT 1 FROM conversation_participants p JOIN users u ON u.id = p.user_id
               WHERE p.conversation_id = $2 AND p.user_id = $1 AND p.left_at IS NULL AND u.deactivated_at IS NULL)
"""


async def is_participant(pool, user_id: int, conversation_id: int) -> bool:
    return bool(await pool.fetchval(_IS_PARTICIPANT, user_id, conversation_id))


async def access(db: AsyncSession, actor: User, conversation_id: int) -> Conversation:
    """The conversation, if the actor is a current participant; NotFound otherwise."""
    row = (
        await db.execute(
            select(Conversation)
            .join(ConversationParticipant, ConversationParticipant.conversation_id == Conversation.id)
            .where(
                Conversation.id == conversation_id,
                ConversationParticipant.user_id == actor.id,
                ConversationParticipant.left_at.is_(None),
            )
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("No such conversation.")
    return row


async def _participants(db: AsyncSession, conversation_ids: list[int]) -> dict[int, list[User]]:
    rows = await db.execute(
        select(ConversationParticipant.conversation_id, User)
        .join(User, User.id == ConversationParticipant.user_id)
        .where(ConversationParticipant.conversation_id.in_(conversation_ids), ConversationParticipant.left_at.is_(None))
        .order_by(User.name, User.id)
    )
    found: dict[int, list[User]] = {}
    for conversation_id, user in rows.all():
        found.setdefault(conversation_id, []).append(user)
    return found


def conversation_view(conversation: Conversation, people: list[User]) -> dict:
    return {
        "id": conversation.id,
        "title": conversation.title,
        "participants": [user_brief(u) for u in people],
        "created_by": conversation.created_by,
        "created_at": iso(conversation.created_at),
        "last_activity_at": iso(conversation.last_activity_at),
    }


def file_view(file: ConversationFile | None) -> dict | None:
    if file is None:
        return None
    return {"id": file.id, "name": file.name, "size": file.size, "content_type": file.content_type}


def message_view(
    message: ConversationMessage,
    author: User | None,
    reactions: list[dict] | None = None,
    file: ConversationFile | None = None,
) -> dict:
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "author": user_brief(author),
        "client_id": message.client_id,
        "body": message.body,
        "html": message.html,
        "created_at": iso(message.created_at),
        "edited_at": iso(message.edited_at),
        "reactions": reactions or [],
        "mentions": sorted(message.mentions or []),
        "file": file_view(file),
    }


async def _invitees(db: AsyncSession, actor: User, ids: list[int]) -> list[User]:
    """The people asked into a new conversation, checked: seen by the actor, active, not blocking them."""
    wanted = sorted(set(ids) - {actor.id})
    if not wanted:
        raise Invalid(
            "Name at least one other person.",
            code="no_participants",
            fields={"participant_ids": problem("too_few", min=1)},
        )
    if len(wanted) > MAX_PARTICIPANTS - 1:
        raise Invalid(
            f"A conversation has at most {MAX_PARTICIPANTS} people.",
            code="too_many_participants",
            fields={"participant_ids": problem("too_many", max=MAX_PARTICIPANTS - 1)},
        )
    people = {u.id: u for u in (await db.scalars(select(User).where(User.id.in_(wanted)))).all()}
    gone = sorted(i for i, u in people.items() if u.deactivated_at is not None and u.erased_at is None)
    if gone:
        raise Invalid(
            "Some of these people can no longer be reached.",
            code="participant_deactivated",
            fields={"participant_ids": problem("deactivated", ids=", ".join(map(str, gone)))},
        )
    unknown = [i for i in wanted if i not in people or not (await standing(db, actor, people[i]))[0]]
    if unknown:
        raise Invalid(
            "Some of these people do not exist.",
            fields={"participant_ids": problem("unknown_ids", ids=", ".join(map(str, unknown)))},
        )
    blocking = await db.scalar(
        select(Block.blocker_id).where(Block.blocker_id.in_(wanted), Block.blocked_id == actor.id)
    )
    if blocking is not None:
        raise Forbidden(f"{people[blocking].name} does not accept conversations from you.", code="blocked")
    return [people[i] for i in wanted]


async def _existing_pair(db: AsyncSession, actor: User, other: User) -> Conversation | None:
    """The untitled one-to-one conversation both are still in, if any: "Message" opens it again."""
    mine, theirs = aliased(ConversationParticipant), aliased(ConversationParticipant)
    count = select(func.count()).where(ConversationParticipant.conversation_id == Conversation.id).scalar_subquery()
    query = (
        select(Conversation)
        .join(mine, and_(mine.conversation_id == Conversation.id, mine.user_id == actor.id, mine.left_at.is_(None)))
        .join(
            theirs,
            and_(theirs.conversation_id == Conversation.id, theirs.user_id == other.id, theirs.left_at.is_(None)),
        )
        .where(Conversation.title == "", count == 2)
        .order_by(Conversation.id)
        .limit(1)
    )
    return await db.scalar(query)


async def start(db: AsyncSession, actor: User, participant_ids: list[int], title: str) -> tuple[dict, bool]:
    """Start a conversation (or reopen the untitled one-to-one with that person): (view, created)."""
    invitees = await _invitees(db, actor, participant_ids)
    if len(invitees) == 1 and not title:
        existing = await _existing_pair(db, actor, invitees[0])
        if existing is not None:
            return conversation_view(existing, (await _participants(db, [existing.id]))[existing.id]), False
    conversation = Conversation(title=title, created_by=actor.id)
    db.add(conversation)
    await db.flush()
    everyone = sorted([actor, *invitees], key=lambda u: (u.name, u.id))
    db.add_all([ConversationParticipant(conversation_id=conversation.id, user_id=u.id) for u in everyone])
    await db.flush()
    await db.refresh(conversation)
    view = conversation_view(conversation, everyone)
    await changelog.record(db, events.ConversationCreated(**view), conversation_id=conversation.id)
    for person in everyone:
        await changelog.record(db, events.ConversationJoined(**view), user_id=person.id)
    return view, True


async def _unread(db: AsyncSession, actor: User, conversation_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per conversation: (unread messages by others, my last read message id)."""
    me = ConversationParticipant
    rows = await db.execute(
        select(me.conversation_id, me.last_read_message_id, func.count(ConversationMessage.id))
        .outerjoin(
            ConversationMessage,
            and_(
                ConversationMessage.conversation_id == me.conversation_id,
                ConversationMessage.id > me.last_read_message_id,
                ConversationMessage.author_id.is_distinct_from(actor.id),
            ),
        )
        .where(me.user_id == actor.id, me.conversation_id.in_(conversation_ids))
        .group_by(me.conversation_id, me.last_read_message_id)
    )
    return {cid: (count, last) for cid, last, count in rows.all()}


async def list_mine(db: AsyncSession, actor: User) -> list[dict]:
    conversations = (
        await db.scalars(
            select(Conversation)
            .join(ConversationParticipant, ConversationParticipant.conversation_id == Conversation.id)
            .where(ConversationParticipant.user_id == actor.id, ConversationParticipant.left_at.is_(None))
            .order_by(Conversation.last_activity_at.desc(), Conversation.id.desc())
            .limit(200)
        )
    ).all()
    ids = [c.id for c in conversations]
    people, unread = await _participants(db, ids), await _unread(db, actor, ids)
    return [
        {
            **conversation_view(c, people.get(c.id, [])),
            "unread": unread[c.id][0],
            "last_read_message_id": unread[c.id][1],
        }
        for c in conversations
    ]


async def get(db: AsyncSession, actor: User, conversation_id: int) -> dict:
    conversation = await access(db, actor, conversation_id)
    unread, last = (await _unread(db, actor, [conversation.id]))[conversation.id]
    people = (await _participants(db, [conversation.id]))[conversation.id]
    return {**conversation_view(conversation, people), "unread": unread, "last_read_message_id": last}


async def render(db: AsyncSession, conversation_id: int, body: str) -> tuple[str, list[int]]:
    """Markdown; an @handle becomes a mention only for a current participant (anyone else's handle
    stays plain text: it neither links nor tells whether that person exists)."""
    parsed = markdown.parse(body)
    mentions: dict[str, int] = {}
    if parsed.handles:
        query = (
            select(User.handle, User.id)
            .join(ConversationParticipant, ConversationParticipant.user_id == User.id)
            .where(
                User.handle.in_(parsed.handles),
                ConversationParticipant.conversation_id == conversation_id,
                ConversationParticipant.left_at.is_(None),
            )
        )
        mentions = dict((await db.execute(query)).all())
    return markdown.render(parsed, mentions), sorted(set(mentions.values()))


async def _by_client_id(db: AsyncSession, actor: User, client_id: str) -> ConversationMessage | None:
    query = select(ConversationMessage).where(
        ConversationMessage.author_id == actor.id, ConversationMessage.client_id == client_id
    )
    return await db.scalar(query)


async def post(
    db: AsyncSession,
    actor: User,
    conversation_id: int,
    body: str,
    client_id: str | None,
    *,
    max_chars: int = MAX_CHARS,
    file: ConversationFile | None = None,
) -> tuple[dict, bool]:
    """Add a message (with a file already stored for the conversation, if given); a retry with the
    same client_id returns the first one with created=False."""
    check_body(body, max_chars)
    conversation = await access(db, actor, conversation_id)
    if client_id is not None and (existing := await _by_client_id(db, actor, client_id)) is not None:
        if existing.conversation_id != conversation.id:
            raise Conflict(
                "This client_id was already used in another conversation.",
                code="client_id_reused",
                fields={"client_id": problem("already_used")},
            )
        return message_view(existing, actor), False
    html, mentioned = await render(db, conversation.id, body)
    message = ConversationMessage(
        conversation_id=conversation.id,
        author_id=actor.id,
        client_id=client_id,
        body=body,
        html=html,
        mentions=mentioned,
        file_id=file.id if file is not None else None,
    )
    try:
        async with db.begin_nested():
            db.add(message)
            await db.flush()
    except IntegrityError:
        existing = await _by_client_id(db, actor, client_id) if client_id is not None else None
        if existing is None:
            raise
        return message_view(existing, actor), False
    conversation.last_activity_at = message.created_at
    mine = await db.get(ConversationParticipant, (conversation.id, actor.id))
    mine.last_read_message_id = message.id
    await db.flush()
    data = message_view(message, actor, file=file)
    await changelog.record(db, events.DirectMessageCreated(**data), conversation_id=conversation.id)
    return data, True


async def list_messages(
    db: AsyncSession, actor: User, conversation_id: int, *, after: int | None, before: int | None, limit: int
) -> list[dict]:
    """Messages in id order; `before` pages backwards from the newest."""
    await access(db, actor, conversation_id)
    query = (
        select(ConversationMessage, User, ConversationFile)
        .outerjoin(User, User.id == ConversationMessage.author_id)
        .outerjoin(ConversationFile, ConversationFile.id == ConversationMessage.file_id)
        .where(ConversationMessage.conversation_id == conversation_id)
    )
    if after is not None:
        query = query.where(ConversationMessage.id > after).order_by(ConversationMessage.id)
    elif before is not None:
        query = query.where(ConversationMessage.id < before).order_by(ConversationMessage.id.desc())
    else:
        query = query.order_by(ConversationMessage.id.desc())
    rows = (await db.execute(query.limit(limit))).all()
    if after is None:
        rows.reverse()
    reactions = await reactions_of(db, [m.id for m, _, _ in rows], ConversationReaction)
    return [message_view(m, u, reactions.get(m.id), f) for m, u, f in rows]


async def mark_read(db: AsyncSession, actor: User, conversation_id: int, message_id: int) -> dict:
    """Move my read position forward (never back)."""
    await access(db, actor, conversation_id)
    mine = await db.get(ConversationParticipant, (conversation_id, actor.id))
    newest = await db.scalar(
        select(func.max(ConversationMessage.id)).where(ConversationMessage.conversation_id == conversation_id)
    )
    mine.last_read_message_id = max(mine.last_read_message_id, min(message_id, newest or 0))
    await db.flush()
    return await get(db, actor, conversation_id)


async def leave(db: AsyncSession, actor: User, conversation_id: int) -> None:
    await access(db, actor, conversation_id)
    mine = await db.get(ConversationParticipant, (conversation_id, actor.id), with_for_update={"key_share": True})
    mine.left_at = now()
    await db.flush()
    brief = user_brief(actor)
    await changelog.record(
        db, events.ConversationLeft(conversation_id=conversation_id, user=brief), conversation_id=conversation_id
    )


async def set_block(db: AsyncSession, actor: User, person_id: int, *, blocked: bool) -> dict:
    """Block (or unblock) a person from starting conversations with me."""
    person = await db.get(User, person_id)
    if person is None or not (await standing(db, actor, person))[0]:
        raise NotFound("No such person.")
    if person.id == actor.id:
        raise Invalid("You cannot block yourself.", code="block_self", fields={"person_id": problem("invalid")})
    existing = await db.get(Block, (actor.id, person.id))
    if blocked and existing is None:
        db.add(Block(blocker_id=actor.id, blocked_id=person.id))
    elif not blocked and existing is not None:
        await db.delete(existing)
    await db.flush()
    return {"person_id": person.id, "blocked": blocked}
