"""The realtime benchmark's load side (bench/realtime.py): a light websocket client, a keep-alive
HTTP client, CPU pinning and the figures' arithmetic."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import struct

SERVER_CPU, CLIENT_CPU = 1, 0
EVENT_HEAD = len('{"type":"event","id":')


def pin(cpu: int) -> None:
    try:
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError):
        pass


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


# --- a light websocket client -------------------------------------------------------------------


class LightWS(asyncio.Protocol):
    """Just enough of RFC 6455 for a benchmark client: no fragmentation, no extensions."""

    def __init__(self, on_text) -> None:
        self.on_text = on_text
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.open = asyncio.get_running_loop().create_future()
        self.closed = asyncio.get_running_loop().create_future()
        self.handshaken = False
        self.close_code: int | None = None
        self.state: dict = {}

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        if not self.handshaken:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buffer[:12])
            del buffer[: end + 4]
            if b" 101" not in status:
                if not self.open.done():
                    self.open.set_exception(ConnectionError(status.decode(errors="replace")))
                self.transport.close()
                return
            self.handshaken = True
            if not self.open.done():
                self.open.set_result(self)
        while len(buffer) >= 2:
            opcode, length, offset = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length, offset = struct.unpack_from(">H", buffer, 2)[0], 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length, offset = struct.unpack_from(">Q", buffer, 2)[0], 10
            if len(buffer) < offset + length:
                return
            payload = bytes(buffer[offset : offset + length])
            del buffer[: offset + length]
            if opcode == 1:
                self.on_text(self, payload)
            elif opcode == 9:
                self._frame(0xA, payload)
            elif opcode == 8:
                self.close_code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005
                self.transport.close()

    def connection_lost(self, exc) -> None:
        if not self.open.done():
            self.open.set_exception(ConnectionError("lost before the handshake"))
        if not self.closed.done():
            self.closed.set_result(self.close_code or 1006)

    def _frame(self, opcode: int, payload: bytes) -> None:
        length = len(payload)
        if length < 126:
            head = struct.pack(">BB", 0x80 | opcode, 0x80 | length)
        elif length < 65536:
            head = struct.pack(">BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            head = struct.pack(">BBQ", 0x80 | opcode, 0x80 | 127, length)
        self.transport.write(head + b"\x00\x00\x00\x00" + payload)  # a zero mask leaves the payload as is

    def send(self, text: str) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._frame(1, text.encode())

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()


async def ws_connect(
    port: int, on_text, path: str = "/ws", token: str | None = None, state: dict | None = None
) -> LightWS:
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(lambda: LightWS(on_text), "127.0.0.1", port)
    protocol.state.update(state or {})
    key = base64.b64encode(os.urandom(16)).decode()
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    protocol.transport.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{auth}\r\n".encode()
    )
    return await asyncio.wait_for(protocol.open, 30)


# --- a light keep-alive HTTP client -------------------------------------------------------------


class RawHTTP:
    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        data = json.dumps(body).encode() if body is not None else b""
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode()
            + data
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return status, await self.reader.readexactly(length)

    async def post(self, thread_id: int, body: str) -> int:
        status, _ = await self.request("POST", f"/api/threads/{thread_id}/messages", {"body": body})
        return status


def seq_of(payload: bytes) -> int | None:
    start = payload.find(b"bench-")
    if start < 0:
        return None
    end = payload.find(b"-", start + 6)
    return int(payload[start + 6 : end])


def event_id(payload: bytes) -> int:
    return int(payload[EVENT_HEAD : payload.index(b",", EVENT_HEAD)])
