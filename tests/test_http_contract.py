"""The HTTP contract beyond single endpoints, over HTTP against the real server: a 405 names every
method of the path, an unknown API path is 404 for every method, JSON routes take only JSON, and
a sign-in (or an invitation's acceptance) from another site is refused (no login CSRF)."""

from __future__ import annotations

import asyncio

import asyncpg
import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from server.db import driver
from server.db.engine import create_engine, read_session_factory, session_factory
from server.db.models import User
from server.services import accounts
from tests.conftest import PASSWORD
from tests.harness import expect

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
SIGN_IN = {"email": "ada@citybridge.test", "password": PASSWORD}


def error_of(response: httpx.Response, status: int) -> dict:
    body = expect(response, status)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]


def allow(response: httpx.Response) -> set[str]:
    return {method.strip() for method in response.headers["allow"].split(",")}


@pytest.fixture
async def http(server):
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        yield client


@pytest.fixture
async def user(db):
    await accounts.create_user(db, email=SIGN_IN["email"], name="Ada Admin", password=PASSWORD, is_admin=True)
    await db.commit()


async def test_405_allow_names_every_method_of_the_path(http):
    for method in ("PUT", "PATCH", "DELETE", "OPTIONS"):
        answer = await http.request(method, "/api/cities")
        assert error_of(answer, 405)["code"] == "method_not_allowed"
        assert allow(answer) == {"GET", "HEAD", "POST"}, method
    assert allow(await http.put("/api/spaces/1")) == {"GET", "HEAD", "PATCH"}
    assert allow(await http.post("/api/openapi.json")) == {"GET", "HEAD"}
    assert allow(await http.post("/healthz")) == {"GET", "HEAD"}
    # /api/invitations/7 is the invitation with id 7, never also a link's token (a token has a letter
    # or a sign besides digits), so one path has one set of methods, as the document says.
    assert allow(await http.put("/api/invitations/7")) == {"DELETE"}
    assert allow(await http.get("/api/invitations/7")) == {"DELETE"}
    assert allow(await http.put("/api/invitations/abc")) == {"GET", "HEAD"}
    # ... and each still answers its own method.
    error_of(await http.delete("/api/invitations/7"), 401)
    error_of(await http.get("/api/invitations/abc"), 404)


async def test_unknown_api_paths_are_404_for_every_method(http):
    for path in ("/api/no/such/route", "/api/threads/not-a-number", "/api/spaces/-1/threads", "/api", "/api/"):
        for method in METHODS:
            answer = await http.request(method, path, json={} if method in ("POST", "PUT", "PATCH") else None)
            assert error_of(answer, 404)["code"] == "not_found", (method, path)
    # The browser app still owns the rest of the paths.
    assert "text/html" in (await http.get("/spaces/3")).headers["content-type"]


async def test_json_routes_refuse_other_content_types(http, user):
    body = b'{"email": "ada@citybridge.test", "password": "correct horse battery"}'
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None):
        headers = {"Content-Type": content_type} if content_type else {}
        answer = await http.post("/api/session", content=body, headers=headers)
        assert error_of(answer, 415)["code"] == "unsupported_media_type", content_type
        assert "set-cookie" not in answer.headers
    session = expect(await http.post("/api/session", content=body, headers={"Content-Type": "application/json"}), 200)
    csrf = {"X-CSRF-Token": session["csrf_token"]}
    changed = await http.patch("/api/me", content=b'{"name": "X"}', headers={**csrf, "Content-Type": "text/plain"})
    error_of(changed, 415)
    changed = await http.patch(
        "/api/me", content=b'{"name": "Ada B"}', headers={**csrf, "Content-Type": "application/json; charset=utf-8"}
    )
    assert expect(changed, 200)["name"] == "Ada B"


