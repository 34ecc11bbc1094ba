"""The directory of people and their profile pages (docs/people.md)."""

from __future__ import annotations

from server import storage
from server.api import paging, uploads
from server.api import schemas as s
from server.api.blobs import blob_response
from server.api.framework import Context, endpoint
from server.errors import Invalid, NotFound, PayloadTooLarge, problem
from server.services import people, photos, profiles


@endpoint(
    "GET",
    "/api/people",
    summary="The people I may see, by name; filter by city, city profile, theme of expertise, language, "
    "or a text in their name, handle, office or expertise tags (a filter matches only fields I may read)",
    tag="people",
    query=s.PeopleQuery,
    response=s.PersonList,
    errors=(400,),
)
async def list_people(ctx: Context[None, s.PeopleQuery]):
    query, secret = ctx.query, ctx.settings.secret_key
    offset = (paging.decode(secret, query.cursor, (int,)) or [0])[0]
    filters = query.model_dump(include={"q", "city", "profile", "theme", "language"})
    items, total = await people.directory(ctx.db, ctx.user, filters, query.limit, offset)
    more = offset + len(items) < total and len(items) == query.limit
    next_cursor = paging.encode(secret, [offset + query.limit]) if more else None
    return {"items": items, "total": total, "next_cursor": next_cursor}


@endpoint(
    "GET",
    "/api/people/{person_id:int}",
    summary="A person's profile as I may see it, with our spaces in common",
    tag="people",
    response=s.PersonOut,
    errors=(404,),
)
async def get_person(ctx: Context, person_id: int):
    return await people.person(ctx.db, ctx.user, person_id)


@endpoint(
    "PUT",
    "/api/me/photo",
    summary="Set my photo (multipart/form-data, field `file`: JPEG, PNG, WebP or GIF up to 5 MB): it is "
    "cropped square and re-encoded at 256 and 64 pixels, so nothing of the file (EXIF, location) is kept",
    tag="people",
    form=s.PhotoForm,
    response=s.OwnProfileOut,
    errors=(400, 413, 422, 429),
    rate="upload",
)
async def set_photo(ctx: Context):
    store = storage.from_settings(ctx.settings)
    upload = await uploads.receive(ctx.request, store, max_bytes=photos.MAX_BYTES)
    try:
        if set(upload.fields):
            raise Invalid("Send only the file.", fields={k: problem("unknown_field") for k in sorted(upload.fields)})
        data = upload.blob.local_path().read_bytes()
    finally:
        upload.blob.discard()  # only the re-encoded squares are kept
    try:
        user = await photos.set_photo(ctx.db, ctx.user, store, data)
    except photos.PhotoRejected as refused:
        if refused.reason == "photo_too_large":
            raise PayloadTooLarge("A photo may be at most 5 MB.", code="file_too_large") from None
        field = {"photo_empty": "empty_file", "photo_too_many_pixels": "photo_too_many_pixels"}
        code = field.get(refused.reason, "not_a_photo")
        raise Invalid("This file is not a usable photo.", code="not_a_photo", fields={"file": problem(code)}) from None
    return profiles.own_view(user)


@endpoint(
    "DELETE",
    "/api/me/photo",
    summary="Remove my photo",
    tag="people",
    response=s.OwnProfileOut,
    errors=(429,),
    rate="upload",
)
async def remove_photo(ctx: Context):
    return profiles.own_view(await photos.clear_photo(ctx.db, ctx.user))


@endpoint(
    "GET",
    "/api/people/{person_id:int}/photo",
    summary="A person's photo (WebP), when I may see it: 256 pixels, or 64 with `size=64`",
    tag="people",
    query=s.PhotoQuery,
    errors=(404,),
)
async def get_photo(ctx: Context[None, s.PhotoQuery], person_id: int):
    key = await photos.photo_key(ctx.db, ctx.user, person_id, small=ctx.query.size == "64")
    store = storage.from_settings(ctx.settings)
    if not store.exists(key):
        raise NotFound("The photo is missing from storage.", code="file_missing")
    # Private: whether one may see it depends on the viewer. The address changes with the photo.
    return blob_response(store, key, "image/webp", "private, max-age=86400")
