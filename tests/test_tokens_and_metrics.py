"""API token scopes and expiry (issue 11, point 13) and who may read /metrics (point 17)."""

from __future__ import annotations

from dataclasses import replace

import httpx
from sqlalchemy import text

from tests.harness import ServerThread, expect

CITY = {"name": "Lyon", "country": "France", "languages": ["fr"], "profile": "traditional"}


async def test_a_token_cannot_mint_tokens(world):
    refused = await world.bearer.post("/api/tokens", json={"name": "offspring"})
    assert expect(refused, 403)["error"]["code"] == "token_cannot_mint"
    assert [t["name"] for t in expect(await world.member.get("/api/tokens"), 200)["items"]] == ["tests"]


async def test_scopes_are_enforced_per_route(world, clients):
    created = expect(await world.member.post("/api/tokens", json={"name": "reader", "scopes": ["read"]}), 201)
    assert created["scopes"] == ["read"] and created["expires_at"]
    reader = clients(created["token"])
    expect(await reader.get(f"/api/spaces/{world.space_a['id']}/threads"), 200)
    refused = await reader.post(f"/api/spaces/{world.space_a['id']}/threads", json={"title": "t", "body": "b"})
    assert expect(refused, 403)["error"]["code"] == "insufficient_scope"

    writer = clients(
        expect(await world.member.post("/api/tokens", json={"name": "w", "scopes": ["write"]}), 201)["token"]
    )
    assert expect(await writer.get("/api/me"), 403)["error"]["code"] == "insufficient_scope"

    # Admin routes need the admin scope, even on an admin's token.
    plain = expect(await world.admin.post("/api/tokens", json={"name": "no admin"}), 201)
    assert plain["scopes"] == ["read", "write"]
    assert expect(await clients(plain["token"]).post("/api/cities", json=CITY), 403)["error"]["code"] == "not_an_admin"
    full = expect(
        await world.admin.post("/api/tokens", json={"name": "admin", "scopes": ["read", "write", "admin"]}), 201
    )
    expect(await clients(full["token"]).post("/api/cities", json=CITY), 201)
    # The admin's account is unchanged by the token that could not use its powers.
    assert expect(await world.admin.get("/api/me"), 200)["is_admin"] is True

    not_admin = await world.member.post("/api/tokens", json={"name": "x", "scopes": ["admin"]})
    assert expect(not_admin, 422)["error"]["fields"] == {"scopes": "only platform admins can give the admin scope"}
    bad = await world.member.post("/api/tokens", json={"name": "x", "scopes": ["root"]})
    assert "scopes.0" in expect(bad, 422)["error"]["fields"]


async def test_expired_tokens_are_refused(world, clients, db):
    created = expect(await world.member.post("/api/tokens", json={"name": "short", "expires_in_days": 1}), 201)
    token = clients(created["token"])
    expect(await token.get("/api/me"), 200)
    await db.execute(
        text("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = :id"), {"id": created["id"]}
    )
    await db.commit()
    assert expect(await token.get("/api/me"), 401)["error"]["code"] == "token_expired"
    too_long = await world.member.post("/api/tokens", json={"name": "forever", "expires_in_days": 3650})
    assert expect(too_long, 422)["error"]["fields"] == {"expires_in_days": "at most 365"}


async def test_metrics_are_served_to_loopback_only_by_default(world, settings, database_url):
    assert (await world.anonymous.get("/metrics")).status_code == 200  # the test client is on loopback
    # Through a proxy on this host that is not a trusted one, a request is not a local one.
    forwarded = await world.anonymous.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert expect(forwarded, 403)["error"]["code"] == "metrics_forbidden"

    proxied = ServerThread(replace(settings, trusted_proxies=("127.0.0.1",)), database_url).start()
    opened = ServerThread(
        replace(settings, trusted_proxies=("127.0.0.1",), metrics_allow=("203.0.113.0/24",)), database_url
    ).start()
    try:
        async with httpx.AsyncClient(base_url=proxied.base_url) as client:
            expect(await client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}), 403)
            local = await client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
            assert local.status_code == 200
        async with httpx.AsyncClient(base_url=opened.base_url) as client:
            scraped = await client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
            assert scraped.status_code == 200 and "citybridge_http_requests_total" in scraped.text
            expect(await client.get("/metrics", headers={"X-Forwarded-For": "198.51.100.1"}), 403)
    finally:
        proxied.stop()
        opened.stop()