async def test_cross_site_sign_in_is_refused(http, server, user):
    for headers in (
        {"Origin": "https://attacker.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": server.base_url.replace("127.0.0.1", "localhost")},
    ):
        answer = await http.post("/api/session", json=SIGN_IN, headers=headers)
        assert error_of(answer, 403)["code"] == "cross_site", headers
        assert "set-cookie" not in answer.headers
    accept = await http.post(
        "/api/invitations/some-token/accept", json={}, headers={"Origin": "https://attacker.example"}
    )
    assert error_of(accept, 403)["code"] == "cross_site"
    # Our own pages, and clients that are not browsers, sign in.
    expect(await http.post("/api/session", json=SIGN_IN, headers={"Origin": server.base_url}), 200)
    expect(await http.post("/api/session", json=SIGN_IN, headers={"Sec-Fetch-Site": "same-origin"}), 200)
    expect(await http.post("/api/session", json=SIGN_IN), 200)


async def test_a_read_runs_without_a_transaction_and_may_not_write(database_url, user):
    """GET routes without a rate limit read through sessions of single statements (no BEGIN or COMMIT
    round trips); a write through one is refused, since nothing would undo it if the request failed."""
    engine = create_engine(database_url, pool_size=2)
    try:
        async with read_session_factory(engine)() as db:
            assert (await db.scalar(select(User.name).where(User.email == SIGN_IN["email"]))) == "Ada Admin"
            raw = await driver.connection(db)
            assert not raw.is_in_transaction()  # nothing was begun, and driver.connection begins nothing
            with pytest.raises(RuntimeError, match="read-only request tried to write"):
                await db.execute(text("UPDATE users SET name = 'x' WHERE email = :email"), {"email": SIGN_IN["email"]})
            with pytest.raises(RuntimeError, match="read-only request tried to write"):
                await db.execute(text("WITH u AS (DELETE FROM sessions RETURNING 1) SELECT count(*) FROM u"))
        async with session_factory(engine)() as db:  # the pool's connections are transactional again
            assert (await db.scalar(select(User.name).where(User.email == SIGN_IN["email"]))) == "Ada Admin"
            assert (await driver.connection(db)).is_in_transaction()
        async with session_factory(engine)() as db:  # a raw statement first: its transaction is the session's
            raw = await driver.connection(db)
            await raw.execute("UPDATE users SET name = 'Temporary' WHERE email = $1", SIGN_IN["email"])
            assert (await db.scalar(select(User.name).where(User.email == SIGN_IN["email"]))) == "Temporary"
            await db.rollback()
            assert not raw.is_in_transaction()
        async with session_factory(engine)() as db:
            assert (await db.scalar(select(User.name).where(User.email == SIGN_IN["email"]))) == "Ada Admin"
    finally:
        await engine.dispose()


async def test_a_raw_statement_cut_off_mid_flight_does_not_hand_its_connection_to_the_next_request(database_url):
    """A connection a request may have left mid-operation (its raw statement cancelled, or its server
    process gone: sqlalchemy/sqlalchemy#13241's "another operation is in progress") is discarded,
    not pooled, and the next request on the pool gets a new connection that works. Errors a client
    causes keep the connection."""
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        async with session_factory(engine)() as db:
            raw = await driver.connection_as_is(db)
            statement = asyncio.ensure_future(raw.fetchval("SELECT pg_sleep(2)"))
            await asyncio.sleep(0.2)
            statement.cancel()
            with pytest.raises(asyncio.CancelledError) as cut_off:
                await statement
            await driver.discard_if_cut_off(db, cut_off.value)
        assert raw.is_closed()
        async with session_factory(engine)() as db:  # the pool's one connection is a new one, and works
            fresh = await driver.connection_as_is(db)
            assert fresh is not raw and await fresh.fetchval("SELECT 41 + 1") == 42
        async with session_factory(engine)() as db:  # as does a driver error that SQLAlchemy wrapped
            kept = await driver.connection(db)
            wrapped = DBAPIError("SELECT 2", None, asyncpg.exceptions.InternalClientError("cannot switch to state 12"))
            await driver.discard_if_cut_off(db, wrapped)
        assert kept.is_closed()
        async with session_factory(engine)() as db:  # errors a client causes keep the connection
            await driver.discard_if_cut_off(db, ValueError("a bad request"))
            with pytest.raises(asyncpg.exceptions.DataError) as beyond_range:  # refused before it is sent
                await (await driver.connection(db)).fetchval("SELECT $1::integer", 2**40)
            await driver.discard_if_cut_off(db, beyond_range.value)
            assert await (await driver.connection(db)).fetchval("SELECT 1") == 1
    finally:
        await engine.dispose()
