"""bench/load.py's client: a light keep-alive HTTP/1.1 connection and a websocket opener, so that the
load generator's own CPU stays small beside the server's."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.realtime_clients import LightWS  # noqa: E402  (ROOT on the path first)


class Connection:
    """One keep-alive connection: Content-Length or chunked responses; reconnects after an error."""

    def __init__(self, base_url: str, token: str) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http":
            raise SystemExit(f"the load client speaks plain http:// only, not {base_url}")
        self.host, self.port, self.prefix = parts.hostname, parts.port or 80, parts.path.rstrip("/")
        self.head = f"Host: {parts.netloc}\r\nAuthorization: Bearer {token}\r\n"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, params: dict | None = None, body=None) -> tuple[int, bytes]:
        target = self.prefix + path + ("?" + urlencode(params) if params else "")
        data = json.dumps(body).encode() if body is not None else b""
        try:
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            self.writer.write(
                f"{method} {target} HTTP/1.1\r\n{self.head}Content-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n".encode()
                + data
            )
            return await self._response()
        except BaseException:
            self.close()
            raise

    async def _response(self) -> tuple[int, bytes]:
        reader = self.reader
        head = await reader.readuntil(b"\r\n\r\n")
        status, length, chunked, close = int(head[9:12]), None, False, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value
            elif name == b"connection":
                close = b"close" in value
        if chunked:
            parts = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                pass
            body = b"".join(parts)
        elif length is not None:
            body = await reader.readexactly(length)
        else:
            body, close = await reader.read(), True
        if close:
            self.close()
        return status, body


async def ws_open(base_url: str, token: str, on_text) -> LightWS:
    """bench/realtime_clients.ws_connect, to any host."""
    parts = urlsplit(base_url)
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(lambda: LightWS(on_text), parts.hostname, parts.port or 80)
    key = base64.b64encode(os.urandom(16)).decode()
    protocol.transport.write(
        f"GET {parts.path.rstrip('/')}/ws HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Authorization: Bearer {token}\r\n\r\n".encode()
    )
    return await asyncio.wait_for(protocol.open, 30)
