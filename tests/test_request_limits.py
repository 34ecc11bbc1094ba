"""Request caps (issue 11 point 3) and the per-route rate limits (point 12), against real servers."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request

from server.api import framework, limits, uploads
from server.api import schemas as s
from server.errors import ApiError, TooManyRequests
from server.services import ratelimit
from tests.harness import ServerProcess, ServerThread, expect

ROOT = Path(__file__).resolve().parent.parent


async def _raw_get(base_url: str, target: str, headers: dict[str, str]) -> tuple[int, dict, float]:
    """One GET over a plain socket (httpx refuses URLs this long): status, JSON body, seconds taken."""
    host, port = base_url.removeprefix("http://").split(":")
    started = time.monotonic()
    reader, writer = await asyncio.open_connection(host, int(port))
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}", "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    answer = await reader.read()
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body), time.monotonic() - started


def _error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


async def test_many_query_parameters_get_a_fast_4xx_without_stalling_others(world, database_url, tmp_path):
    # `citybridge serve` itself, so the HTTP parser's settings are the production ones.
    node = ServerProcess(database_url, tmp_path / "node").start()
    try:
        headers = dict(world.bearer.http.headers)
        async with httpx.AsyncClient(base_url=node.base_url, headers=headers, timeout=60) as client:
            flood = "&".join(f"p{i}=1" for i in range(25_000))
            normal_url = f"/api/spaces/{world.space_a['id']}/threads"

            async def timed_normal():
                started = time.monotonic()
                response = await client.get(normal_url)
                return response, time.monotonic() - started

            *floods, (normal, seconds) = await asyncio.gather(
                *(_raw_get(node.base_url, f"/api/search?{flood}", headers) for _ in range(4)), timed_normal()
            )
            for status, body, flood_seconds in floods:
                assert status == 414 and body["error"]["code"] == "uri_too_long"
                assert set(body["error"]) == {"code", "message", "fields"}
                assert flood_seconds < 5
            expect(normal, 200)
            assert seconds < 5
            # A head past what the HTTP parser keeps (server/serving.py) gets a bare 400 and a closed
            # connection, as soon as the cap is crossed: the rest is never read.
            reader, writer = await asyncio.open_connection(*node.base_url.removeprefix("http://").split(":"))
            filler = "".join(f"x-filler-{i}: {'y' * 1000}\r\n" for i in range(limits.MAX_HEAD_BYTES // 1000 + 1))
            writer.write(f"GET {normal_url} HTTP/1.1\r\nHost: x\r\n{filler}".encode())
            answer = await asyncio.wait_for(reader.read(), 10)
            writer.close()
            assert answer.startswith(b"HTTP/1.1 400 ") and b"connection: close" in answer.lower()
            # Under the length cap, the count of parameters has its own cap.
            many = "&".join(f"p{i}=1" for i in range(limits.MAX_QUERY_PARAMS + 1))
            assert _error(await client.get(f"/api/search?{many}"), 414)["code"] == "too_many_parameters"
            # Headers: too many, then too large.
            extra = {f"x-filler-{i}": "1" for i in range(limits.MAX_HEADERS)}
            assert _error(await client.get(normal_url, headers=extra), 431)["code"] == "too_many_headers"
            big = {"x-filler": "y" * (limits.MAX_HEADER_BYTES + 1)}
            assert _error(await client.get(normal_url, headers=big), 431)["code"] == "headers_too_large"
            # JSON nested past the parser's depth is refused with its own code, before validation.
            deep = "[" * (limits.MAX_JSON_DEPTH + 1) + "]" * (limits.MAX_JSON_DEPTH + 1)
            refused = await client.patch(
                "/api/me", content=f'{{"name": {deep}}}', headers={"Content-Type": "application/json"}
            )
            assert _error(refused, 400)["code"] == "json_too_deep"
            # An upload form with too many fields is refused before its file is stored.
            refused = await client.post(
                f"/api/spaces/{world.space_a['id']}/resources",
                data={f"f{i}": "x" for i in range(uploads.MAX_FIELDS)},
                files={"file": ("notes.txt", b"hello", "text/plain")},
            )
            assert _error(refused, 400)["code"] == "too_many_fields"
            # The server still answers normally afterwards.
            expect(await client.get(normal_url), 200)
    finally:
        node.stop()


def test_repeated_parameter_check_is_linear():
    """25,000 repetitions of one parameter (as an in-app caller could pass) are refused at once."""
    query = "&".join(["limit=1"] * 25_000).encode()
    request = Request({"type": "http", "method": "GET", "path": "/", "query_string": query, "headers": []})
    started = time.monotonic()
    try:
        framework.parse_query(s.Page, request)
    except ApiError as error:
        assert error.fields == {"limit": "given more than once"}
    else:
        raise AssertionError("a repeated parameter was accepted")
    assert time.monotonic() - started < 1


async def test_edits_are_rate_limited_over_http(world, settings, database_url):
    node = ServerThread(replace(settings, rate_limits={**settings.rate_limits, "edit": 3}), database_url).start()
    try:
        headers = dict(world.bearer.http.headers)
        async with httpx.AsyncClient(base_url=node.base_url, headers=headers) as member:
            thread = expect(
                await member.post(
                    f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Edits", "body": "first version"}
                ),
                201,
            )
            message_id = thread["first_message"]["id"]
            # Fixed one-minute windows: within 7 edits one window must overflow, even across a boundary.
            accepted, refusal = 0, None
            for n in range(7):
                response = await member.patch(f"/api/messages/{message_id}", json={"body": f"version {n}"})
                if response.status_code == 429:
                    refusal = response
                    break
                expect(response, 200)
                accepted += 1
            assert refusal is not None and 3 <= accepted <= 6
            error = _error(refusal, 429)
            assert error["code"] == "rate_limited" and "edits" in error["message"]
            assert 1 <= int(refusal.headers["retry-after"]) <= 60
            # The refused edit left nothing behind.
            history = expect(await member.get(f"/api/messages/{message_id}/history"), 200)["items"]
            assert len(history) == accepted
            # Other limits are other buckets: reacting still works.
            expect(await member.put(f"/api/messages/{message_id}/reactions/👍"), 200)
    finally:
        node.stop()


async def test_the_network_lineage_is_rate_limited(world, settings, database_url):
    # A walk over the whole network's adaptations: a bucket of its own, so searching is unaffected.
    node = ServerThread(replace(settings, rate_limits={**settings.rate_limits, "lineage": 2}), database_url).start()
    try:
        async with httpx.AsyncClient(base_url=node.base_url, headers=dict(world.bearer.http.headers)) as member:
            # Fixed one-minute windows: within 5 views one window must overflow, even across a boundary.
            refusal = None
            for _ in range(5):
                response = await member.get("/api/lineage")
                if response.status_code == 429:
                    refusal = response
                    break
                expect(response, 200)
            assert refusal is not None
            error = _error(refusal, 429)
            assert error["code"] == "rate_limited" and "lineage views" in error["message"]
            assert 1 <= int(refusal.headers["retry-after"]) <= 60
            expect(await member.get("/api/search?q=housing"), 200)
    finally:
        node.stop()


def test_every_repeatable_write_declares_a_rate_limit():
    import server.app  # noqa: F401  (registers every endpoint)

    unlimited = {
        f"{ep.method} {ep.path}"
        for ep in framework.ENDPOINTS
        if ep.method in framework.UNSAFE and ep.auth == "user" and ep.rate is None
    }
    assert unlimited == set()
    assert all(429 in ep.errors for ep in framework.ENDPOINTS if ep.rate is not None)


def test_rate_limits_are_documented_and_read_from_the_environment():
    # docs/settings.md is generated from LIMITS (tests/test_docs.py keeps it current); README links it.
    settings_page = (ROOT / "docs" / "settings.md").read_text()
    assert "docs/settings.md" in (ROOT / "README.md").read_text()
    for limit in ratelimit.LIMITS.values():
        assert f"| `{limit.env}` | `{limit.per_minute}` |" in settings_page, limit.env
    overridden = ratelimit.from_env({"CITYBRIDGE_RATE_EDITS_PER_MINUTE": "7", "CITYBRIDGE_RATE_FLAGS_PER_MINUTE": "0"})
    assert overridden["edit"] == 7 and overridden["flag"] == 0
    assert overridden["post"] == ratelimit.LIMITS["post"].per_minute


async def test_a_count_is_one_statement_that_refuses_past_the_limit_and_may_skip_the_wal_flush(db, monkeypatch):
    """ratelimit.hit counts in the session's transaction; durable=False (a search's count) turns off the
    commit's wait for the WAL flush in the same statement; the occasional sweep forgets old windows."""
    from sqlalchemy import text

    await ratelimit.hit(db, 7, "search", 2, durable=False)
    assert (await db.execute(text("SHOW synchronous_commit"))).scalar() == "off"
    await ratelimit.hit(db, 7, "search", 2, durable=False)
    with pytest.raises(TooManyRequests) as refused:  # the third in a window of two
        await ratelimit.hit(db, 7, "search", 2, durable=False)
    assert 1 <= int(refused.value.headers["Retry-After"]) <= ratelimit.WINDOW_SECONDS
    await db.rollback()

    await ratelimit.hit(db, 7, "post", 2)  # durable: the commit waits as usual
    assert (await db.execute(text("SHOW synchronous_commit"))).scalar() == "on"
    old = "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('old:1', now() - interval '1 hour', 3)"
    await db.execute(text(old))
    monkeypatch.setattr(ratelimit.random, "random", lambda: 0.0)  # this time, sweep
    await ratelimit.hit(db, 7, "post", 2)
    await db.commit()
    buckets = dict((await db.execute(text("SELECT bucket, hits FROM rate_limits"))).all())
    assert buckets == {"post:7": 2}
