"""Typing and presence (docs/realtime.md, "Typing and presence"): signals between nodes on
`citybridge_signals`, never written to the change log.

A user is online in a space while they have a subscribed socket on any node. Nodes announce joins
and leaves at once and re-announce everyone every presence_interval; an announcement not renewed
within presence_ttl expires, so the users of a node that died go offline on their own."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import defaultdict
from typing import TYPE_CHECKING

from realtime import log as changelog
from realtime.bus import SIGNALS_CHANNEL
from realtime.protocol import dumps, error, wire

if TYPE_CHECKING:
    from realtime.connection import Connection, Sub
    from realtime.hub import Hub

log = logging.getLogger("citybridge.realtime")


class Presence:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.settings = hub.settings
        # Users with a live subscription here (space -> user -> sockets), and what every node
        # announced (space -> user -> node -> expiry).
        self._present: dict[int, dict[int, int]] = defaultdict(dict)
        self._seen: dict[int, dict[int, dict[str, float]]] = defaultdict(dict)
        self._names: dict[int, str] = {}
        self._thread_spaces: dict[int, int] = {}

    # --- typing ---------------------------------------------------------------------------------

    async def typing(self, conn: Connection, thread_id: int) -> None:
        if not conn.typing_allowed(thread_id):
            return
        space_id = self._thread_spaces.get(thread_id)
        if space_id is None:
            space_id = await changelog.thread_space(self.hub.pool, thread_id)
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
        note["node"] = self.hub.node
        try:
            await self.hub.pool.execute("SELECT pg_notify($1, $2)", SIGNALS_CHANNEL, json.dumps(note))
        except Exception as failure:
            log.warning("realtime: cannot send a signal: %s", failure)

    def is_online(self, space_id: int, user_id: int) -> bool:
        """Whether the user has a live subscription to the space on any node (mail skips them)."""
        return bool(self._seen.get(space_id, {}).get(user_id)) or bool(self._present.get(space_id, {}).get(user_id))

    # --- this node's users ------------------------------------------------------------------------

    def join(self, space_id: int, conn: Connection) -> None:
        users = self._present[space_id]
        users[conn.user_id] = users.get(conn.user_id, 0) + 1
        if users[conn.user_id] == 1:
            self.hub.spawn(
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

    def leave(self, space_id: int, user_id: int) -> None:
        users = self._present.get(space_id)
        if not users or user_id not in users:
            return
        users[user_id] -= 1
        if users[user_id] <= 0:
            del users[user_id]
            if not users:
                del self._present[space_id]
            self.hub.spawn(self._signal({"k": "presence", "space_id": space_id, "on": [], "off": [user_id]}))

    # --- what the nodes announce ------------------------------------------------------------------

    def on_signal(self, note: dict) -> None:
        """A typing or presence signal from any node (this one included)."""
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
                self._change(space_id, user_id, "online")
            nodes[node] = expires
        for user_id in note["off"]:
            nodes = seen.get(user_id)
            if nodes and nodes.pop(node, None) is not None and not nodes:
                del seen[user_id]
                self._change(space_id, user_id, "offline")
        if not seen:
            del self._seen[space_id]

    def _change(self, space_id: int, user_id: int, status: str) -> None:
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
        stream = self.hub.streams.get(("space", space_id))
        if stream is None or not stream.subs:
            return
        subs = list(stream.subs.items())
        raw = wire(frame)
        if len(subs) <= self.settings.fanout_slice:
            for conn, sub in subs:
                if sub.live and conn.user_id != skip_user:
                    conn.enqueue(frame, raw)
        else:
            self.hub.spawn(self._broadcast_slices(subs, frame, raw, skip_user))

    async def _broadcast_slices(
        self, subs: list[tuple[Connection, Sub]], frame: str, raw: bytes, skip_user: int | None
    ) -> None:
        step = self.settings.fanout_slice
        for start in range(0, len(subs), step):
            if start:
                await asyncio.sleep(0)
            for conn, sub in subs[start : start + step]:
                if sub.live and sub.active and conn.user_id != skip_user:
                    conn.enqueue(frame, raw)

    # --- the loop -----------------------------------------------------------------------------------

    async def run(self) -> None:
        """Re-announce who is here, and forget announcements that were not renewed:
        a node that dies takes its users offline within presence_ttl."""
        interval = self.settings.presence_interval
        next_announce = time.monotonic() + interval
        while True:
            await asyncio.sleep(min(1.0, interval / 3))
            now = time.monotonic()
            self._expire(now)
            if now >= next_announce:
                next_announce = now + interval
                await self._announce()

    def _expire(self, now: float) -> None:
        for space_id in list(self._seen):
            seen = self._seen[space_id]
            for user_id in list(seen):
                nodes = seen[user_id]
                for node in [n for n, at in nodes.items() if at < now]:
                    del nodes[node]
                if not nodes:
                    del seen[user_id]
                    self._change(space_id, user_id, "offline")
            if not seen:
                del self._seen[space_id]

    async def _announce(self) -> None:
        for space_id, users in list(self._present.items()):
            people = [[uid, self._names.get(uid, "")] for uid in users]
            for start in range(0, len(people), 100):
                await self._signal(
                    {"k": "presence", "space_id": space_id, "on": people[start : start + 100], "off": []}
                )
