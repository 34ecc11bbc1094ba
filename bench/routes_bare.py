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
requests run in one; its BEGIN and COMMIT are part of what it is compared with). The reads themselves
are bench/bare_reads.py's, shared with bench/load_bare.py.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bare_reads import THREAD_ACCESS, message_page, own_view, owner, standing  # noqa: E402
from bench.realtime_clients import SERVER_CPU, pin  # noqa: E402  (ROOT on the path first)

pool = None


def json_response(data, status: int = 200):
    from starlette.responses import JSONResponse

    return JSONResponse(data, status)


async def healthz(request):
    return json_response({"status": "ok"})


async def me(request):
    async with pool.acquire() as connection:
        user = await owner(connection, request)
    if user is None:
        return json_response({"error": "not signed in"}, 401)
    return json_response(own_view(user))


async def messages(request):
    thread_id = request.path_params["thread_id"]
    limit = min(200, max(1, int(request.query_params.get("limit", "50"))))
    after = int(request.query_params.get("after", "0"))
    async with pool.acquire() as connection:
        user = await owner(connection, request)
        if user is None:
            return json_response({"error": "not signed in"}, 401)
        access = await standing(connection, THREAD_ACCESS, thread_id, user)
        if access is None:
            return json_response({"error": "No such thread."}, 404)
        page = await message_page(connection, user, access, thread_id, after, limit)
    return json_response(page)  # the bench's thread has no replies (bench/routes.py)


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
