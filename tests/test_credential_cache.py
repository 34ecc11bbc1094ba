"""Each node keeps the credentials it looked up (server/auth/credential_cache.py) and forgets them the
moment they change, whatever changed them: here a raw connection writes, as an admin in psql would,
past the app and its ORM, so only PostgreSQL's notifications (migration 0034) can tell the server."""

from __future__ import annotations

import asyncio
import re
import time

import asyncpg
import pytest
from sqlalchemy import text, update

from server.auth.credential_cache import LISTENER_NAME, CredentialCache
from server.db.engine import asyncpg_dsn
from server.db.models import ApiToken, City, User
from tests.harness import expect


async def _lookups(client, result: str) -> float:
    text = (await client.get("/metrics")).text
    found = re.search(rf'^citybridge_credential_lookups_total{{result="{result}"}} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


async def _within_a_second(check) -> None:
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < 1.0, "the server still let the old credential in after a second"
        await asyncio.sleep(0.02)


@pytest.fixture
async def raw(database_url):
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    yield conn
    await conn.close()


async def test_a_token_is_read_once_and_its_revocation_in_psql_reaches_the_server_at_once(world, raw):
    expect(await world.bearer.get("/api/me"), 200)  # read, and kept
    hits = await _lookups(world.anonymous, "hit")
    for _ in range(3):
        expect(await world.bearer.get("/api/me"), 200)
    assert await _lookups(world.anonymous, "hit") >= hits + 3
    await raw.execute("UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1", world.member.user["id"])

    async def refused() -> bool:
        answer = await world.bearer.get("/api/me")
        return answer.status_code == 401 and answer.json()["error"]["code"] == "bad_token"

    await _within_a_second(refused)


CHANGES = {
    # what an operator does in psql, and what a request by cookie (member) or token (bearer) meets then
    "deactivated": ("UPDATE users SET deactivated_at = now() WHERE id = $1", "bearer", "GET", 401, "bad_token"),
    "signed out": ("DELETE FROM sessions WHERE user_id = $1", "member", "GET", 401, "not_signed_in"),
    "session expired": (
        "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1",
        "member",
        "GET",
        401,
        "not_signed_in",
    ),
    "token read-only": (
        "UPDATE api_tokens SET scopes = '{read}' WHERE user_id = $1",
        "bearer",
        "POST",
        403,
        "insufficient_scope",
    ),
    "city requires two-factor": (
        "UPDATE cities SET require_totp = true WHERE id = (SELECT city_id FROM users WHERE id = $1)",
        "member",
        "GET",
        403,
        "totp_setup_required",
    ),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
async def test_every_change_to_who_a_credential_lets_in_reaches_the_server(world, raw, change):
    statement, who, method, status, code = CHANGES[change]
    client = getattr(world, who)
    # A write that changes no user, session, token or city, so that nothing but the notification can
    # tell this node.
    thread = {"title": "Who keeps the keys", "body": "Asking for our desk."}
    path, body, ok = (
        ("/api/spaces", None, 200) if method == "GET" else (f"/api/spaces/{world.space_a['id']}/threads", thread, 201)
    )
    expect(await client.request(method, path, json=body), ok)
    expect(await client.request(method, path, json=body), ok)  # from the cache now
    await raw.execute(statement, world.member.user["id"])

    async def refused() -> bool:
        answer = await client.request(method, path, json=body)
        return answer.status_code == status and (code is None or answer.json()["error"]["code"] == code)

    await _within_a_second(refused)


async def test_a_renamed_user_is_shown_renamed_by_the_next_request(world, raw):
    assert expect(await world.bearer.get("/api/me"), 200)["name"] != "Renamed in psql"
    await raw.execute("UPDATE users SET name = 'Renamed in psql' WHERE id = $1", world.member.user["id"])

    async def renamed() -> bool:
        return expect(await world.bearer.get("/api/me"), 200)["name"] == "Renamed in psql"

    await _within_a_second(renamed)


async def test_what_changed_while_the_listener_was_down_is_not_served_from_memory(world, raw):
    """A notification sent while the node's LISTEN connection is down is lost: the node reads every
    credential again once it is back."""
    expect(await world.bearer.get("/api/me"), 200)
    expect(await world.bearer.get("/api/me"), 200)
    listeners = "SELECT pid FROM pg_stat_activity WHERE application_name = $1"
    (listener,) = [r["pid"] for r in await raw.fetch(listeners, LISTENER_NAME)]
    async with raw.transaction():  # committed while the listener is down: it waits 0.1 s to reconnect
        await raw.execute("UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1", world.member.user["id"])
        assert await raw.fetchval("SELECT pg_terminate_backend($1)", listener)
    # Back once the cache serves again: the member's cookie, read anew, is then kept.
    started = time.monotonic()
    while True:
        hits = await _lookups(world.anonymous, "hit")
        expect(await world.member.get("/api/me"), 200)
        if await _lookups(world.anonymous, "hit") > hits:
            break
        assert time.monotonic() - started < 10, "the credential cache did not serve again"
        await asyncio.sleep(0.02)
    assert expect(await world.bearer.get("/api/me"), 401)["error"]["code"] == "bad_token"


def test_a_look_up_that_read_before_a_change_is_not_kept():
    cache = CredentialCache(60)
    cache.connected = asyncio.Event()
    cache.connected.set()
    generation = cache.generation
    cache.forget(7)  # arrives while the look-up's statement is in flight
    cache.put(("bearer", "h"), generation, (1,), 7, None)
    assert cache.get(("bearer", "h")) is None
    cache.put(("bearer", "h"), cache.generation, (1,), 7, None)
    assert cache.get(("bearer", "h")) is not None
    cache.forget(8)
    assert cache.get(("bearer", "h")) is not None  # another user's change
    cache.forget(7)
    assert cache.get(("bearer", "h")) is None and cache.by_user == {}
    cache.connected.clear()  # the listener is down: nothing is served
    cache.put(("bearer", "h"), cache.generation, (1,), 7, None)
    assert cache.get(("bearer", "h")) is None


def _holding_one() -> CredentialCache:
    cache = CredentialCache(60, size=2)
    cache.connected = asyncio.Event()
    cache.connected.set()
    cache.put(("bearer", "kept"), cache.generation, (1,), 1, None)
    return cache


async def test_this_process_forgets_at_the_commit_of_a_change_before_any_notification(world, db):
    """The writer's own node forgets when the change commits, before it answers: no wait for the
    notification. Writes that change no credential keep what it holds."""
    cache = _holding_one()
    member = world.member.user["id"]
    await db.execute(text("SELECT 1 FROM users WHERE id = :id"), {"id": member})
    await db.execute(text("INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('t:1', now(), 1)"))
    await db.commit()
    assert cache.get(("bearer", "kept")) is not None  # a read and an unrelated write
    user = await db.get(User, member)
    user.position = "Desk lead"
    await db.flush()
    assert cache.get(("bearer", "kept")) is not None  # not before the commit
    await db.rollback()
    assert cache.get(("bearer", "kept")) is not None  # nor when it rolls back
    for change in (
        update(ApiToken).where(ApiToken.user_id == member).values(scopes=["read"]),
        text("DELETE FROM sessions WHERE user_id = :id").bindparams(id=member),
        update(City).where(City.id == world.cities[0]["id"]).values(require_totp=True),
    ):
        cache = _holding_one()
        await db.execute(change)
        await db.commit()
        assert cache.get(("bearer", "kept")) is None, change
    cache = _holding_one()
    user = await db.get(User, member)
    user.position = "Desk lead"
    await db.commit()
    assert cache.get(("bearer", "kept")) is None


def test_the_cache_holds_at_most_its_size_and_lets_the_oldest_go():
    cache = _holding_one()
    cache.put(("cookie", "second"), cache.generation, (2,), 2, None)
    cache.put(("cookie", "third"), cache.generation, (3,), 2, None)
    assert cache.get(("bearer", "kept")) is None and len(cache.entries) == 2
    assert cache.by_user == {2: {("cookie", "second"), ("cookie", "third")}}
