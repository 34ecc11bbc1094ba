"""The documents published with a practice, as its page lists them and as anyone downloads them at
`/knowledge/<city>/<slug>/files/<id>`: only while the practice is public and the document is among
those published with it (server/public/catalogue.py `attachments`), from the same content-checked
storage as members' downloads, always as an attachment, with nosniff and a sandbox policy."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from server import filetypes, storage
from server.api.blobs import document_response
from server.db.models import Resource
from server.public import catalogue
from server.public.catalogue import Item
from server.public.http import CACHE_CONTROL, NotHere

log = logging.getLogger(__name__)


def file_path(item: Item, document: Resource) -> str:
    return f"{item.path}/files/{document.id}"


def type_label(content_type: str | None) -> str:
    extensions = filetypes.ALLOWED.get(content_type or "")
    return extensions[0].lstrip(".").upper() if extensions else (content_type or "").rsplit("/", 1)[-1].upper()


def size_label(size: int | None) -> str:
    size = size or 0
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def listed(item: Item, documents: list[Resource]) -> list[dict]:
    """What the page says of each published document: name, type, size, address."""
    return [
        {
            "title": d.title,
            "name": d.file_name,
            "type": type_label(d.content_type),
            "size": size_label(d.file_size),
            "path": file_path(item, d),
        }
        for d in documents
    ]


async def download(db: AsyncSession, request: Request) -> Response:
    """404 for an address that never held the practice or a document not published with it; 410
    while the practice itself is not public (unpublished, hidden, no longer reviewed)."""
    params = request.path_params
    found = await catalogue.page(db, params["city"], params["slug"])
    if found is None:
        raise NotHere(404, "not_found")
    if not isinstance(found, Item):
        raise NotHere(
            410 if found.target_kind == "resource" else 404, "gone" if found.target_kind == "resource" else "not_found"
        )
    document = next((d for d in await catalogue.attachments(db, found) if d.id == params["document_id"]), None)
    if document is None:
        raise NotHere(404, "not_found")
    store = storage.from_settings(request.app.state.settings)
    if not store.exists(document.file_key):
        log.error("published file of resource %s is missing from storage (%s)", document.id, document.file_key)
        raise NotHere(404, "not_found")
    etag = f'"{document.file_key}"'  # the bytes' SHA-256: the same name, the same bytes
    headers = {"ETag": etag, "Vary": "Accept-Encoding"}
    if etag in [part.strip() for part in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers={**headers, "Cache-Control": CACHE_CONTROL})
    return document_response(
        store, document.file_key, document.file_name, document.content_type, CACHE_CONTROL, **headers
    )
