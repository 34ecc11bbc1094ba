"""Documents attached to a practice record, and which of them are published with it.

An attachment is an uploaded file (a `file` resource) of the practice's own space. Its editors
(the author, moderators) attach and detach; publishing the practice chooses which attachments the
public may download (`choose_published`, called by server/services/publishing.py). Deleting the
document removes the attachment with it (the rows cascade).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import PracticeAttachment, Resource, User
from server.errors import Forbidden, Invalid, problem
from server.services import changelog
from server.services.library.resource_views import can_edit, detail, event_view, resource_access


def _refuse(field: str, code: str, message: str, request_code: str = "invalid", **params) -> Invalid:
    return Invalid(message, code=request_code, fields={field: problem(code, **params)})


async def _document(db: AsyncSession, practice: Resource, document_id: int) -> Resource:
    """The document to attach: a file of the practice's space that nobody hid. A resource of
    another space, or none, reads the same, so that the answer reveals nothing beyond the space."""
    document = await db.scalar(select(Resource).where(Resource.id == document_id).with_for_update(key_share=True))
    if document is None or document.space_id != practice.space_id:
        raise _refuse(
            "document_id",
            "not_in_library",
            "Attach documents of this practice's own space only.",
            "unknown_attachment",
            ids=str(document_id),
        )
    if document.kind != "file":
        raise _refuse(
            "document_id", "not_a_document", "Only uploaded documents are attached to a practice.", "unknown_attachment"
        )
    if document.hidden_at is not None:
        raise _refuse("document_id", "hidden", "A moderator hid this document.", "unknown_attachment")
    return document


async def set_attachment(db: AsyncSession, actor: User, practice_id: int, document_id: int, *, add: bool) -> dict:
    """Attach (or detach) a document of the space to a practice record (its author, moderators).
    Both are idempotent. Detaching a published attachment takes it off the public page at once."""
    practice, access = await resource_access(db, actor, practice_id, for_update=True)
    if not can_edit(practice, access):
        raise Forbidden("Only the author or a moderator can edit this resource.", code="not_the_author")
    if practice.kind != "practice":
        raise _refuse(
            "resource_id", "not_a_practice", "Documents are attached to practice records only.", "not_a_practice"
        )
    table = PracticeAttachment.__table__
    if add:
        await _document(db, practice, document_id)
        result = await db.execute(
            insert(table)
            .values(practice_id=practice.id, document_id=document_id, added_by=actor.id)
            .on_conflict_do_nothing()
        )
    else:
        result = await db.execute(
            table.delete().where(table.c.practice_id == practice.id, table.c.document_id == document_id)
        )
    if result.rowcount:
        await changelog.record(
            db,
            events.ResourceUpdated(**await event_view(db, practice), changed=["attachments"]),
            space_id=practice.space_id,
        )
    return await detail(db, actor, practice)


async def choose_published(db: AsyncSession, practice: Resource, chosen: list[int] | None) -> tuple[list[int], bool]:
    """Mark which attachments are published with the practice: `chosen`, each of which must be
    one of its current attachments, or (None) all of them but hidden documents. Returns the
    published ids and whether that changed."""
    rows = (
        await db.execute(
            select(PracticeAttachment.document_id, PracticeAttachment.published, Resource.hidden_at)
            .join(Resource, Resource.id == PracticeAttachment.document_id)
            .where(PracticeAttachment.practice_id == practice.id)
            .with_for_update(of=PracticeAttachment)
        )
    ).all()
    current = {document_id: (published, hidden_at) for document_id, published, hidden_at in rows}
    if chosen is None:
        wanted = {i for i, (_, hidden_at) in current.items() if hidden_at is None}
    else:
        wanted = set(chosen)
        unknown = sorted(i for i in wanted if i not in current or current[i][1] is not None)
        if unknown:
            raise _refuse(
                "attachment_ids",
                "not_attached",
                "Publish documents attached to this practice only.",
                "unknown_attachment",
                ids=", ".join(map(str, unknown)),
            )
    before = {i for i, (published, _) in current.items() if published}
    if before != wanted:
        table = PracticeAttachment.__table__
        await db.execute(
            update(table)
            .where(table.c.practice_id == practice.id)
            .values(published=table.c.document_id.in_(wanted) if wanted else False)
        )
    return sorted(wanted), before != wanted


async def published_ids(db: AsyncSession, practice_id: int) -> list[int]:
    found = await db.scalars(
        select(PracticeAttachment.document_id)
        .where(PracticeAttachment.practice_id == practice_id, PracticeAttachment.published.is_(True))
        .order_by(PracticeAttachment.document_id)
    )
    return list(found.all())


async def unpublish_attachments(db: AsyncSession, practice_id: int) -> None:
    table = PracticeAttachment.__table__
    await db.execute(
        update(table).where(table.c.practice_id == practice_id, table.c.published.is_(True)).values(published=False)
    )
