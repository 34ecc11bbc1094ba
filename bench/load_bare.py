"""The floor that bench/load.py compares Citybridge with (issue 21): a bare Starlette + asyncpg app that
answers the URLs of the load mix with the equivalent SQL on Citybridge's own tables, no ORM, no framework
of ours, under uvicorn with the settings of `citybridge serve` (server/serving.py).

    python bench/load_bare.py postgresql://postgres@/citybridge?host=/tmp/... 8001

What each URL does (one query authenticates the bearer API token: its SHA-256 looked up in api_tokens,
joined with its live owner, as server/services/accounts.py does):

- GET  /api/spaces/{id}/threads     the space and the caller's membership (the rule of
                                    services/access.can_read), then the threads, pinned first then most
                                    recently active, with their author and the author of their newest shown
                                    message (services/threads.list_threads)
- GET  /api/threads/{id}/messages   the thread, its space and the membership, a page of messages with their
                                    authors (oldest first after `after`), then their reactions and their
                                    mentions, each by one array of ids (bench/bare_reads.py, shared with
                                    bench/routes_bare.py, whose answers bench/routes.py checks equal)
- POST /api/threads/{id}/messages   the thread, space and membership (FOR KEY SHARE), then in one transaction
                                    the INSERT of the message (its thread's activity time is set at commit,
                                    migration 0033) and the INSERT of its `message.created` event under the
                                    space's advisory lock with its pg_notify (the statements of services/messages.py and
                                    services/changelog.py). The html is the escaped body in a paragraph: a
                                    stand-in for the markdown rendering, and no @mentions are resolved.
- GET  /api/search?q=               a STAND-IN for the tantivy index Citybridge searches: PostgreSQL full-text
                                    (to_tsvector('simple', body) @@ plainto_tsquery) over the shown messages
                                    of the spaces the caller may read, newest 20. For it the app creates a GIN
                                    index on messages at start (bare_messages_fts, if not there): without one
                                    every search reads every message of the space. So run it against a
                                    scratch database only, as bench/load.py does.
- GET  /api/me                      the token's owner, from the authenticating query alone.
- /ws                               a trivial websocket fan-out (bench/bare_socket.py).

Responses are shaped like Citybridge's; only the reads of bench/bare_reads.py are identical. No access log,
no metrics, no rate limits.
"""

from __future__ import annotations

import contextlib
import html
import json
import sys
from pathlib import Path

import asyncpg
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bare_socket  # noqa: E402  (ROOT on the path first)
from bench.bare_reads import THREAD_ACCESS, brief, iso, message_page, own_view, owner, standing  # noqa: E402

SPACE_GATE = 11  # changelog._GATE_CLASS['space']

SPACE_ACCESS = """
SELECT s.visibility, m.state, m.role FROM spaces s
LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $2
WHERE s.id = $1
"""
THREAD_ACCESS_FOR_UPDATE = THREAD_ACCESS + " FOR KEY SHARE OF t"
THREADS = """
SELECT t.id, t.space_id, t.title, t.themes, t.pinned, t.locked, t.created_at, t.last_activity_at,
       a.id AS a_id, a.name AS a_name, a.handle AS a_handle, a.city_id AS a_city,
       r.id AS r_id, r.name AS r_name, r.handle AS r_handle, r.city_id AS r_city
FROM threads t
LEFT JOIN users a ON a.id = t.author_id
LEFT JOIN users r ON r.id = (
    SELECT m.author_id FROM messages m
    WHERE m.thread_id = t.id AND m.deleted_at IS NULL AND m.hidden_at IS NULL
    ORDER BY m.id DESC LIMIT 1
)
WHERE t.space_id = $1
ORDER BY t.pinned DESC, t.last_activity_at DESC, t.id DESC
LIMIT $2
"""
# As Citybridge's: the thread's last activity is set at commit by migration 0033's trigger.
INSERT = """
INSERT INTO messages (thread_id, space_id, author_id, client_id, body, html, reply_to_id)
VALUES ($1, $2, $3, $4, $5, $6, NULL)
ON CONFLICT ON CONSTRAINT author_client_id DO NOTHING
RETURNING id, created_at
"""
# What changelog.record sends: the insert with a provisional id under the stream's gate (shared); the
# deferred trigger of migration 0032 numbers it and NOTIFYs at commit, as for Citybridge.
RECORD = """
INSERT INTO events (space_id, user_id, conversation_id, kind, data)
SELECT $1::integer, NULL, NULL, 'message.created', $2::jsonb
FROM (SELECT pg_advisory_xact_lock_shared($3::integer, $1::integer)) AS gate
RETURNING id
"""
SEARCH = """
SELECT m.id, m.thread_id, m.space_id, left(m.body, 200) AS snippet, m.created_at FROM messages m
WHERE m.space_id IN (
    SELECT s.id FROM spaces s LEFT JOIN memberships ms ON ms.space_id = s.id AND ms.user_id = $2
    WHERE $3 OR (coalesce(ms.state, '') <> 'suspended' AND (s.visibility = 'network' OR ms.state = 'active'))
)
  AND m.deleted_at IS NULL AND m.hidden_at IS NULL
  AND to_tsvector('simple', m.body) @@ plainto_tsquery('simple', $1)
ORDER BY m.id DESC LIMIT 20
"""

pool: asyncpg.Pool


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"message": message}}, status)


