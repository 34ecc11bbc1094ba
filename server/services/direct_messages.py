"""A direct message's features besides posting it (docs/people.md), with a thread message's rules:
its author edits or deletes it, any participant reacts to it. Each is a declared `dm.*` event of the
conversation's stream, so only current participants ever receive it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import Conversation, ConversationFile, ConversationMessage, ConversationReaction, User
from server.errors import Forbidden, NotFound
from server.services import changelog, conversations
from server.services.accounts import now
from server.services.messages import MAX_CHARS, check_body, check_emoji, reactions_of


async def message_access(
    db: AsyncSession, actor: User, conversation_id: int, message_id: int
) -> tuple[ConversationMessage, Conversation]:
    """A message of a conversation the actor takes part in (locked against a concurrent change);
    NotFound otherwise, whether or not it exists."""
    conversation = await conversations.access(db, actor, conversation_id)
    message = await db.scalar(
        select(ConversationMessage)
        .where(ConversationMessage.id == message_id, ConversationMessage.conversation_id == conversation.id)
        .with_for_update(key_share=True)
    )
    if message is None:
        raise NotFound("No such message.")
    return message, conversation


async def _full_view(db: AsyncSession, message: ConversationMessage) -> dict:
    author = await db.get(User, message.author_id) if message.author_id else None
    reactions = await reactions_of(db, [message.id], ConversationReaction)
    file = await db.get(ConversationFile, message.file_id) if message.file_id else None
    return conversations.message_view(message, author, reactions.get(message.id), file)


async def edit(
    db: AsyncSession, actor: User, conversation_id: int, message_id: int, body: str, *, max_chars: int = MAX_CHARS
) -> dict:
    """Authors edit their own direct messages, at any time, as in threads; `dm.edited` takes the
    old text out of the earlier events."""
    check_body(body, max_chars)
    message, conversation = await message_access(db, actor, conversation_id, message_id)
    if message.author_id != actor.id:
        raise Forbidden("Only the author can edit a message.", code="not_the_author")
    if body == message.body:
        return await _full_view(db, message)
    message.html, message.mentions = await conversations.render(db, conversation.id, body)
    message.body = body
    message.edited_at = now()
    await db.flush()
    data = await _full_view(db, message)
    await changelog.record(db, events.DirectMessageEdited(**data), conversation_id=conversation.id)
    return data


async def delete(db: AsyncSession, actor: User, conversation_id: int, message_id: int) -> None:
    """Authors delete their own direct messages: the row goes (its reactions with it) and
    `dm.deleted` takes its text out of the earlier events. Nobody else can, admins included."""
    message, conversation = await message_access(db, actor, conversation_id, message_id)
    if message.author_id != actor.id:
        raise Forbidden("Only the author can delete a message.", code="not_the_author")
    file = await db.get(ConversationFile, message.file_id) if message.file_id else None
    await db.delete(message)
    if file is not None:  # its file goes with it (the bytes stay: storage is content-addressed and shared)
        await db.delete(file)
    await db.flush()
    await changelog.record(
        db, events.DirectMessageDeleted(id=message_id, conversation_id=conversation.id), conversation_id=conversation.id
    )


async def react(db: AsyncSession, actor: User, conversation_id: int, message_id: int, emoji: str, *, add: bool) -> dict:
    """Add or take back my reaction (one emoji, the rule of a thread's reactions)."""
    check_emoji(emoji)
    message, conversation = await message_access(db, actor, conversation_id, message_id)
    existing = await db.get(ConversationReaction, (message.id, actor.id, emoji))
    change = {"message_id": message.id, "conversation_id": conversation.id, "user_id": actor.id, "emoji": emoji}
    if add and existing is None:
        db.add(ConversationReaction(message_id=message.id, user_id=actor.id, emoji=emoji))
        await db.flush()
        await changelog.record(db, events.DirectReactionAdded(**change), conversation_id=conversation.id)
    elif not add and existing is not None:
        await db.delete(existing)
        await db.flush()
        await changelog.record(db, events.DirectReactionRemoved(**change), conversation_id=conversation.id)
    reactions = await reactions_of(db, [message.id], ConversationReaction)
    return {"message_id": message.id, "reactions": reactions.get(message.id, [])}
