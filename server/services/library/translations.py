"""Translations of one practice record: an original, and translations of it that each say so, in
the same space, each in a language of its own. The public pages of the published ones link one
another with `hreflang` (server/public/catalogue.py `translations`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import Resource, User
from server.errors import Forbidden, Invalid, problem
from server.services import changelog
from server.services.library.resource_views import can_edit, detail, event_view, resource_access


def _refuse(field: str, code: str, message: str, request_code: str = "invalid_translation", **params) -> Invalid:
    return Invalid(message, code=request_code, fields={field: problem(code, **params)})


async def _original(db: AsyncSession, record: Resource, original_id: int) -> Resource:
    """The original to translate, locked so that two translations into one language cannot both
    be recorded at once. A record of another space, or none, reads the same."""
    if original_id == record.id:
        raise _refuse("original_id", "same_record", "A practice record is not a translation of itself.")
    original = await db.scalar(select(Resource).where(Resource.id == original_id).with_for_update(key_share=True))
    if original is None or original.space_id != record.space_id or original.hidden_at is not None:
        raise _refuse("original_id", "not_in_library", "Choose a practice record of this space.", ids=str(original_id))
    if original.kind != "practice":
        raise _refuse("original_id", "not_a_practice", "Only practice records are translated.", "not_a_practice")
    if original.translation_of_id is not None:
        raise _refuse(
            "original_id", "is_a_translation", "That record is itself a translation: choose its original instead."
        )
    return original


async def _check_language(db: AsyncSession, record: Resource, original: Resource) -> None:
    if not record.language:
        raise _refuse("language", "required", "Give the record its language first.")
    siblings = await db.scalars(
        select(Resource.language).where(Resource.translation_of_id == original.id, Resource.id != record.id)
    )
    if record.language == original.language or record.language in siblings.all():
        raise _refuse(
            "language",
            "language_taken",
            "This practice already has a version in this language.",
            language=record.language,
        )


async def set_original(db: AsyncSession, actor: User, resource_id: int, original_id: int | None) -> dict:
    """Mark a practice record as a translation of `original_id`, or (None) of nothing (its author,
    moderators). A record that has translations of its own stays an original."""
    record, access = await resource_access(db, actor, resource_id, for_update=True)
    if not can_edit(record, access):
        raise Forbidden("Only the author or a moderator can edit this resource.", code="not_the_author")
    if record.kind != "practice":
        raise _refuse("resource_id", "not_a_practice", "Only practice records are translated.", "not_a_practice")
    if original_id is not None:
        original = await _original(db, record, original_id)
        if await db.scalar(select(Resource.id).where(Resource.translation_of_id == record.id).limit(1)):
            raise _refuse("resource_id", "has_translations", "This record is the original of other translations.")
        await _check_language(db, record, original)
    if record.translation_of_id != original_id:
        record.translation_of_id = original_id
        await db.flush()
        await changelog.record(
            db,
            events.ResourceUpdated(**await event_view(db, record), changed=["translation_of"]),
            space_id=record.space_id,
        )
    return await detail(db, actor, record)
