"""Live delivery over websockets: the /ws endpoint, the per-node hub, the PostgreSQL bus."""

from __future__ import annotations

import contextlib

from starlette.routing import WebSocketRoute


def route() -> WebSocketRoute:
    from realtime.endpoint import RealtimeEndpoint

    return WebSocketRoute("/ws", RealtimeEndpoint(), name="realtime")


@contextlib.asynccontextmanager
async def running(app, database_url: str):
    """Run this node's hub for the app's lifetime (call inside the app's lifespan)."""
    from realtime.config import load_realtime_settings
    from realtime.hub import Hub
    from server.db.engine import asyncpg_dsn

    hub = Hub(asyncpg_dsn(database_url), app.state.sessions, load_realtime_settings())
    await hub.start()
    app.state.realtime = hub
    try:
        yield hub
    finally:
        await hub.stop()
