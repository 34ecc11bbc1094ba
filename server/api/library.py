"""The library: resources of a space (uploaded files, links, practice records) and collections."""

from __future__ import annotations

import logging

from pydantic import ValidationError

from server import extract, filetypes, storage
from server.api import paging, uploads
from server.api import schemas as s
from server.api.blobs import content_disposition, document_response  # noqa: F401  (conversations use the first)
from server.api.framework import Context, _fields, changes, endpoint
from server.errors import Invalid, NotFound, problem
from server.services import library
from server.services.access import space_access

log = logging.getLogger(__name__)
LIST_FIELDS = ("themes",)


@endpoint(
    "GET",
    "/api/spaces/{space_id:int}/resources",
    summary="The library of a space, filtered by kind, theme, objective, language, city, featured, collection",
    tag="library",
    query=s.ResourceQuery,
    response=s.ResourcePage,
    errors=(400, 404),
)
async def list_resources(ctx: Context, space_id: int):
    q, secret = ctx.query, ctx.settings.secret_key
    cursor = paging.decode(secret, q.cursor, (str, str, int))
    if cursor is not None and cursor[0] != q.sort:
        raise Invalid(
            "This cursor belongs to another sort order.",
            code="bad_cursor",
            fields={"cursor": problem("cursor_mismatch")},
        )
    filters = q.model_dump(exclude={"limit", "cursor", "sort"})
    items = await library.list_resources(
        ctx.db, ctx.user, space_id, filters, sort=q.sort, after=cursor[1:] if cursor else None, limit=q.limit
    )
    next_cursor = None
    if len(items) == q.limit:
        next_cursor = paging.encode(secret, [q.sort, *library.sort_key(items[-1], q.sort)])
    return {"items": items, "next_cursor": next_cursor}


@endpoint(
    "POST",
    "/api/spaces/{space_id:int}/resources",
    summary="Add a link or practice record (JSON), or upload a file (multipart/form-data)",
    tag="library",
    body=s.ResourceCreate,
    form=s.FileUploadForm,
    response=s.ResourceCreated,
    status=201,
    errors=(403, 404, 413, 422, 429),
    rate="library",
    form_rate="upload",
)
async def create_resource(ctx: Context, space_id: int):
    if ctx.body is not None:
        return await library.create(ctx.db, ctx.user, space_id, ctx.body.root.model_dump())
    return await _upload(ctx, space_id)


def _form_fields(raw: dict[str, list[str]]) -> dict:
    unknown = set(raw) - set(s.FileFields.model_fields)
    if unknown:
        raise Invalid("Unknown form fields.", fields={k: problem("unknown_field") for k in sorted(unknown)})
    values: dict = {}
    for key, items in raw.items():
        if key in LIST_FIELDS:
            values[key] = [part.strip() for item in items for part in item.split(",") if part.strip()]
        elif len(items) > 1:
            raise Invalid("Give each form field once.", fields={key: problem("repeated")})
        elif items[0].strip() or key in ("summary",):
            values[key] = items[0]
    try:
        return s.FileFields.model_validate(values).model_dump()
    except ValidationError as error:
        raise Invalid("Some fields are not valid.", fields=_fields(error)) from None


async def _upload(ctx: Context, space_id: int):
    access = await space_access(ctx.db, ctx.user, space_id)
    access.require_post()
    store = storage.from_settings(ctx.settings)
    upload = await uploads.receive(ctx.request, store, max_bytes=ctx.settings.upload_max_bytes)
    blob = upload.blob
    try:
        fields = _form_fields(upload.fields)
        detected, name = await uploads.checked_file(upload)
        path = blob.local_path()
        if fields.get("title"):
            fields["title"] = filetypes.strip_format_chars(fields["title"]).strip() or None
        budget = extract.Budget.from_settings(ctx.settings)
        extraction = await extract.extract(path, detected.content_type, budget)
        result = await library.create_file(
            ctx.db,
            ctx.user,
            access,
            fields,
            key=blob.key(),
            name=name,
            size=blob.size,
            content_type=detected.content_type,
            text=extraction.text,
        )
        blob.commit()
    except BaseException:
        blob.discard()
        raise
    return {**result, "text_extracted": extraction.extracted, "text_status": extraction.status}


@endpoint(
    "GET",
    "/api/resources/{resource_id:int}",
    summary="One resource, with its adaptations and collections",
    tag="library",
    response=s.ResourceDetail,
    errors=(404,),
)
async def get_resource(ctx: Context, resource_id: int):
    return await library.get(ctx.db, ctx.user, resource_id)


@endpoint(
    "PATCH",
    "/api/resources/{resource_id:int}",
    summary="Edit a resource (author or moderator; the previous version is kept; featured: moderators)",
    tag="library",
    body=s.ResourceChange,
    response=s.ResourceDetail,
    errors=(403, 404, 422),
    rate="library",
)
async def update_resource(ctx: Context, resource_id: int):
    return await library.update(ctx.db, ctx.user, resource_id, changes(ctx.body))


@endpoint(
    "DELETE",
    "/api/resources/{resource_id:int}",
    summary="Delete a resource (author or moderator)",
    tag="library",
    status=204,
    errors=(403, 404),
    rate="library",
)
async def delete_resource(ctx: Context, resource_id: int):
    orphan = await library.delete(ctx.db, ctx.user, resource_id)
    await ctx.db.commit()
    if orphan:
        storage.from_settings(ctx.settings).delete(orphan)


