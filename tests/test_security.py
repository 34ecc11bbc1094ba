"""Hostile input and browser protections: security headers, CSRF, cookies, body and rate limits."""

from __future__ import annotations

import re
from dataclasses import replace

import httpx
import pytest

from tests.conftest import PASSWORD
from tests.harness import ServerThread, expect


def assert_protected(response: httpx.Response) -> None:
    h = response.headers
    policy = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in h["content-security-policy"].split(";") if part.strip()
    )
    assert "'unsafe-inline'" not in policy.get("script-src", policy["default-src"])
    assert "'unsafe-eval'" not in policy.get("script-src", policy["default-src"])
    assert policy["frame-ancestors"] == "'none'"
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert h["x-frame-options"] == "DENY"
    assert h["x-request-id"]


async def test_security_headers_on_pages_api_files_and_errors(world):
    client = world.member
    thread = expect(
        await client.post(f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Headers", "body": "hello"}), 201
    )
    responses = [
        await client.get("/api/me"),
        await client.get("/api/nothing-here"),
        await client.post(
            f"/api/spaces/{world.space_a['id']}/threads",
            content=b"{not json",
            headers={"Content-Type": "application/json"},
        ),
        await world.anonymous.get("/api/me"),
        await client.get("/healthz"),
        await client.get("/readyz"),
        await client.get("/metrics"),
        await client.get("/"),
        await client.get("/spaces/1"),
        await client.get("/index.html"),
        await client.get("/app.js"),
        await client.get("/api/openapi.json"),
        await client.get(f"/api/threads/{thread['thread']['id'] if 'thread' in thread else thread['id']}"),
    ]
    assert {r.status_code for r in responses} >= {200, 400, 401, 404}
    for response in responses:
        assert_protected(response)
    api = responses[0]
    assert api.headers["cache-control"] == "no-store"


async def test_uploaded_files_are_served_with_the_same_protections(world):
    form = {"title": "Housing plan"}
    files = {"file": ("plan.html", b"<script>alert(1)</script>", "text/html")}
    response = await world.member.post(f"/api/spaces/{world.space_a['id']}/resources", data=form, files=files)
    if response.status_code == 404 and response.json()["error"]["message"] == "No such route.":
        pytest.skip("the library's upload route is not registered")
    if response.status_code >= 400:
        response = await world.member.post(
            f"/api/spaces/{world.space_a['id']}/resources",
            data=form,
            files={"file": ("plan.txt", b"just text", "text/plain")},
        )
    resource = expect(response, 201)
    download = await world.member.get(f"/api/resources/{resource['id']}/download")
    assert download.status_code == 200
    assert_protected(download)
    assert "text/html" not in download.headers["content-type"]


async def test_request_id_is_echoed_or_made(clients):
    client = clients()
    assert (await client.get("/healthz", headers={"X-Request-ID": "trace-42.a"})).headers[
        "x-request-id"
    ] == "trace-42.a"
    made = (await client.get("/healthz", headers={"X-Request-ID": "<script> bad id"})).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)


async def test_csrf_refused_without_the_token(world):
    url = f"/api/spaces/{world.space_a['id']}/threads"
    body = {"title": "CSRF", "body": "a forged post"}
    token = world.member.http.headers.pop("X-CSRF-Token")
    try:
        missing = await world.member.post(url, json=body)
        wrong = await world.member.post(url, json=body, headers={"X-CSRF-Token": "x" + token[1:]})
    finally:
        world.member.http.headers["X-CSRF-Token"] = token
    for response in (missing, wrong):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "csrf_failed"
    expect(await world.member.post(url, json=body), 201)
    expect(await world.bearer.post(url, json={**body, "title": "by token"}), 201)  # no cookie, no CSRF needed
    threads = expect(await world.member.get(url), 200)["items"]
    assert sorted(t["title"] for t in threads) == ["CSRF", "by token"]


async def test_session_cookie_is_secure_over_https(world, settings, database_url):
    plain = await world.anonymous.http.post("/api/session", json={"email": "member@danang.test", "password": PASSWORD})
    cookie = plain.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie

    https = ServerThread(replace(settings, public_origin="https://citybridge.example"), database_url).start()
    try:
        async with httpx.AsyncClient(base_url=https.base_url) as client:
            response = await client.post("/api/session", json={"email": "member@danang.test", "password": PASSWORD})
            assert response.status_code == 200
            cookie = response.headers["set-cookie"].lower()
            assert "secure" in cookie and "httponly" in cookie
            assert response.headers["strict-transport-security"].startswith("max-age=")
    finally:
        https.stop()


