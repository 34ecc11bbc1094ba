"""How a response leaves the server (server/serving.py's HeadWithBody): its head goes out with the
first body write, in one `send`; an answer without a body in the same turn (HEAD, 100 Continue, a
stream) still gets its head. Over a raw socket against the real server, and on a recording
transport for the number of writes."""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

from server.serving import HeadWithBody


class Recording(asyncio.Transport):
    """A transport that keeps what it is given, write by write."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


async def test_the_head_waits_for_the_first_body_write_and_later_writes_go_straight_through():
    sent = Recording()
    cork = HeadWithBody(sent, asyncio.get_running_loop())
    cork.write(b"HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\n")
    assert sent.writes == []
    cork.write(b"abc")
    cork.write(b"def")
    assert sent.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nabc", b"def"]
    await asyncio.sleep(0)  # the end-of-turn flush finds nothing left
    assert len(sent.writes) == 2


async def test_a_head_without_a_body_in_the_same_turn_goes_out_at_the_end_of_the_turn():
    sent = Recording()
    cork = HeadWithBody(sent, asyncio.get_running_loop())
    cork.write(b"HTTP/1.1 200 OK\r\n\r\n")
    await asyncio.sleep(0)
    assert sent.writes == [b"HTTP/1.1 200 OK\r\n\r\n"]
    cork.write(b"chunk")
    assert sent.writes == [b"HTTP/1.1 200 OK\r\n\r\n", b"chunk"]


async def test_closing_sends_a_waiting_head_first_and_a_closed_transport_gets_nothing():
    sent = Recording()
    cork = HeadWithBody(sent, asyncio.get_running_loop())
    cork.write(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
    cork.close()
    assert sent.writes == [b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n"] and sent.closed

    gone = Recording()
    cork = HeadWithBody(gone, asyncio.get_running_loop())
    cork.write(b"HTTP/1.1 200 OK\r\n\r\n")
    gone.closed = True  # the client went away before the turn ended
    await asyncio.sleep(0)
    assert gone.writes == []


def exchange(server, request: bytes, until: bytes) -> bytes:
    """Send raw bytes on a new connection and read until `until` has arrived (or 5 s)."""
    address = urlsplit(server.base_url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as sock:
        sock.sendall(request)
        received = b""
        while until not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return received


def test_head_get_and_keep_alive_over_one_connection(server):
    # A HEAD's answer has no body write at all; the GET after it on the same connection is answered.
    answer = exchange(
        server,
        b"HEAD /healthz HTTP/1.1\r\nhost: x\r\n\r\nGET /healthz HTTP/1.1\r\nhost: x\r\n\r\n",
        until=b'"status"',
    )
    first, _, rest = answer.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 200") and b"content-length" in first.lower()
    assert rest.startswith(b"HTTP/1.1 200"), answer  # nothing of a body between the two heads
    assert rest.endswith(b"}") and b'"status"' in rest


def test_expect_100_continue_gets_its_interim_answer_then_the_final_one(server):
    address = urlsplit(server.base_url)
    body = b'{"email": "nobody@citybridge.test", "password": "wrong password here"}'
    head = (
        b"POST /api/session HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
        b"expect: 100-continue\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port), timeout=5) as sock:
        sock.sendall(head)
        interim = sock.recv(65536)
        assert interim.startswith(b"HTTP/1.1 100 Continue"), interim
        sock.sendall(body)
        final = b""
        while b"}}" not in final:
            chunk = sock.recv(65536)
            if not chunk:
                break
            final += chunk
    assert final.startswith(b"HTTP/1.1 401"), final
    assert b'"bad_credentials"' in final
