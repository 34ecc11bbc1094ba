"""The notifier: the mail reader of the change log. It turns posted messages into outbox rows for
the people mentioned and for those who take part in the thread (its author and everyone who
posted in it), as their preferences allow, and direct messages into delayed mails to the other
participants (server/mail/direct.py), on one node at a time.

Its position is kept in `mail_notifier_state`, moved in the transaction that writes the rows; it
reads only up to the settled high-water mark (every smaller id committed or never will, as the
search indexer's rebuild does), so a late-committing event is never skipped. Rows carry a
dedupe key, so reading an event twice writes one mail."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import asyncpg
from sqlalchemy import select, update

from search.indexer import settled_high_water
from server.background import BackgroundWorker
from server.db.engine import asyncpg_dsn
from server.db.models import MailNotifierState, Message, Space, Thread, User
from server.mail import batches, compose, direct, events_in, outbox, preferences
from server.mail.permissions import readers
from server.mail.sender import lock_key
from server.observability.foreground import Foreground

log = logging.getLogger("citybridge.mail")

NAME = "notifier"
EVENTS_CHANNEL = "citybridge_events"


# The posted messages still shown, with their thread's author and its posters (each once per thread).
_AUDIENCES = """
WITH shown AS (
    SELECT id, thread_id FROM messages
    WHERE id = ANY($1::bigint[]) AND hidden_at IS NULL AND deleted_at IS NULL
), posters AS (
    SELECT t.thread_id,
           ARRAY(SELECT DISTINCT m.author_id FROM messages m
                 WHERE m.thread_id = t.thread_id AND m.deleted_at IS NULL AND m.author_id IS NOT NULL) AS participants
    FROM (SELECT DISTINCT thread_id FROM shown) AS t
)
SELECT shown.id, threads.author_id AS thread_author, posters.participants
FROM shown JOIN threads ON threads.id = shown.thread_id JOIN posters ON posters.thread_id = shown.thread_id
"""


class Notifier(BackgroundWorker):
    task_name = "mail-notifier"

    def __init__(
        self,
        sessions,
        settings,
        database_url: str,
        *,
        batch: int = 200,
        poll_seconds: float = 1.0,
        online=None,
        foreground: Foreground | None = None,
    ):
        self.foreground = foreground or Foreground()
        self.online = online  # (space_id, user_id) -> bool: active in the browser; None: cannot tell
        self.sessions = sessions
        self.settings = settings
        self.dsn = asyncpg_dsn(database_url)
        self.batch = batch
        self.poll_seconds = poll_seconds
        super().__init__()
        self._wake = asyncio.Event()

    async def lead(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        try:
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", *lock_key(NAME)):
                self.is_leader = False
                await asyncio.sleep(self.poll_seconds * 5)
            self.is_leader = True
            await conn.add_listener(EVENTS_CHANNEL, lambda *_: self._wake.set())
            while True:
                await self.flush_batches()
                if not await self.step(conn):
                    self._wake.clear()
                    try:
                        await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
                    except TimeoutError:
                        pass
        finally:
            self.is_leader = False
            await conn.close()

    async def flush_batches(self) -> None:
        async with self.sessions() as db:
            await batches.flush(db, self.settings, datetime.now(UTC), self.online)
            await db.commit()

    async def step(self, conn: asyncpg.Connection) -> bool:
        """Handle the next batch of settled events. True when there may be more right away."""
        position = await conn.fetchval("SELECT position FROM mail_notifier_state WHERE name = $1", NAME)
        if position is None:  # a new database (the migration starts existing ones at the log's end)
            await conn.execute("INSERT INTO mail_notifier_state (name) VALUES ($1) ON CONFLICT DO NOTHING", NAME)
            position = 0
        high = await settled_high_water(conn)
        if high <= position:
            return False
        rows = await conn.fetch(
            "SELECT id, kind, data FROM events WHERE id > $1 AND id <= $2 AND kind = ANY($3::text[]) "
            "ORDER BY id LIMIT $4",
            position,
            high,
            list(events_in.KINDS),
            self.batch,
        )
        full = len(rows) == self.batch
        upto = rows[-1]["id"] if full else high
        read = [events_in.read(row["kind"], row["data"]) for row in rows]
        audiences = await self.audiences(conn, [p for p in read if isinstance(p, events_in.Posted)])
        async with self.sessions() as db:
            for posted in read:
                if isinstance(posted, events_in.Direct):
                    await self.foreground.quiet()
                    await direct.notify(db, self.settings, posted)
                elif posted is not None and audiences.get(posted.message_id):
                    await self.foreground.quiet()  # the post that caused it is answered first
                    await self.posted(db, posted, audiences[posted.message_id])
            moved = await db.execute(
                update(MailNotifierState)
                .where(MailNotifierState.name == NAME, MailNotifierState.position == position)
                .values(position=upto)
            )
            if moved.rowcount != 1:  # another leader moved it (or the table was emptied): start over
                await db.rollback()
                return True
            await db.commit()
        return full

    @staticmethod
    async def audiences(conn: asyncpg.Connection, posts: list[events_in.Posted]) -> dict[int, set[int]]:
        """Per posted message still shown, who may hear of it: the thread's author, everyone who posted
        in it and the people mentioned, less its author. One query for a whole batch (most posts have
        nobody to tell: a thread of one), each author once per thread: a long thread's rows stay in
        PostgreSQL."""
        if not posts:
            return {}
        rows = await conn.fetch(_AUDIENCES, [p.message_id for p in posts])
        found = {row["id"]: {row["thread_author"], *row["participants"]} for row in rows}
        audiences = {}
        for posted in posts:
            if posted.message_id in found:
                audiences[posted.message_id] = (found[posted.message_id] | set(posted.mentions)) - {
                    posted.author_id,
                    None,
                }
        return audiences

    async def posted(self, db, posted: events_in.Posted, recipients: set[int]) -> None:
        message = await db.get(Message, posted.message_id)
        if message is None or message.hidden_at is not None or message.deleted_at is not None:
            return
        thread = await db.get(Thread, posted.thread_id)
        space = await db.get(Space, posted.space_id)
        if thread is None or space is None:
            return
        mentioned = set(posted.mentions)
        author = await db.get(User, posted.author_id) if posted.author_id else None
        # One query each for the recipients, their preferences and their memberships: an event can
        # fan out to a thousand people, and single-row look-ups per person were the notifier's cost.
        users = list((await db.scalars(select(User).where(User.id.in_(recipients)).order_by(User.id))).all())
        prefs_of = await preferences.load_many(db, [u.id for u in users])
        allowed = await readers(db, users, space.id)
        mails = []
        for user in users:
            user_id = user.id
            kind = "mention" if user_id in mentioned else "reply"
            prefs = prefs_of[user_id]
            level = preferences.level_for(prefs, space.id)
            if level == "none" or (level == "mentions" and kind != "mention"):
                continue
            if user_id not in allowed:
                continue
            if prefs["batch_minutes"] > 0:
                await batches.park(db, user_id, kind, message.id)
                continue
            await self.foreground.quiet()  # rendering is CPU: a request being answered goes first
            rendered, headers = compose.notification(
                self.settings,
                kind=kind,
                recipient=user,
                author=author.name if author else "?",
                space=space,
                thread=thread,
                message=message,
            )
            mails.append(
                {
                    "kind": kind,
                    "to": user.email,
                    "rendered": rendered,
                    "user_id": user.id,
                    "headers": headers,
                    "refs": {"space_id": space.id, "thread_id": thread.id, "message_ids": [message.id]},
                    "dedupe_key": f"message:{message.id}:{user.id}",
                }
            )
        await outbox.enqueue_many(db, self.settings, mails)  # one statement for all the recipients
