"""The bare equivalents of Citybridge's hot read routes, for bench/routes.py (issue 21): Starlette +
asyncpg, no ORM, no validation layer, no access log, under the same uvicorn settings as the bare post
endpoint of bench/realtime_servers.py (BARE_POST), pinned to the server's CPU. It reads Citybridge's
own tables, so it answers for the same users, tokens and threads:

    python bench/routes_bare.py postgresql://... 8123

  GET /healthz                          {"status": "ok"}
  GET /api/me                           the bearer token's owner: one query (token hash -> user)
  GET /api/threads/{id}/messages        the token's owner, the thread with its space and the owner's
                                        membership (the read rule of server/services/access.py), the
                                        page of messages with their authors, their reactions and their
                                        mentions: five queries on one connection, as Citybridge makes

Each request's queries run on one pooled connection without an explicit transaction (Citybridge's
requests run in one; its BEGIN and COMMIT are part of what it is compared with). A token is looked up
by its SHA-256, as server/auth/tokens.py stores it.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.realtime_clients import SERVER_CPU, pin  # noqa: E402  (ROOT on the path first)

# The live token's active owner, with the columns of server/services/profiles.py's own_view.
OWNER = """
SELECT u.id, u.name, u.handle, u.city_id, u.email, u.position, u.languages, u.locale, u.is_admin, u.created_at,
       u.office, u.bio, u.time_zone, u.expertise_themes, u.expertise_tags, u.visibility::text AS visibility,
       u.photo_key, u.public_name_consent, t.scopes
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND u.deactivated_at IS NULL
"""
ACCESS = """
SELECT s.visibility, m.state, m.role
FROM threads t JOIN spaces s ON s.id = t.space_id
LEFT JOIN memberships m ON m.space_id = s.id AND m.user_id = $2
WHERE t.id = $1
"""
PAGE = """
SELECT m.id, m.thread_id, m.space_id, m.author_id, m.client_id, m.body, m.html, m.created_at, m.edited_at,
       m.hidden_at, m.hidden_reason, m.reply_to_id, u.name, u.handle, u.city_id
FROM messages m LEFT JOIN users u ON u.id = m.author_id
WHERE m.thread_id = $1 AND m.deleted_at IS NULL AND m.id > $2
ORDER BY m.id LIMIT $3
"""
REACTIONS = """
SELECT message_id, emoji, array_agg(user_id) AS user_ids FROM reactions WHERE message_id = ANY($1::bigint[])
GROUP BY message_id, emoji ORDER BY min(created_at)
"""
MENTIONS = "SELECT message_id, user_id FROM mentions WHERE message_id = ANY($1::bigint[])"
# server/services/profiles.py's DEFAULTS: what each profile field is shown to until its owner chooses.
VISIBILITY = {
    "listing": "network",
    "office": "network",
    "position": "network",
    "languages": "network",
    "expertise": "network",
    "bio": "spaces",
    "time_zone": "spaces",
    "photo": "network",
}

pool = None


def iso(value):
    return value.isoformat() if value is not None else None


def json_response(data, status: int = 200):
    from starlette.responses import JSONResponse

    return JSONResponse(data, status)


async def owner(connection, request):
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret:
        return None
    user = await connection.fetchrow(OWNER, hashlib.sha256(secret.strip().encode()).hexdigest())
    return user if user is not None and "read" in user["scopes"] else None


async def healthz(request):
    return json_response({"status": "ok"})


async def me(request):
    import json

    async with pool.acquire() as connection:
        user = await owner(connection, request)
    if user is None:
        return json_response({"error": "not signed in"}, 401)
    stored = json.loads(user["visibility"] or "{}")
    return json_response(
        {
            "id": user["id"],
            "name": user["name"],
            "handle": user["handle"],
            "city_id": user["city_id"],
            "email": user["email"],
            "position": user["position"],
            "languages": list(user["languages"] or []),
            "locale": user["locale"],
            "is_admin": user["is_admin"],
            "created_at": iso(user["created_at"]),
            "office": user["office"],
            "bio": user["bio"],
            "time_zone": user["time_zone"],
            "expertise_themes": list(user["expertise_themes"] or []),
            "expertise_tags": list(user["expertise_tags"] or []),
            "visibility": {key: stored.get(key, default) for key, default in VISIBILITY.items()},
            "photo_url": f"/api/people/{user['id']}/photo?v={user['photo_key'][:16]}" if user["photo_key"] else None,
            "public_name_consent": bool(user["public_name_consent"]),
            "csrf_token": None,
        }
    )


async def messages(request):
    thread_id = request.path_params["thread_id"]
    limit = min(200, max(1, int(request.query_params.get("limit", "50"))))
    after = int(request.query_params.get("after", "0"))
    async with pool.acquire() as connection:
        user = await owner(connection, request)
        if user is None:
            return json_response({"error": "not signed in"}, 401)
        access = await connection.fetchrow(ACCESS, thread_id, user["id"])
        readable = access is not None and (
            user["is_admin"]
            or (access["state"] != "suspended" and (access["visibility"] == "network" or access["state"] == "active"))
        )
        if not readable:
            return json_response({"error": "No such thread."}, 404)
        rows = await connection.fetch(PAGE, thread_id, after, limit)
        ids = [row["id"] for row in rows]
        reactions: dict[int, list] = {}
        for row in await connection.fetch(REACTIONS, ids):
            user_ids = sorted(row["user_ids"])
            reactions.setdefault(row["message_id"], []).append(
                {"emoji": row["emoji"], "count": len(user_ids), "user_ids": user_ids}
            )
        mentions: dict[int, list] = {}
        for row in await connection.fetch(MENTIONS, ids):
            mentions.setdefault(row["message_id"], []).append(row["user_id"])
    moderator = user["is_admin"] or (access["role"] == "moderator" and access["state"] == "active")
    items = []
    for row in rows:
        hidden = row["hidden_at"] is not None
        blank = hidden and not (moderator or row["author_id"] == user["id"])
        items.append(
            {
                "id": row["id"],
                "thread_id": row["thread_id"],
                "space_id": row["space_id"],
                "author": {
                    "id": row["author_id"],
                    "name": row["name"],
                    "handle": row["handle"],
                    "city_id": row["city_id"],
                }
                if row["author_id"] is not None
                else None,
                "client_id": row["client_id"],
                "body": "" if blank else row["body"],
                "html": "" if blank else row["html"],
                "created_at": iso(row["created_at"]),
                "edited_at": iso(row["edited_at"]),
                "hidden": hidden,
                "hidden_reason": row["hidden_reason"] if hidden and not blank else None,
                "reactions": reactions.get(row["id"], []),
                "mentions": sorted(mentions.get(row["id"], [])),
                "reply_to": None,  # the bench's thread has no replies (bench/routes.py)
            }
        )
    return json_response({"items": items, "next_cursor": str(ids[-1]) if len(ids) == limit else None})


def main() -> None:
    pin(SERVER_CPU)
    import asyncpg
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Route

    dsn, port = sys.argv[1], int(sys.argv[2])

    @contextlib.asynccontextmanager
    async def lifespan(app):
        global pool
        pool = await asyncpg.create_pool(dsn, min_size=10, max_size=10)
        yield
        await pool.close()

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/api/me", me),
            Route("/api/threads/{thread_id:int}/messages", messages),
        ],
        lifespan=lifespan,
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", ws="none", backlog=8192, timeout_keep_alive=75)


if __name__ == "__main__":
    main()