async def test_json_bodies_are_capped(world, settings):
    url = f"/api/spaces/{world.space_a['id']}/threads"
    huge = b'{"title": "big", "body": "' + b"x" * (settings.request_max_bytes + 10) + b'"}'
    response = await world.member.post(url, content=huge, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


async def test_every_body_is_capped_even_streamed(world, settings, database_url):
    small = ServerThread(replace(settings, body_max_bytes=4096), database_url).start()
    try:
        async with httpx.AsyncClient(base_url=small.base_url) as client:
            declared = await client.post("/api/anything", content=b"x" * 5000)
            assert declared.status_code == 413
            assert declared.json()["error"]["code"] == "payload_too_large"
            assert_protected(declared)

            async def chunks():
                for _ in range(10):
                    yield b"y" * 1000

            streamed = await client.post("/api/session", content=chunks(), headers={"Content-Type": "application/json"})
            assert streamed.status_code == 413
            assert streamed.json()["error"]["code"] == "payload_too_large"
    finally:
        small.stop()


async def test_posting_is_rate_limited_per_user(world, settings, database_url):
    limited = ServerThread(replace(settings, rate_limits={**settings.rate_limits, "post": 3}), database_url).start()
    try:
        headers = dict(world.bearer.http.headers)
        async with (
            httpx.AsyncClient(base_url=limited.base_url, headers=headers) as member,
            httpx.AsyncClient(base_url=limited.base_url) as admin_client,
        ):
            thread = expect(
                await world.admin.post(
                    f"/api/spaces/{world.space_a['id']}/threads", json={"title": "Busy", "body": "start"}
                ),
                201,
            )
            thread_id = thread["thread"]["id"] if "thread" in thread else thread["id"]
            url = f"/api/threads/{thread_id}/messages"
            # Fixed one-minute windows: within 7 posts one window must overflow, even across a boundary.
            accepted, refusal = [], None
            for n in range(7):
                response = await member.post(url, json={"body": f"post {n}", "client_id": f"rl-{n}"})
                if response.status_code == 429:
                    refusal = response
                    break
                accepted.append(expect(response, 201))
            assert refusal is not None and 3 <= len(accepted) <= 6
            error = refusal.json()["error"]
            assert error["code"] == "rate_limited" and set(error) == {"code", "message", "fields"}
            assert 1 <= int(refusal.headers["retry-after"]) <= 60
            # A retry of an acknowledged post is not new work: it answers, never 429.
            replay = await member.post(url, json={"body": "post 0", "client_id": "rl-0"})
            assert replay.status_code == 200 and replay.json()["id"] == accepted[0]["id"]
            # Other users have their own budget.
            signed = expect(
                await admin_client.post("/api/session", json={"email": "mod@antwerpen.test", "password": PASSWORD}), 200
            )
            other = await admin_client.post(
                url, json={"body": "moderator here", "client_id": "m-1"}, headers={"X-CSRF-Token": signed["csrf_token"]}
            )
            assert other.status_code == 201
            messages = expect(await member.get(url, params={"limit": 100}), 200)["items"]
            assert len(messages) == 1 + len(accepted) + 1  # the refused post left nothing behind
            metrics = (await member.get("/metrics")).text
            assert re.search(r'citybridge_rate_limited_total\{action="post"\} [0-9.e+]+', metrics)
            assert not re.search(r'citybridge_rate_limited_total\{action="post"\} 0\.0', metrics)
    finally:
        limited.stop()


async def test_websocket_refused_from_another_origin(world, server):
    if not any(getattr(r, "path", None) == "/ws" for r in server.app.routes):
        pytest.skip("the realtime endpoint /ws is not registered")
    import websockets

    cookie = "; ".join(f"{k}={v}" for k, v in world.member.http.cookies.items())
    url = server.base_url.replace("http://", "ws://") + "/ws"
    refused = None
    try:
        async with websockets.connect(
            url, additional_headers={"Cookie": cookie, "Origin": "https://evil.example"}, open_timeout=10
        ) as socket:
            message = await socket.recv()
            refused = message
    except websockets.exceptions.InvalidStatus as error:
        refused = error.response.status_code
    except websockets.exceptions.ConnectionClosed as error:
        refused = error.rcvd.code if error.rcvd else None
    assert refused in (403, 4403, 1008), refused
    # The same cookie from our own origin is welcome.
    own = server.base_url
    async with websockets.connect(url, additional_headers={"Cookie": cookie, "Origin": own}, open_timeout=10) as socket:
        await socket.send('{"type": "ping"}')
        frames = [await socket.recv() for _ in range(1)]
        while not any('"pong"' in frame for frame in frames) and len(frames) < 5:
            frames.append(await socket.recv())
        assert any('"pong"' in frame for frame in frames)
