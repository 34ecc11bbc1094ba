"""What every public route shares: the off switch, the per-address limit, the reader's language,
validators (ETag, Last-Modified) with 304 answers, compression, and never a cookie or a session."""

from __future__ import annotations

import gzip
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from starlette.requests import Request
from starlette.responses import Response

from server.public import i18n

CACHE_CONTROL = "public, max-age=0, must-revalidate"  # revalidated every time: unpublishing is at once
POLICY = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@dataclass
class Page:
    """What a public handler answers: a body, its type, when its content last changed."""

    body: str | bytes
    media_type: str = "text/html; charset=utf-8"
    modified: datetime | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class NotHere(Exception):
    """A public page that does not exist (404), was withdrawn (410), or a bad query (400)."""

    def __init__(self, status: int, key: str) -> None:
        self.status, self.key = status, key


class AddressLimiter:
    """Fixed one-minute windows per client address, in this process: public reads must stay cheap,
    so they are not counted in PostgreSQL as signed-in actions are (server/services/ratelimit.py)."""

    def __init__(self) -> None:
        self.window = 0
        self.counts: dict[str, int] = {}

    def allow(self, address: str, per_minute: int) -> tuple[bool, int]:
        if per_minute <= 0:
            return True, 0
        now = time.monotonic()
        window = int(now // 60)
        if window != self.window:
            self.window, self.counts = window, {}
        self.counts[address] = count = self.counts.get(address, 0) + 1
        return count <= per_minute, max(1, int(60 - now % 60))


@dataclass(frozen=True)
class Reader:
    request: Request
    lang: str
    lang_param: bool  # the reader chose with ?lang=, so links carry it on

    @property
    def origin(self) -> str:
        settings = self.request.app.state.settings
        return settings.public_origin or str(self.request.base_url).rstrip("/")

    @property
    def t(self):
        return i18n.translator(self.lang)


def reader(request: Request) -> Reader:
    chosen = request.query_params.get("lang")
    lang = i18n.choose(chosen, request.headers.get("accept-language", ""))
    return Reader(request, lang, chosen == lang)


def _http_date(value: datetime) -> str:
    return format_datetime(value.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _not_modified(request: Request, etag: str, modified: datetime | None) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return etag in [part.strip() for part in match.split(",")] or match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since and modified is not None:
        try:
            from email.utils import parsedate_to_datetime

            return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


@dataclass(frozen=True)
class Prepared:
    """An answer ready to send, kept as it is in the page cache: its body, gzipped once."""

    status: int
    media_type: str
    body: bytes
    gzipped: bytes | None
    headers: dict[str, str]
    etag: str | None
    modified: datetime | None


def prepare(page: Page, lang: str | None) -> Prepared:
    body = page.body.encode() if isinstance(page.body, str) else page.body
    headers = {"Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff", **page.headers}
    headers["Vary"] = "Accept-Language, Accept-Encoding"
    if page.media_type.startswith("text/html"):
        headers["Content-Security-Policy"] = POLICY
    if lang is not None:
        headers["Content-Language"] = lang
    gzipped = gzip.compress(body, compresslevel=5) if len(body) >= 1024 else None
    if page.status != 200:
        headers["Cache-Control"] = "no-store"
        return Prepared(page.status, page.media_type, body, gzipped, headers, None, None)
    etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'  # weak: the gzip form shares it
    headers["ETag"] = etag
    if page.modified is not None:
        headers["Last-Modified"] = _http_date(page.modified)
    return Prepared(200, page.media_type, body, gzipped, headers, etag, page.modified)


def answer(request: Request, prepared: Prepared, timing: str) -> Response:
    """The response to this request: 304 if the reader has it already, gzip if they take it."""
    headers = {**prepared.headers, "Server-Timing": timing}
    if prepared.etag is not None and _not_modified(request, prepared.etag, prepared.modified):
        return Response(status_code=304, headers=headers)
    body = prepared.body
    if prepared.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        body, headers["Content-Encoding"] = prepared.gzipped, "gzip"
    return Response(body, prepared.status, headers, prepared.media_type)


Handler = Callable[[Request, Reader], Awaitable[Page]]
