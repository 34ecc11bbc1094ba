"""The per-node hub: which socket follows which stream, and delivery from the change log.

A stream is a space's events, or one user's own events (notifications). The hub
keeps, per stream with at least one subscriber on this node, a cursor: the
newest event id it has fetched. A NOTIFY from any node marks the stream dirty;
one fetcher task reads every dirty stream's new rows in one query and hands
each event, encoded once, to the stream's sockets.

A new subscription registers first and holds live events in a buffer while it
replays the table from its `since`; then it flushes the buffer (skipping ids it
already sent) and turns live. Because registration happens before the replay's
query, an event is either in that query's result or dispatched after
registration: no gap, and the position filter leaves no duplicate.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import secrets
import time
from collections import defaultdict, deque
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from realtime import log as changelog
from realtime import redaction, retention
from realtime.auth import Identity, credential_key, lookup
from realtime.batch import Batcher
from realtime.bus import SIGNALS_CHANNEL, Listener
from realtime.config import RealtimeSettings
from realtime.connection import Connection, Send, Sub
from realtime.log import Event, StreamKey
from realtime.protocol import SERVICE_RESTART, UNAUTHORIZED, dumps, error, wire
from server import events
from server.observability.metrics import EVENTS_FANNED_OUT
from server.services.access import can_read

log = logging.getLogger("citybridge.realtime")

# What can_read needs to know, for many (user, space) pairs in one round trip (a socket's access is
# checked often: at every subscribe and after every event that may revoke it).
_STANDING = """
SELECT c.user_id, c.space_id, u.is_admin, u.deactivated_at IS NOT NULL AS deactivated, s.visibility, m.state
FROM unnest($1::int[], $2::int[]) AS c(user_id, space_id)
JOIN users u ON u.id = c.user_id
LEFT JOIN spaces s ON s.id = c.space_id
LEFT JOIN memberships m ON m.space_id = c.space_id AND m.user_id = c.user_id
"""
_PRUNE_LOCK = (4, 0)  # advisory lock classes: 1 spaces, 2 users (changelog), 3 search


class Stream:
    """One stream followed on this node. `recent` keeps its latest events in memory: every event of
    the stream with an id in (floor, cursor], so a resume from there needs no query."""

    __slots__ = ("key", "cursor", "subs", "ready", "recent", "floor", "idle_since", "epoch")

    def __init__(self, key: StreamKey) -> None:
        self.key = key
        self.cursor: int | None = None
        self.subs: dict[Connection, Sub] = {}
        self.ready = asyncio.Event()
        self.recent: list[Event] = []
        self.floor: int | None = None
        self.idle_since: float | None = None  # no subscriber since then: dropped after a while
        self.epoch: int | None = None  # the events table's file node when the cursor was read

    def remember(self, events: list[Event], keep: int) -> None:
        self.recent.extend(events)
        if len(self.recent) > keep + keep // 4:
            cut = len(self.recent) - keep
            self.floor = self.recent[cut - 1].id
            del self.recent[:cut]

    def since(self, pos: int) -> list[Event] | None:
        """The events after pos, if memory holds all of them."""
        if self.floor is None or self.cursor is None or not self.floor <= pos <= self.cursor:
            return None
        recent = self.recent
        if not recent or recent[-1].id <= pos:
            return []
        low, high = 0, len(recent)
        while low < high:
            middle = (low + high) // 2
            if recent[middle].id <= pos:
                low = middle + 1
            else:
                high = middle
        return recent[low:]


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
        # Presence: users with a live subscription here (space -> user -> sockets), and
        # what every node announced (space -> user -> node -> expiry).
        self._present: dict[int, dict[int, int]] = defaultdict(dict)
        self._seen: dict[int, dict[int, dict[str, float]]] = defaultdict(dict)
        self._names: dict[int, str] = {}
        self._thread_spaces: dict[int, int] = {}
        self.max_loop_lag = 0.0
        self.max_gc_pause = 0.0
        self._auth = Batcher(self._lookup_credentials)
        self._standing = Batcher(self._lookup_standing)
        # Sign-outs seen (kick_seq counts them), so a socket whose credential was being looked up
        # while its sign-out arrived is closed too.
        self.kick_seq = 0
        self._kicks: deque[tuple[int, int, str | None]] = deque(maxlen=1000)

    # --- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        self.pool = await asyncpg.create_pool(self.dsn, min_size=1, max_size=6)
        for work in (self.listener.run(), self._fetch_loop(), self._presence_loop(), self._prune_loop()):
            self._loops.append(asyncio.create_task(work))
        if self.settings.loop_monitor:
            self._loops.append(asyncio.create_task(self._monitor_loop()))
        if self.settings.gc_freeze_interval > 0:
            self._loops.append(asyncio.create_task(self._gc_loop()))
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

    def _spawn(self, work) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # --- sockets --------------------------------------------------------------------------------

    async def authenticate(self, kind: str, secret: str) -> Identity | None:
        """kind "bearer" (an API token) or "cookie" (a session token)."""
        return await self._auth.get(credential_key(kind, secret))

    async def _lookup_credentials(self, keys):
        return await lookup(self.pool, keys)

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
            self._spawn(self._send_close(conn, code, reason))

    def detach(self, conn: Connection) -> None:
        conn.closed = True
        self.conns.discard(conn)
        for sub in list(conn.subs.values()):
            self._remove(sub)
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
            self._spawn(self._init_cursor(stream))
        elif stream.idle_since is not None and stream.ready.is_set():
            # A stream followed again after a pause: check that the log did not start over meanwhile.
            stream.ready.clear()
            self._spawn(self._revalidate(stream))
        stream.subs[conn] = sub
        stream.idle_since = None
        if since is None and stream.ready.is_set():
            sub.pos = stream.cursor
        self._start_sync(sub)
        return sub

    def unsubscribe(self, conn: Connection, space_id: int) -> bool:
        sub = conn.subs.get(("space", space_id))
        if sub is None:
            return False
        self._remove(sub)
        return True

    def _remove(self, sub: Sub) -> None:
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
        if sub.present:
            self._leave(key[1], conn.user_id)

    async def _latest_and_epoch(self, stream: Stream) -> tuple[int, int] | None:
        """The stream's newest id and the log's epoch, retrying while the database is away;
        None once the stream is no longer followed."""
        while self.streams.get(stream.key) is stream:
            try:
                return await changelog.latest_and_epoch(self.pool, stream.key)
            except Exception as failure:
                log.warning("realtime: cannot read the change log: %s", failure)
                await asyncio.sleep(1)
        return None

    async def _init_cursor(self, stream: Stream) -> None:
        found = await self._latest_and_epoch(stream)
        if found is None:
            return
        latest, stream.epoch = found
        stream.cursor = stream.floor = latest
        stream.ready.set()
        self._mark(stream.key)

    async def _revalidate(self, stream: Stream) -> None:
        """Ids only grow, unless the database was emptied or restored behind our back (tests
        truncate between cases): then start the stream afresh from the log's newest event."""
        try:
            found = await self._latest_and_epoch(stream)
            if found is None:
                return
            latest, epoch = found
            if epoch != stream.epoch or (stream.cursor is not None and latest < stream.cursor):
                fresh = Stream(stream.key)
                fresh.subs = stream.subs
                fresh.cursor = fresh.floor = latest
                fresh.epoch = epoch
                fresh.ready.set()
                self.streams[stream.key] = fresh
                self._mark(stream.key)
        finally:
            stream.ready.set()

    def _start_sync(self, sub: Sub) -> None:
        if not sub.syncing:
            sub.syncing = True
            self._spawn(self._sync(sub))

    async def _lookup_standing(self, keys: list[tuple[int, int]]) -> dict:
        rows = await self.pool.fetch(_STANDING, [u for u, _ in keys], [s for _, s in keys])
        return {(row["user_id"], row["space_id"]): row for row in rows}

    async def _readable(self, user_id: int, space_id: int) -> tuple[bool, bool]:
        """(may read, by membership or as admin): server.services.access.can_read on one row."""
        row = await self._standing.get((user_id, space_id))
        if row is None or row["deactivated"] or row["visibility"] is None:
            return False, False
        user = SimpleNamespace(is_admin=row["is_admin"])
        membership = SimpleNamespace(state=row["state"]) if row["state"] is not None else None
        readable = can_read(user, SimpleNamespace(visibility=row["visibility"]), membership)
        return readable, readable and (row["is_admin"] or row["state"] == "active")

    async def _sync(self, sub: Sub) -> None:
        try:
            while sub.active:
                try:
                    if await self._sync_once(sub):
                        return
                except Exception as failure:
                    if not sub.active:
                        return
                    log.warning("realtime: subscription sync failed, retrying: %s", failure)
                    sub.buffer = []
                    await asyncio.sleep(1)
        finally:
            sub.syncing = False

    async def _sync_once(self, sub: Sub) -> bool:
        """Check access, replay, flush the buffer and go live. False means: go round again."""
        conn, key = sub.conn, sub.key
        sub.recheck = False
        if key[0] == "space":
            readable, via_membership = await self._readable(conn.user_id, key[1])
            if not sub.active:
                return True
            if not readable:
                self._remove(sub)
                if sub.present:
                    conn.enqueue(dumps({"type": "unsubscribed", "space_id": key[1], "reason": "access_revoked"}))
                else:
                    conn.enqueue(error("not_found", "No such space.", space_id=key[1]))
                return True
            sub.via_membership = via_membership
        stream = self.streams[key]
        await stream.ready.wait()
        stream = self.streams.get(key)
        if not sub.active or stream is None:
            return True
        if not stream.ready.is_set():  # replaced and being checked again
            return False
        if sub.pos is None:
            sub.pos = stream.cursor
        # Replay no faster than the socket drains: a page only goes out when the queue has room for it.
        page = max(1, min(self.settings.replay_page, self.settings.queue_frames // 2))
        while True:
            rows = stream.since(sub.pos)
            if rows is not None and len(rows) < conn.room():
                # Everything after pos is in memory: no query, no horizon to check (nothing is missing).
                sub.resume = False
                for event in rows:
                    sub.pos = event.id
                    conn.enqueue(event.frame, event.wire)
                    if event.data is not None and self._revokes(sub, event):
                        sub.recheck = True
                        break
                break
            while conn.room() < page and sub.active:  # noqa: ASYNC110 - the socket drains on its own; no event to wait on
                await asyncio.sleep(0.02)
            rows = await changelog.page(self.pool, key, sub.pos, page)
            if sub.resume:
                # Read the horizon after the page: pruning commits the horizon and the delete
                # together, so a page that missed pruned rows is always caught here.
                sub.resume = False
                pruned, newest = await changelog.horizon(self.pool)
                if sub.pos < pruned or sub.pos > newest:
                    reason = "resume_gap" if sub.pos < pruned else "unknown_position"
                    sub.pos = await changelog.latest(self.pool, key)
                    rows = [event for event in rows if event.id > sub.pos]
                    conn.enqueue(
                        dumps(
                            {
                                "type": "reset",
                                **_stream_field(key),
                                "reason": reason,
                                "last_id": sub.pos,
                                "message": "Events after your position are no "
                                "longer kept: refetch, then continue after last_id.",
                            }
                        )
                    )
            if not sub.active:
                return True
            for event in rows:
                sub.pos = event.id
                conn.enqueue(event.frame, event.wire)
                if event.data is not None and self._revokes(sub, event):
                    sub.recheck = True
                    break
            if sub.recheck or len(rows) < page:
                break
        if sub.recheck or sub.buffer is None:
            sub.buffer = []
            return False
        for event in sub.buffer:
            if event.id > sub.pos:
                sub.pos = event.id
                conn.enqueue(event.frame, event.wire)
                if event.data is not None and self._revokes(sub, event):
                    sub.recheck = True
                    break
        sub.buffer = []
        if sub.recheck:
            return False
        if not sub.active:
            return True
        sub.live, sub.buffer = True, None
        if not sub.present:
            sub.present = True
            conn.enqueue(dumps({"type": "subscribed", **_stream_field(key), "last_id": sub.pos}))
            if key[0] == "space":
                self._join(key[1], conn)
        return True

    def _revokes(self, sub: Sub, event: Event) -> bool:
        """Whether this event may end the subscriber's right to read the space."""
        if sub.key[0] != "space":
            return False
        payload = event.data
        if isinstance(payload, events.MemberPayload | events.MemberRemoved | events.MemberRefused):
            # removed, suspended, refused, updated to a non-active state...: check again. (A change
            # that leaves the user an active member cannot take the right away.)
            state = payload.state if isinstance(payload, events.MemberPayload) else None
            return payload.user["id"] == sub.conn.user_id and state != "active"
        if isinstance(payload, events.SpaceUpdated):
            return payload.visibility != "network" and not sub.via_membership
        return False

    # --- delivery -------------------------------------------------------------------------------

    def _on_payload(self, channel: str, payload: str) -> None:
        note = json.loads(payload)
        if channel == SIGNALS_CHANNEL:
            self._on_signal(note)
            return
        space_id = note.get("space_id")
        key: StreamKey = ("space", space_id) if space_id is not None else ("user", note.get("user_id"))
        stream = self.streams.get(key)
        if stream is not None and (stream.cursor is None or note.get("id", 0) > stream.cursor):
            self._mark(key)

    def _on_connect(self) -> None:
        """After a (re)connection, NOTIFYs sent meanwhile are gone: fetch every stream."""
        for key in self.streams:
            self._mark(key)

    def _mark(self, key: StreamKey) -> None:
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
                    self._mark(key)
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
        if event.data is not None and self._revokes(sub, event):
            sub.live, sub.buffer, sub.recheck = False, [], True
            self._start_sync(sub)
        return True

    # --- typing and presence --------------------------------------------------------------------

    async def typing(self, conn: Connection, thread_id: int) -> None:
        if not conn.typing_allowed(thread_id):
            return
        space_id = self._thread_spaces.get(thread_id)
        if space_id is None:
            space_id = await changelog.thread_space(self.pool, thread_id)
            if space_id is not None:
                if len(self._thread_spaces) > 50_000:
                    self._thread_spaces.clear()
                self._thread_spaces[thread_id] = space_id
        sub = conn.subs.get(("space", space_id)) if space_id is not None else None
        if sub is None or not sub.live:
            conn.enqueue(error("not_found", "Subscribe to the thread's space first.", thread_id=thread_id))
            return
        await self._signal(
            {"k": "typing", "space_id": space_id, "thread_id": thread_id, "user": [conn.user_id, conn.user_name]}
        )

    async def _signal(self, note: dict) -> None:
        note["node"] = self.node
        try:
            await self.pool.execute("SELECT pg_notify($1, $2)", SIGNALS_CHANNEL, json.dumps(note))
        except Exception as failure:
            log.warning("realtime: cannot send a signal: %s", failure)

    def _join(self, space_id: int, conn: Connection) -> None:
        users = self._present[space_id]
        users[conn.user_id] = users.get(conn.user_id, 0) + 1
        if users[conn.user_id] == 1:
            self._spawn(
                self._signal({"k": "presence", "space_id": space_id, "on": [[conn.user_id, conn.user_name]], "off": []})
            )
        self._names[conn.user_id] = conn.user_name
        online = {uid: self._names.get(uid, "") for uid in self._seen.get(space_id, {})}
        online.update({uid: self._names.get(uid, "") for uid in users})
        conn.enqueue(
            dumps(
                {
                    "type": "presence",
                    "space_id": space_id,
                    "users": [{"id": uid, "name": name} for uid, name in sorted(online.items())],
                }
            )
        )

    def _leave(self, space_id: int, user_id: int) -> None:
        users = self._present.get(space_id)
        if not users or user_id not in users:
            return
        users[user_id] -= 1
        if users[user_id] <= 0:
            del users[user_id]
            if not users:
                del self._present[space_id]
            self._spawn(self._signal({"k": "presence", "space_id": space_id, "on": [], "off": [user_id]}))

    def _on_signal(self, note: dict) -> None:
        if note["k"] == "kick":
            self._kick(note["user_id"], note.get("credential"), note.get("reason") or "signed_out")
            return
        space_id = note["space_id"]
        if note["k"] == "typing":
            user_id, name = note["user"]
            frame = dumps(
                {
                    "type": "typing",
                    "space_id": space_id,
                    "thread_id": note["thread_id"],
                    "user": {"id": user_id, "name": name},
                    "expires_in": self.settings.typing_ttl,
                }
            )
            self._broadcast(space_id, frame, skip_user=user_id)
            return
        node, expires = note["node"], time.monotonic() + self.settings.presence_ttl
        seen = self._seen[space_id]
        for user_id, name in note["on"]:
            self._names[user_id] = name
            nodes = seen.setdefault(user_id, {})
            if not nodes:
                self._presence_change(space_id, user_id, "online")
            nodes[node] = expires
        for user_id in note["off"]:
            nodes = seen.get(user_id)
            if nodes and nodes.pop(node, None) is not None and not nodes:
                del seen[user_id]
                self._presence_change(space_id, user_id, "offline")
        if not seen:
            del self._seen[space_id]

    def _presence_change(self, space_id: int, user_id: int, status: str) -> None:
        self._broadcast(
            space_id,
            dumps(
                {
                    "type": "presence",
                    "space_id": space_id,
                    "status": status,
                    "user": {"id": user_id, "name": self._names.get(user_id, "")},
                }
            ),
        )

    def _broadcast(self, space_id: int, frame: str, skip_user: int | None = None) -> None:
        stream = self.streams.get(("space", space_id))
        if stream is None or not stream.subs:
            return
        subs = list(stream.subs.items())
        raw = wire(frame)
        if len(subs) <= self.settings.fanout_slice:
            for conn, sub in subs:
                if sub.live and conn.user_id != skip_user:
                    conn.enqueue(frame, raw)
        else:
            self._spawn(self._broadcast_slices(subs, frame, raw, skip_user))

    async def _broadcast_slices(self, subs, frame: str, raw: bytes, skip_user: int | None) -> None:
        step = self.settings.fanout_slice
        for start in range(0, len(subs), step):
            if start:
                await asyncio.sleep(0)
            for conn, sub in subs[start : start + step]:
                if sub.live and sub.active and conn.user_id != skip_user:
                    conn.enqueue(frame, raw)

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

    # --- retention ------------------------------------------------------------------------------

    async def _prune_loop(self) -> None:
        """Prune the change log every prune_interval seconds, on one node at a time."""
        interval = self.settings.prune_interval
        if interval <= 0:
            return
        await asyncio.sleep(min(interval, 60) * (0.5 + random.random()))
        while True:
            try:
                pruned = await retention.prune_once(
                    self.pool, _PRUNE_LOCK, older_than=timedelta(days=self.settings.retention_days)
                )
                if pruned:
                    log.info("realtime: pruned %d change-log events", pruned)
            except Exception as failure:
                log.warning("realtime: pruning the change log failed: %s", failure)
            await asyncio.sleep(interval * (0.9 + 0.2 * random.random()))

    async def _presence_loop(self) -> None:
        """Re-announce who is here, and forget announcements that were not renewed:
        a node that dies takes its users offline within presence_ttl."""
        interval = self.settings.presence_interval
        next_announce = time.monotonic() + interval
        while True:
            await asyncio.sleep(min(1.0, interval / 3))
            now = time.monotonic()
            for key in [
                k
                for k, s in self.streams.items()
                if s.idle_since is not None and now - s.idle_since > self.settings.stream_linger
            ]:
                del self.streams[key]
            for space_id in list(self._seen):
                seen = self._seen[space_id]
                for user_id in list(seen):
                    nodes = seen[user_id]
                    for node in [n for n, at in nodes.items() if at < now]:
                        del nodes[node]
                    if not nodes:
                        del seen[user_id]
                        self._presence_change(space_id, user_id, "offline")
                if not seen:
                    del self._seen[space_id]
            if now >= next_announce:
                next_announce = now + interval
                for space_id, users in list(self._present.items()):
                    people = [[uid, self._names.get(uid, "")] for uid in users]
                    for start in range(0, len(people), 100):
                        await self._signal(
                            {"k": "presence", "space_id": space_id, "on": people[start : start + 100], "off": []}
                        )

    async def _gc_loop(self) -> None:
        """Keep CPython's full garbage collections short. Each socket holds some 190 tracked objects
        (uvicorn, websockets, asyncio); a full collection walks all of them, which at 15,000 sockets
        blocks the loop for a second, and CPython runs one whenever the heap grew by a quarter.
        So every gc_freeze_interval seconds the survivors move to the permanent generation, which
        collections skip; every gc_full_interval seconds they move back and one full collection
        frees the cycles closed sockets left among them (one long pause then, instead of many)."""
        import gc

        last_full = time.monotonic()
        while True:
            await asyncio.sleep(self.settings.gc_freeze_interval)
            if time.monotonic() - last_full >= self.settings.gc_full_interval:
                last_full = time.monotonic()
                gc.unfreeze()
                gc.collect()
            else:
                gc.collect(1)  # the young generations: cheap, and their garbage is not frozen
            gc.freeze()

    async def _monitor_loop(self) -> None:
        """With CITYBRIDGE_LOOP_MONITOR=1: how late a 5 ms timer fires is how long the loop was blocked
        (the report names the longest garbage-collector pause too, a usual suspect)."""
        import gc

        started: list[float] = []

        def timing(phase: str, info: dict) -> None:
            if phase == "start":
                started[:] = [time.perf_counter()]
            elif started:
                self.max_gc_pause = max(self.max_gc_pause, time.perf_counter() - started[0])

        self.max_gc_pause = 0.0
        gc.callbacks.append(timing)
        last_report = time.monotonic()
        try:
            while True:
                before = time.monotonic()
                await asyncio.sleep(0.005)
                lag = time.monotonic() - before - 0.005
                self.max_loop_lag = max(self.max_loop_lag, lag)
                if time.monotonic() - last_report > 10:
                    last_report = time.monotonic()
                    log.info(
                        "realtime: sockets=%d max event-loop lag %.1f ms (longest gc pause %.1f ms)",
                        len(self.conns),
                        self.max_loop_lag * 1000,
                        self.max_gc_pause * 1000,
                    )
        finally:
            gc.callbacks.remove(timing)

    def stats(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "sockets": len(self.conns),
            "streams": len(self.streams),
            "max_loop_lag_ms": round(self.max_loop_lag * 1000, 2),
        }


def _stream_field(key: StreamKey) -> dict:
    return {"space_id": key[1]} if key[0] == "space" else {"notifications": True}
