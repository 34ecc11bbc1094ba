"""Sending a file from storage: streamed, never sniffed or run by the browser."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import StreamingResponse

from server import filetypes
from server.storage import Storage


def blob_response(store: Storage, key: str, media_type: str, cache_control: str, **headers: str) -> StreamingResponse:
    """The stored bytes under `key`, with nosniff and a sandbox CSP (an HTML or SVG file can run
    nothing), and the caller's caching rule and extra headers (e.g. Content-Disposition)."""
    sent = {
        "Content-Length": str(store.size(key)),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": cache_control,
        **headers,
    }
    return StreamingResponse(store.read(key), media_type=media_type, headers=sent)


def content_disposition(name: str) -> str:
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def document_response(store: Storage, key: str, name: str, content_type: str, cache_control: str, **headers: str):
    """An uploaded document (its type checked when it was received), always as an attachment."""
    media_type = content_type
    if media_type in (filetypes.TEXT, filetypes.CSV):
        media_type += "; charset=utf-8"
    disposition = {"Content-Disposition": content_disposition(name)}
    return blob_response(store, key, media_type, cache_control, **disposition, **headers)
