"""What a person's page shows of their work: their practice records and their latest posts, each
only from spaces the viewer may read and never hidden or deleted (issue 15). Unreadable things do
not exist here either: a record or a post in another space is left out, not counted.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Message, Resource, Space, Thread, User
from server.markdown import plain_text
from server.services.access import readable_spaces_clause

SHOWN = 10
EXCERPT = 200


def _excerpt(html: str) -> str:
    text = plain_text(html)
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


async def practices(db: AsyncSession, viewer: User, person_id: int) -> list[dict]:
    """The person's practice records the viewer may read, latest first."""
    rows = await db.execute(
        select(Resource.id, Resource.title, Resource.city_id, Resource.space_id, Space.name, Resource.updated_at)
        .join(Space, Space.id == Resource.space_id)
        .where(
            Resource.author_id == person_id,
            Resource.kind == "practice",
            Resource.hidden_at.is_(None),
            readable_spaces_clause(viewer),
        )
        .order_by(Resource.updated_at.desc(), Resource.id.desc())
        .limit(SHOWN)
    )
    return [
        {"id": i, "title": title, "city_id": city, "space": {"id": space, "name": name}, "updated_at": at.isoformat()}
        for i, title, city, space, name, at in rows.all()
    ]


async def recent_posts(db: AsyncSession, viewer: User, person_id: int) -> list[dict]:
    """The person's latest messages the viewer may read (neither hidden nor deleted), with their thread."""
    rows = await db.execute(
        select(Message.id, Message.html, Message.created_at, Thread.id, Thread.title, Space.id, Space.name)
        .join(Thread, Thread.id == Message.thread_id)
        .join(Space, Space.id == Message.space_id)
        .where(
            Message.author_id == person_id,
            Message.deleted_at.is_(None),
            Message.hidden_at.is_(None),
            readable_spaces_clause(viewer),
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(SHOWN)
    )
    return [
        {
            "message_id": message,
            "thread": {"id": thread, "title": title},
            "space": {"id": space, "name": name},
            "excerpt": _excerpt(html),
            "created_at": at.isoformat(),
        }
        for message, html, at, thread, title, space, name in rows.all()
    ]