async def list_threads(request: Request) -> Response:
    space_id = request.path_params["space_id"]
    limit = min(100, int(request.query_params.get("limit", 20)))
    async with pool.acquire() as db:
        user = await owner(db, request)
        if user is None:
            return error(401, "Not signed in.")
        access = await standing(db, SPACE_ACCESS, space_id, user)
        if access is None:
            return error(404, "No such space.")
        rows = await db.fetch(THREADS, space_id, limit)
    items = [
        {
            "id": r["id"],
            "space_id": r["space_id"],
            "title": r["title"],
            "themes": list(r["themes"] or []),
            "author": brief(r["a_id"], r["a_name"], r["a_handle"], r["a_city"]),
            "pinned": r["pinned"],
            "locked": r["locked"],
            "created_at": iso(r["created_at"]),
            "last_activity_at": iso(r["last_activity_at"]),
            "last_replier": brief(r["r_id"], r["r_name"], r["r_handle"], r["r_city"]),
        }
        for r in rows
    ]
    return JSONResponse({"items": items, "next_cursor": None})


async def read_messages(request: Request) -> Response:
    thread_id = request.path_params["thread_id"]
    limit = min(100, int(request.query_params.get("limit", 50)))
    after = int(request.query_params.get("after", 0))
    async with pool.acquire() as db:
        user = await owner(db, request)
        if user is None:
            return error(401, "Not signed in.")
        access = await standing(db, THREAD_ACCESS, thread_id, user)
        if access is None:
            return error(404, "No such thread.")
        page = await message_page(db, user, access, thread_id, after, limit)
    return JSONResponse(page)


async def post_message(request: Request) -> Response:
    thread_id = request.path_params["thread_id"]
    try:
        body = json.loads(await request.body())
        text, client_id = body["body"], body.get("client_id")
        if not isinstance(text, str) or not text.strip() or len(text) > 20000:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return error(422, "Give the message's body.")
    async with pool.acquire() as db:
        user = await owner(db, request)
        if user is None:
            return error(401, "Not signed in.")
        async with db.transaction():
            access = await standing(db, THREAD_ACCESS_FOR_UPDATE, thread_id, user)
            if access is None:
                return error(404, "No such thread.")
            if not user["is_admin"] and access["state"] != "active":
                return error(403, "Only members post here.")
            space_id, rendered = access["space_id"], f"<p>{html.escape(text)}</p>"
            row = await db.fetchrow(INSERT, thread_id, space_id, user["id"], client_id, text, rendered)
            if row is None:
                return error(409, "This client_id was already used.")
            data = {
                "id": row["id"],
                "thread_id": thread_id,
                "space_id": space_id,
                "author": brief(user["id"], user["name"], user["handle"], user["city_id"]),
                "client_id": client_id,
                "body": text,
                "html": rendered,
                "created_at": iso(row["created_at"]),
                "edited_at": None,
                "hidden": False,
                "hidden_reason": None,
                "reactions": [],
                "mentions": [],
                "reply_to": None,
            }
            await db.fetchrow(RECORD, space_id, json.dumps(data), SPACE_GATE)
    return JSONResponse(data, 201)


async def search(request: Request) -> Response:
    q = request.query_params.get("q", "")[:500]
    async with pool.acquire() as db:
        user = await owner(db, request)
        if user is None:
            return error(401, "Not signed in.")
        rows = await db.fetch(SEARCH, q, user["id"], user["is_admin"])
    items = [
        {
            "kind": "message",
            "id": r["id"],
            "thread_id": r["thread_id"],
            "space_id": r["space_id"],
            "snippet": r["snippet"],
            "created_at": iso(r["created_at"]),
        }
        for r in rows
    ]
    return JSONResponse({"items": items, "next_cursor": None})


async def me(request: Request) -> Response:
    async with pool.acquire() as db:
        user = await owner(db, request)
    if user is None:
        return error(401, "Not signed in.")
    return JSONResponse(own_view(user))


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


@contextlib.asynccontextmanager
async def lifespan(app):
    global pool
    pool = await asyncpg.create_pool(DSN, min_size=10, max_size=10)
    await pool.execute(
        "CREATE INDEX IF NOT EXISTS bare_messages_fts ON messages USING gin (to_tsvector('simple', body)) "
        "WITH (fastupdate = off)"
    )
    listener = await bare_socket.listen(DSN, pool)
    yield
    await listener.close()
    await pool.close()


app = Starlette(
    routes=[
        Route("/healthz", healthz),
        Route("/api/spaces/{space_id:int}/threads", list_threads),
        Route("/api/threads/{thread_id:int}/messages", read_messages, methods=["GET"]),
        Route("/api/threads/{thread_id:int}/messages", post_message, methods=["POST"]),
        Route("/api/search", search),
        Route("/api/me", me),
        WebSocketRoute("/ws", bare_socket.socket),
    ],
    lifespan=lifespan,
)

if __name__ == "__main__":
    DSN, port = sys.argv[1], int(sys.argv[2])
    # server/serving.py's settings, one process.
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        ws="websockets-sansio",
        lifespan="on",
        timeout_graceful_shutdown=10,
        timeout_keep_alive=75,
        log_config=None,
        access_log=False,
        ws_per_message_deflate=False,
        ws_max_size=2**20,
        backlog=8192,
    )
