"""Sending a file from storage: streamed, never sniffed or run by the browser."""

from __future__ import annotations

from starlette.responses import StreamingResponse

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
