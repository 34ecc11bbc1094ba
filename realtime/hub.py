"""The per-node hub (docs/realtime.md): which socket follows which stream, and fan-out of the
change log's events to them. The other concerns sit beside it: `stream` (a followed stream's
cursor and memory), `replay` (a new subscription's way to live), `revocation` (events that may
end a right to read), `presence` (typing and who is online), `upkeep` (pruning, garbage
collection, loop lag), `auth` (who opens a socket).

A stream is a space's events, or one user's own events (notifications). The hub
keeps, per stream with at least one subscriber on this node, a cursor: the
newest event id it has fetched. A NOTIFY from any node marks the stream dirty;
one fetcher task reads every dirty stream's new rows in one query and hands
each event, encoded once, to the stream's sockets.

A new subscription registers first and holds live events in a buffer while it
replays the table from its `since` (realtime.replay): no gap, no duplicate.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections import defaultdict, deque
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from realtime import log as changelog
from realtime import redaction, replay, upkeep
from realtime.auth import Identity, credential_key, lookup
from realtime.batch import Batcher
from realtime.bus import SIGNALS_CHANNEL, Listener
from realtime.config import RealtimeSettings
from realtime.connection import Connection, Send, Sub
from realtime.log import Event, StreamKey
from realtime.presence import Presence
from realtime.protocol import SERVICE_RESTART, UNAUTHORIZED, dumps
from realtime.revocation import revokes
from realtime.stream import Stream, forget_idle, init_cursor, revalidate
from server.observability.metrics import EVENTS_FANNED_OUT
from server.services.access import read_standings

log = logging.getLogger("citybridge.realtime")


class Hub:
    def __init__(self, dsn: str, sessions: async_sessionmaker[AsyncSession], settings: RealtimeSettings) -> None:
        self.dsn = dsn
        self.sessions = sessions
        self.settings = settings
        self.node = secrets.token_hex(4)
        self.pool: asyncpg.Pool | None = None
        self.conns: set[Connection] = set()
        self.streams: dict[StreamKey, Stream] = {}
        self._dirty: set[StreamKey] = set()
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()
        self._loops: list[asyncio.Task] = []
        self.listener = Listener(dsn, self._on_payload, self._on_connect)
        self.presence = Presence(self)
        self.max_loop_lag = 0.0  # measured by upkeep.monitor_loop
        self.max_gc_pause = 0.0
        self._auth = Batcher(self._lookup_credentials)
        # Access is checked often (at every subscribe, after every event that may revoke it): sockets
        # asking at the same moment share one query.
        self.standings = Batcher(self._lookup_standings)
        # Sign-outs seen (kick_seq counts them), so a socket whose credential was being looked up
        # while its sign-out arrived is closed too.
        self.kick_seq = 0
        self._kicks: deque[tuple[int, int, str | None]] = deque(maxlen=1000)

    # --- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        self.pool = await asyncpg.create_pool(self.dsn, min_size=1, max_size=6)
        loops = [
            self.listener.run(),
            self._fetch_loop(),
            self.presence.run(),
            forget_idle(self),
            upkeep.prune_loop(self),
        ]
        if self.settings.loop_monitor:
            loops.append(upkeep.monitor_loop(self))
        if self.settings.gc_freeze_interval > 0:
            loops.append(upkeep.gc_loop(self))
        self._loops = [asyncio.create_task(work) for work in loops]
        try:
            await asyncio.wait_for(self.listener.connected.wait(), 10)
        except TimeoutError:
            log.warning("realtime listener not connected yet; it keeps trying")

    async def stop(self) -> None:
        for conn in list(self.conns):
            self.close(conn, SERVICE_RESTART, "server restarting: reconnect and resume")
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=3)
        for task in self._loops:
            task.cancel()
        await asyncio.gather(*self._loops, return_exceptions=True)
        if self.pool is not None:
            await self.pool.close()

    def spawn(self, work) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # --- sockets --------------------------------------------------------------------------------

    async def authenticate(self, kind: str, secret: str) -> Identity | None:
        """kind "bearer" (an API token) or "cookie" (a session token)."""
        return await self._auth.get(credential_key(kind, secret))

    async def _lookup_credentials(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Identity]:
        return await lookup(self.pool, keys)

    async def _lookup_standings(self, keys: list[tuple[int, int]]) -> dict:
        return await read_standings(self.pool, keys)

    def connect(self, send: Send, user: Identity, notifications_since: int | None, direct=None) -> Connection:
        conn = Connection(self, send, user.id, user.name, user.credential, direct)
        self.conns.add(conn)
        conn.enqueue(
            dumps(
                {
                    "type": "hello",
                    "user": {"id": user.id, "name": user.name},
                    "node": self.node,
                    "limits": {
                        "max_frame_bytes": self.settings.max_frame_bytes,
                        "frames_per_second": self.settings.rate_per_second,
                        "queue_frames": self.settings.queue_frames,
                    },
                }
            )
        )
        self.subscribe(conn, ("user", user.id), notifications_since)
        return conn

    def close(self, conn: Connection, code: int, reason: str) -> None:
        """Detach the socket at once and close it in the background."""
        if conn.closed:
            return
        self.detach(conn)
        if code:
            self.spawn(self._send_close(conn, code, reason))

    def detach(self, conn: Connection) -> None:
        conn.closed = True
        self.conns.discard(conn)
        for sub in list(conn.subs.values()):
            self.remove(sub)
        if conn.queue:
            conn.queue.clear()
        if conn.writer is not None:
            conn.writer.cancel()

    async def _send_close(self, conn: Connection, code: int, reason: str) -> None:
        try:
            await asyncio.wait_for(conn.send({"type": "websocket.close", "code": code, "reason": reason}), 10)
        except Exception:
            pass

    # --- subscriptions --------------------------------------------------------------------------

    def subscribe(self, conn: Connection, key: StreamKey, since: int | None) -> Sub:
        sub = Sub(conn, key, since)
        conn.subs[key] = sub
        stream = self.streams.get(key)
        if stream is None:
            stream = self.streams[key] = Stream(key)
            self.spawn(init_cursor(self, stream))
        elif stream.idle_since is not None and stream.ready.is_set():
            # A stream followed again after a pause: check that the log did not start over meanwhile.
            stream.ready.clear()
            self.spawn(revalidate(self, stream))
        stream.subs[conn] = sub
        stream.idle_since = None
        if since is None and stream.ready.is_set():
            sub.pos = stream.cursor
        self.start_sync(sub)
        return sub

    def unsubscribe(self, conn: Connection, space_id: int, stream: str = "space") -> bool:
        sub = conn.subs.get((stream, space_id))
        if sub is None:
            return False
        self.remove(sub)
        return True

    def remove(self, sub: Sub) -> None:
        if not sub.active:
            return
        sub.active = False
        conn, key = sub.conn, sub.key
        conn.subs.pop(key, None)
        stream = self.streams.get(key)
        if stream is not None:
            stream.subs.pop(conn, None)
            if not stream.subs:
                # Kept (and kept up to date) for a while: its subscribers may be back in a moment,
                # e.g. after a deploy or a network drop, and resume from memory.
                stream.idle_since = time.monotonic()
        if sub.present and key[0] == "space":
            self.presence.leave(key[1], conn.user_id)

    def start_sync(self, sub: Sub) -> None:
        if not sub.syncing:
            sub.syncing = True
            self.spawn(replay.sync(self, sub))

    # --- delivery -------------------------------------------------------------------------------

    def _on_payload(self, channel: str, payload: str) -> None:
        note = json.loads(payload)
        if channel == SIGNALS_CHANNEL:
            if note["k"] == "kick":
                self._kick(note["user_id"], note.get("credential"), note.get("reason") or "signed_out")
            else:
                self.presence.on_signal(note)
            return
        space_id, conversation_id = note.get("space_id"), note.get("conversation_id")
        if conversation_id is not None:
            key: StreamKey = ("conversation", conversation_id)
        else:
            key = ("space", space_id) if space_id is not None else ("user", note.get("user_id"))
        stream = self.streams.get(key)
        if stream is not None and (stream.cursor is None or note.get("id", 0) > stream.cursor):
            self.mark(key)

    def _on_connect(self) -> None:
        """After a (re)connection, NOTIFYs sent meanwhile are gone: fetch every stream."""
        for key in self.streams:
            self.mark(key)

    def mark(self, key: StreamKey) -> None:
        self._dirty.add(key)
        self._wake.set()

    async def _fetch_loop(self) -> None:
        limit = self.settings.replay_page
        while True:
            await self._wake.wait()
            self._wake.clear()
            dirty, self._dirty = self._dirty, set()
            batch = {
                key: stream
                for key in dirty
                if (stream := self.streams.get(key)) is not None and stream.cursor is not None
            }
            if not batch:
                continue
            try:
                events = await changelog.fetch(self.pool, {k: s.cursor for k, s in batch.items()}, limit)
            except Exception as failure:
                log.warning("realtime: fetching events failed, retrying: %s", failure)
                self._dirty |= batch.keys()
                await asyncio.sleep(0.5)
                self._wake.set()
                continue
            grouped: dict[StreamKey, list[Event]] = defaultdict(list)
            for event in events:
                grouped[event.key].append(event)
            for key, stream_events in grouped.items():
                stream = batch[key]
                if self.streams.get(key) is not stream:
                    continue
                stream.cursor = stream_events[-1].id
                stream.remember(stream_events, self.settings.recent_events)
                redaction.apply(stream.recent, stream_events)
                if len(stream_events) >= limit:
                    self.mark(key)
                if stream.subs:
                    await self._dispatch(stream, stream_events)

    async def _dispatch(self, stream: Stream, events: list[Event]) -> None:
        """Hand events to every subscriber, yielding to the loop between slices of sockets."""
        subs = list(stream.subs.values())
        step = self.settings.fanout_slice
        sent = 0
        for start in range(0, len(subs), step):
            for sub in subs[start : start + step]:
                for event in events:
                    sent += self._offer(sub, event)
            if start + step < len(subs):
                await asyncio.sleep(0)
        EVENTS_FANNED_OUT.inc(sent)

    def _offer(self, sub: Sub, event: Event) -> bool:
        """Send (or buffer) one event to one subscriber; True if it went to the socket now."""
        if not sub.active:
            return False
        if not sub.live:
            if sub.buffer is not None:
                if len(sub.buffer) >= self.settings.buffer_limit:
                    sub.buffer = None
                else:
                    sub.buffer.append(event)
            return False
        if event.id <= sub.pos:
            return False
        sub.pos = event.id
        sub.conn.enqueue(event.frame, event.wire)
        if event.data is not None and revokes(sub, event):
            sub.live, sub.buffer, sub.recheck = False, [], True
            self.start_sync(sub)
        return True

    # --- sign-out ------------------------------------------------------------------------------

    def _kick(self, user_id: int, credential: str | None, reason: str) -> None:
        """Close the user's sockets opened with that credential (all of them when None): 4401."""
        self.kick_seq += 1
        self._kicks.append((self.kick_seq, user_id, credential))
        for conn in [c for c in self.conns if c.user_id == user_id]:
            if credential is None or conn.credential == credential:
                self.close(conn, UNAUTHORIZED, reason)

    def check_kicked(self, conn: Connection, since_seq: int) -> None:
        """Close a socket whose sign-out arrived after since_seq (while it was authenticating)."""
        if self.kick_seq == since_seq:
            return
        for seq, user_id, credential in reversed(self._kicks):
            if seq <= since_seq:
                break
            if user_id == conn.user_id and (credential is None or credential == conn.credential):
                self.close(conn, UNAUTHORIZED, "signed_out")
                return

    def stats(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "sockets": len(self.conns),
            "streams": len(self.streams),
            "max_loop_lag_ms": round(self.max_loop_lag * 1000, 2),
        }
