"""bench/load_bare.py's websocket: the trivial fan-out the load mix's listeners hold. The bearer token
is checked at the handshake; {"type":"subscribe","space_id":n} frames are honoured without an access
check; one LISTEN connection on citybridge_events reads each notified event once (SELECT by id) and
sends it as {"type":"event",...} to that space's sockets."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import defaultdict

import asyncpg
from starlette.websockets import WebSocket, WebSocketDisconnect

from bench.bare_reads import owner

NOTIFY_CHANNEL = "citybridge_events"  # realtime/bus.py EVENTS_CHANNEL
EVENT = "SELECT id, space_id, kind, data::text AS data FROM events WHERE id = $1"

audiences: dict[int, set[WebSocket]] = defaultdict(set)
_pool: asyncpg.Pool | None = None


async def listen(dsn: str, pool: asyncpg.Pool) -> asyncpg.Connection:
    """Start delivering events to the sockets; close the connection it returns to stop."""
    global _pool
    _pool = pool
    listener = await asyncpg.connect(dsn)
    await listener.add_listener(NOTIFY_CHANNEL, _notified)
    return listener


async def socket(websocket: WebSocket) -> None:
    async with _pool.acquire() as db:
        user = await owner(db, websocket)
    if user is None:
        await websocket.close(4401)
        return
    await websocket.accept()
    joined: set[int] = set()
    try:
        while True:
            frame = json.loads(await websocket.receive_text())
            if frame.get("type") == "subscribe" and isinstance(frame.get("space_id"), int):
                audiences[frame["space_id"]].add(websocket)
                joined.add(frame["space_id"])
                await websocket.send_text(json.dumps({"type": "subscribed", "space_id": frame["space_id"]}))
    except (WebSocketDisconnect, ValueError):
        pass
    finally:
        for space_id in joined:
            audiences[space_id].discard(websocket)


async def _deliver(event_id: int) -> None:
    row = await _pool.fetchrow(EVENT, event_id)
    if row is None or row["space_id"] is None:
        return
    text = '{"type":"event","id":%d,"space_id":%d,"kind":%s,"data":%s}' % (
        row["id"],
        row["space_id"],
        json.dumps(row["kind"]),
        row["data"],
    )
    for websocket in list(audiences.get(row["space_id"], ())):
        with contextlib.suppress(Exception):  # a socket closing meanwhile
            await websocket.send_text(text)


def _notified(connection, pid, channel, payload) -> None:
    asyncio.get_running_loop().create_task(_deliver(json.loads(payload)["id"]))