@endpoint(
    "GET",
    "/api/resources/{resource_id:int}/versions",
    summary="Earlier versions of a resource, newest first",
    tag="library",
    response=s.ResourceVersions,
    errors=(404,),
)
async def resource_versions(ctx: Context, resource_id: int):
    return {"items": await library.versions(ctx.db, ctx.user, resource_id)}


@endpoint(
    "GET",
    "/api/resources/{resource_id:int}/download",
    summary="Download a file resource (always as an attachment)",
    tag="library",
    errors=(404,),
)
async def download(ctx: Context, resource_id: int):
    resource = await library.open_download(ctx.db, ctx.user, resource_id)
    store = storage.from_settings(ctx.settings)
    if not store.exists(resource.file_key):
        log.error("file of resource %s is missing from storage (%s)", resource.id, resource.file_key)
        raise NotFound("The file is missing from storage.", code="file_missing")
    private = "private, max-age=0, must-revalidate"
    return document_response(store, resource.file_key, resource.file_name, resource.content_type, private)


@endpoint(
    "PUT",
    "/api/resources/{resource_id:int}/adapted-from/{source_id:int}",
    summary="Record that a practice record was adapted from another",
    tag="library",
    response=s.ResourceDetail,
    errors=(403, 404, 422),
    rate="library",
)
async def add_adaptation(ctx: Context, resource_id: int, source_id: int):
    return await library.set_adaptation(ctx.db, ctx.user, resource_id, source_id, add=True)


@endpoint(
    "DELETE",
    "/api/resources/{resource_id:int}/adapted-from/{source_id:int}",
    summary="Remove an adapted-from link",
    tag="library",
    response=s.ResourceDetail,
    errors=(403, 404, 422),
    rate="library",
)
async def remove_adaptation(ctx: Context, resource_id: int, source_id: int):
    return await library.set_adaptation(ctx.db, ctx.user, resource_id, source_id, add=False)


@endpoint(
    "GET",
    "/api/threads/{thread_id:int}/practice-draft",
    summary="A practice record pre-filled from a thread (not saved)",
    tag="library",
    response=s.PracticeDraft,
    errors=(404,),
)
async def practice_draft(ctx: Context, thread_id: int):
    return await library.practice_draft(ctx.db, ctx.user, thread_id)


@endpoint(
    "POST",
    "/api/threads/{thread_id:int}/practice",
    summary="Turn a thread into a practice record, pre-filled from it and linked to it",
    tag="library",
    body=s.PracticeFromThread,
    response=s.ResourceDetail,
    status=201,
    errors=(403, 404, 422),
    rate="library",
)
async def practice_from_thread(ctx: Context, thread_id: int):
    return await library.practice_from_thread(ctx.db, ctx.user, thread_id, ctx.body.model_dump(exclude_unset=True))


@endpoint(
    "GET",
    "/api/spaces/{space_id:int}/collections",
    summary="Collections of a space's library",
    tag="library",
    response=s.CollectionList,
    errors=(404,),
)
async def list_collections(ctx: Context, space_id: int):
    return {"items": await library.list_collections(ctx.db, ctx.user, space_id)}


@endpoint(
    "POST",
    "/api/spaces/{space_id:int}/collections",
    summary="Create a collection (moderators)",
    tag="library",
    body=s.CollectionCreate,
    response=s.CollectionOut,
    status=201,
    errors=(403, 404),
    rate="library",
)
async def create_collection(ctx: Context, space_id: int):
    return await library.create_collection(ctx.db, ctx.user, space_id, ctx.body.model_dump())


@endpoint(
    "PATCH",
    "/api/collections/{collection_id:int}",
    summary="Rename or describe a collection (moderators)",
    tag="library",
    body=s.CollectionChange,
    response=s.CollectionOut,
    errors=(403, 404),
    rate="library",
)
async def update_collection(ctx: Context, collection_id: int):
    return await library.update_collection(ctx.db, ctx.user, collection_id, changes(ctx.body))


@endpoint(
    "DELETE",
    "/api/collections/{collection_id:int}",
    summary="Delete a collection (its resources stay)",
    tag="library",
    status=204,
    errors=(403, 404),
    rate="library",
)
async def delete_collection(ctx: Context, collection_id: int):
    await library.delete_collection(ctx.db, ctx.user, collection_id)


@endpoint(
    "PUT",
    "/api/collections/{collection_id:int}/resources/{resource_id:int}",
    summary="Put a resource of the space in a collection (moderators)",
    tag="library",
    response=s.CollectionOut,
    errors=(403, 404),
    rate="library",
)
async def add_to_collection(ctx: Context, collection_id: int, resource_id: int):
    return await library.set_collection_item(ctx.db, ctx.user, collection_id, resource_id, add=True)


@endpoint(
    "DELETE",
    "/api/collections/{collection_id:int}/resources/{resource_id:int}",
    summary="Take a resource out of a collection (moderators)",
    tag="library",
    response=s.CollectionOut,
    errors=(403, 404),
    rate="library",
)
async def remove_from_collection(ctx: Context, collection_id: int, resource_id: int):
    return await library.set_collection_item(ctx.db, ctx.user, collection_id, resource_id, add=False)
