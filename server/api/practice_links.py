"""A practice record's attached documents and its translations (docs/public.md): what its public
page offers for download, and the `hreflang` alternates between the languages of one practice."""

from __future__ import annotations

from server.api import schemas as s
from server.api.framework import Context, endpoint
from server.services.library import attachments, translations


@endpoint(
    "PUT",
    "/api/resources/{resource_id:int}/attachments/{document_id:int}",
    summary="Attach an uploaded document of the same space to a practice record (its author, moderators)",
    tag="library",
    response=s.ResourceDetail,
    errors=(403, 404, 422),
    rate="library",
)
async def attach_document(ctx: Context, resource_id: int, document_id: int):
    return await attachments.set_attachment(ctx.db, ctx.user, resource_id, document_id, add=True)


@endpoint(
    "DELETE",
    "/api/resources/{resource_id:int}/attachments/{document_id:int}",
    summary="Detach a document from a practice record; if it was published with it, the public loses it at once",
    tag="library",
    response=s.ResourceDetail,
    errors=(403, 404, 422),
    rate="library",
)
async def detach_document(ctx: Context, resource_id: int, document_id: int):
    return await attachments.set_attachment(ctx.db, ctx.user, resource_id, document_id, add=False)


@endpoint(
    "PUT",
    "/api/resources/{resource_id:int}/translation-of/{original_id:int}",
    summary="Mark a practice record as a translation of another of the same space, in a language of its own",
    tag="library",
    response=s.ResourceDetail,
    errors=(403, 404, 422),
    rate="library",
)
async def set_translation_of(ctx: Context, resource_id: int, original_id: int):
    return await translations.set_original(ctx.db, ctx.user, resource_id, original_id)


@endpoint(
    "DELETE",
    "/api/resources/{resource_id:int}/translation-of",
    summary="Say that a practice record is no longer a translation of another",
    tag="library",
    response=s.ResourceDetail,
    errors=(403, 404, 422),
    rate="library",
)
async def clear_translation_of(ctx: Context, resource_id: int):
    return await translations.set_original(ctx.db, ctx.user, resource_id, None)
