"""The demo's conversations spread over weeks instead of all at the load's instant.

The services take no time argument (a real write happens now), and the demo loads in one
transaction, so every row it writes carries the same `now()`. Inside that transaction, after
each part is written, the rows get the times of a plausible history, and so do the timestamps
inside the change-log events recorded for them (what live clients, the search indexer and the
export read), so that tables and events agree. The events' own `created_at` stays the load time:
that is when they were recorded, and what the retention of the change log counts from.
Read positions and unread counts are by message id, which this leaves untouched.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from server.db.models import City, Event, Membership, Message, Reaction, Resource, Space, Thread, User

SPAN = timedelta(days=42)  # the conversations run over the six weeks before the load
SETUP = timedelta(days=3)  # the network (cities, people, spaces) exists a little before that


def _spread(key: str, low: float, high: float) -> float:
    """A stable pseudo-random number in [low, high) for `key`: the same demo every time."""
    fraction = int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") / 2**32
    return low + (high - low) * fraction


class Timeline:
    def __init__(self, db: AsyncSession, now: datetime, mark: int) -> None:
        self.db, self.now, self.mark = db, now, mark
        self.old = now.isoformat()  # how views render the transaction's now()
        self.start = now - SPAN

    @classmethod
    async def begin(cls, db: AsyncSession) -> Timeline:
        """Within the load's transaction; its events have provisional ids (changelog.record), negative
        and falling in the order they were written: the mark is the last one rewritten."""
        now = await db.scalar(select(func.now()))
        return cls(db, now, 0)

    def thread_times(self, index: int, count: int, key: str, messages: int) -> list[datetime]:
        """A thread's message times: threads start spread over the span, replies hours to a day
        or two apart, and nothing later than an hour before the load."""
        begins = (
            self.start + (SPAN - timedelta(days=4)) * (index / max(1, count)) + timedelta(hours=_spread(key, 8, 30))
        )
        times = [begins]
        for n in range(1, messages):
            times.append(times[-1] + timedelta(hours=_spread(f"{key}:{n}", 1.5, 40)))
        latest = self.now - timedelta(hours=1)
        return [min(t, latest - timedelta(minutes=5 * (messages - i))) for i, t in enumerate(times)]

    async def settle_setup(self, people: list[int], cities: list[int], spaces: list[int]) -> None:
        """The network's rows and the events written so far get the setup time."""
        when = self.start - SETUP
        await self.db.execute(update(User).where(User.id.in_(people)).values(created_at=when))
        await self.db.execute(update(City).where(City.id.in_(cities)).values(created_at=when))
        await self.db.execute(update(Space).where(Space.id.in_(spaces)).values(created_at=when))
        await self.db.execute(update(Membership).where(Membership.space_id.in_(spaces)).values(created_at=when))
        await self._rewrite_events({}, when)

    async def settle_thread(self, thread_id: int, message_ids: list[int], times: list[datetime]) -> None:
        when = dict(zip(message_ids, times, strict=True))
        for message_id, at in when.items():
            await self.db.execute(update(Message).where(Message.id == message_id).values(created_at=at))
            await self.db.execute(
                update(Reaction).where(Reaction.message_id == message_id).values(created_at=at + timedelta(minutes=40))
            )
        await self.db.execute(
            update(Thread).where(Thread.id == thread_id).values(created_at=times[0], last_activity_at=times[-1])
        )
        await self._rewrite_events(
            {("message", k): v for k, v in when.items()} | {("thread", thread_id): times[0]}, times[-1]
        )

    async def settle_resource(self, resource_id: int, at: datetime) -> None:
        await self.db.execute(update(Resource).where(Resource.id == resource_id).values(created_at=at, updated_at=at))
        await self._rewrite_events({}, at)

    async def _rewrite_events(self, exact: dict[tuple[str, int], datetime], otherwise: datetime) -> None:
        """Replace the load's timestamp in the events recorded since the last call: a message's or
        the thread's own `created_at` by its time; any other (last activity, reaction, mention
        notification) by the time of the last message before it, or else `otherwise`."""
        written = select(Event).where(Event.id < self.mark).order_by(Event.id.desc())  # in the order written
        events = (await self.db.scalars(written)).all()
        current = None
        for event in events:
            data, current = self._exact(event.data, exact, current)
            event.data = self._fill(data, (current or otherwise).isoformat())
            flag_modified(event, "data")
            self.mark = event.id
        await self.db.flush()

    def _exact(self, value, exact: dict, current: datetime | None):
        if isinstance(value, list):
            items = []
            for item in value:
                new, current = self._exact(item, exact, current)
                items.append(new)
            return items, current
        if not isinstance(value, dict):
            return value, current
        kind = "message" if "thread_id" in value else "thread" if "title" in value else None
        at = exact.get((kind, value.get("id")))
        if at is not None and value.get("created_at") == self.old:
            value = {**value, "created_at": at.isoformat()}
            current = at if kind == "message" else current
        out = {}
        for name, item in value.items():
            out[name], current = self._exact(item, exact, current)
        return out, current

    def _fill(self, value, when: str):
        if isinstance(value, dict):
            return {name: self._fill(item, when) for name, item in value.items()}
        if isinstance(value, list):
            return [self._fill(item, when) for item in value]
        return when if value == self.old else value
