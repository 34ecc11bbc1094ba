"""Files posted into a direct conversation (docs/people.md): stored through the content-checked
upload path like a library file, each sent as a direct message, and downloadable by the
conversation's current participants only: anyone else, admins included, gets 404."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import ConversationFile, User
from server.errors import NotFound
from server.services import conversations
from server.services.messages import MAX_CHARS, check_body


async def post(
    db: AsyncSession,
    actor: User,
    conversation_id: int,
    *,
    key: str,
    name: str,
    size: int,
    content_type: str,
    body: str,
    max_chars: int = MAX_CHARS,
) -> dict:
    """Record the stored file and post it as a message (with `body` as its text)."""
    check_body(body, max_chars)
    conversation = await conversations.access(db, actor, conversation_id)
    file = ConversationFile(
        conversation_id=conversation.id, uploaded_by=actor.id, key=key, name=name, size=size, content_type=content_type
    )
    db.add(file)
    await db.flush()
    message, _ = await conversations.post(db, actor, conversation.id, body, None, max_chars=max_chars, file=file)
    return message


async def open_download(db: AsyncSession, actor: User, conversation_id: int, file_id: int) -> ConversationFile:
    """The file, if the actor is a current participant of its conversation; NotFound otherwise."""
    conversation = await conversations.access(db, actor, conversation_id)
    file = await db.get(ConversationFile, file_id)
    if file is None or file.conversation_id != conversation.id:
        raise NotFound("No such file.")
    return file
