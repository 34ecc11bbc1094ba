"""What a practice record's detail says of its attachments and translations, as the reader may
see them (server/services/library/resource_views.py `detail`)."""

from __future__ import annotations

from sqlalchemy import false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import PracticeAttachment, Resource, Space, User
from server.services.access import readable_spaces_clause


def _shown(actor: User):
    """Hidden resources exist for their author and admins only (moderators find them in the library)."""
    return or_(Resource.hidden_at.is_(None), Resource.author_id == actor.id, true() if actor.is_admin else false())


async def attachment_views(db: AsyncSession, actor: User, practice_id: int) -> list[dict]:
    rows = await db.execute(
        select(Resource, PracticeAttachment.published)
        .join(PracticeAttachment, PracticeAttachment.document_id == Resource.id)
        .where(PracticeAttachment.practice_id == practice_id, _shown(actor))
        .order_by(Resource.title, Resource.id)
    )
    return [
        {
            "id": document.id,
            "title": document.title,
            "name": document.file_name,
            "size": document.file_size,
            "content_type": document.content_type,
            "published": published,
        }
        for document, published in rows.all()
    ]


def _ref(resource: Resource) -> dict:
    return {
        "id": resource.id,
        "space_id": resource.space_id,
        "title": resource.title,
        "city_id": resource.city_id,
        "language": resource.language,
    }


async def translation_views(db: AsyncSession, actor: User, resource: Resource) -> tuple[dict | None, list[dict]]:
    """(the original this record translates, or None; the translations of this record)."""
    readable = select(Resource).join(Space, Space.id == Resource.space_id).where(readable_spaces_clause(actor))
    original = None
    if resource.translation_of_id is not None:
        found = await db.scalar(readable.where(Resource.id == resource.translation_of_id, _shown(actor)))
        original = _ref(found) if found is not None else None
    translations = await db.scalars(
        readable.where(Resource.translation_of_id == resource.id, _shown(actor)).order_by(
            Resource.language, Resource.id
        )
    )
    return original, [_ref(r) for r in translations.all()]
