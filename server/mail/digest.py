"""Digests: per user, daily or weekly, what happened in their spaces since the last one
(Discourse's activity summary as the model), trimmed to what they may read when it is built.

One node builds at a time (an advisory lock); a digest's dedupe key names the user and the period
(`digest:<user>:d2024-06-03` or `…:w2024-W23`), so even two builders at once write one mail per
user per period. `mail_digest_state` keeps the period last done and the moment the digest covered
up to: the next one starts there. A digest with nothing in it is not sent (the state still moves)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets

import asyncpg
from markupsafe import escape
from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert

from server.background import BackgroundWorker
from server.db.engine import asyncpg_dsn
from server.db.models import MailDigestState, Membership, Message, NotificationSettings, Resource, Space, Thread, User
from server.mail import compose, outbox
from server.mail.sender import lock_key
from server.mail.strings import locale_of
from server.mail.templates import Rendered, render
from server.observability.foreground import Foreground

log = logging.getLogger("citybridge.mail")

NAME = "digest"
PERIODS = {"daily": dt.timedelta(days=1), "weekly": dt.timedelta(days=7)}
TOP = 5  # threads and library entries shown per space and section


def period_key(frequency: str, now: dt.datetime) -> str:
    if frequency == "daily":
        return now.strftime("d%Y-%m-%d")
    year, week, _ = now.isocalendar()
    return f"w{year}-W{week:02d}"


async def _space_activity(db, space_id: int, since: dt.datetime) -> dict | None:
    """What happened in one space since `since`: visible messages only, no hidden library entries."""
    new_threads = (
        await db.scalars(
            select(Thread)
            .where(Thread.space_id == space_id, Thread.created_at > since)
            .order_by(Thread.created_at.desc())
            .limit(TOP)
        )
    ).all()
    count = func.count(Message.id)
    active = (
        await db.execute(
            select(Thread, count)
            .join(Message, Message.thread_id == Thread.id)
            .where(
                Thread.space_id == space_id,
                Message.created_at > since,
                Message.hidden_at.is_(None),
                Message.deleted_at.is_(None),
            )
            .group_by(Thread.id)
            .order_by(count.desc(), Thread.id)
            .limit(TOP)
        )
    ).all()
    resources = (
        await db.scalars(
            select(Resource)
            .where(
                Resource.space_id == space_id,
                Resource.created_at > since,
                Resource.hidden_at.is_(None),
                or_(Resource.kind == "practice", Resource.kind == "file"),
            )
            .order_by(Resource.created_at.desc())
            .limit(TOP)
        )
    ).all()
    if not (new_threads or active or resources):
        return None
    return {
        "new_threads": [{"id": t.id, "title": t.title} for t in new_threads],
        "active_threads": [{"id": t.id, "title": t.title, "count": n} for t, n in active],
        "resources": [{"id": r.id, "title": r.title, "kind": r.kind} for r in resources],
    }


class Digester(BackgroundWorker):
    task_name = "mail-digests"

    def __init__(
        self,
        sessions,
        settings,
        database_url: str,
        *,
        check_seconds: float = 60.0,
        batch: int = 200,
        foreground: Foreground | None = None,
    ):
        self.sessions = sessions
        self.foreground = foreground or Foreground()
        self.settings = settings
        self.dsn = asyncpg_dsn(database_url)
        self.check_seconds = check_seconds
        self.batch = batch
        super().__init__()

    async def lead(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        try:
            while True:
                self.is_leader = await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", *lock_key(NAME))
                if self.is_leader:
                    await self.round()
                await asyncio.sleep(self.check_seconds)
        finally:
            self.is_leader = False
            await conn.close()

    async def _due(self, db, now: dt.datetime, after: int) -> list[tuple[User, str, MailDigestState | None]]:
        rows = await db.execute(
            select(User, NotificationSettings.digest, MailDigestState)
            .join(NotificationSettings, NotificationSettings.user_id == User.id)
            .outerjoin(MailDigestState, MailDigestState.user_id == User.id)
            .where(User.id > after, User.deactivated_at.is_(None), NotificationSettings.digest.in_(tuple(PERIODS)))
            .order_by(User.id)
            .limit(self.batch)
        )
        return [(u, f, s) for u, f, s in rows]

    async def round(self, now: dt.datetime | None = None) -> int:
        """Build every digest due at `now`; returns how many were written to the outbox."""
        now = now or dt.datetime.now(dt.UTC)
        written, after, cache = 0, 0, {}
        while True:
            async with self.sessions() as db:
                due = await self._due(db, now, after)
                todo = [
                    (user, frequency, period_key(frequency, now), state)
                    for user, frequency, state in due
                    if state is None or state.period_key != period_key(frequency, now)
                ]
                if todo:
                    written += await self._batch(db, todo, now, cache)
                await db.commit()
            if len(due) < self.batch:
                return written
            after = due[-1][0].id

    async def _batch(self, db, todo: list, now: dt.datetime, cache: dict) -> int:
        """A batch of users' digests: their spaces in one query, their mails and states in one each."""
        spaces_of: dict[int, list[tuple[int, str]]] = {}
        rows = await db.execute(
            select(Membership.user_id, Space.id, Space.name)
            .join(Space, Space.id == Membership.space_id)
            .where(Membership.user_id.in_([user.id for user, *_ in todo]), Membership.state == "active")
            .order_by(Space.name, Space.id)
        )
        for user_id, space_id, name in rows:
            spaces_of.setdefault(user_id, []).append((space_id, name))
        mails = []
        for user, frequency, key, state in todo:
            # A batch renders 200 digests: between two, a request being answered goes first.
            await self.foreground.quiet()
            since = state.covered_until if state else now - PERIODS[frequency]
            sections, slots = [], []
            for space_id, name in spaces_of.get(user.id, []):
                # Many users share a period start: what a space did since then is built once a round.
                slot = (space_id, since.replace(second=0, microsecond=0))
                if slot not in cache:
                    cache[slot] = await _space_activity(db, space_id, since)
                if cache[slot] is not None:
                    sections.append({"space_id": space_id, "name": name, **cache[slot]})
                    slots.append(slot)
            if sections:
                # ... and so do their digests, but for the unsubscribe link: rendered once per language,
                # frequency and set of sections, then given each person's link.
                shared = (locale_of(user.locale), frequency, tuple(slots))
                if shared not in cache:
                    cache[shared] = digest_body(self.settings, user.locale, frequency, sections)
                url, headers = compose.digest_unsubscribe_headers(self.settings, user.id)
                rendered = with_link(cache[shared], url)
                refs = {"space_ids": [s["space_id"] for s in sections]}
                mail = {"kind": "digest", "to": user.email, "rendered": rendered, "user_id": user.id}
                mails.append({**mail, "headers": headers, "refs": refs, "dedupe_key": f"digest:{user.id}:{key}"})
        written = await outbox.enqueue_many(db, self.settings, mails)
        states = [{"user_id": user.id, "period_key": key, "covered_until": now} for user, _, key, _ in todo]
        statement = insert(MailDigestState).values(states)
        await db.execute(
            statement.on_conflict_do_update(
                index_elements=[MailDigestState.user_id],
                set_={"period_key": statement.excluded.period_key, "covered_until": statement.excluded.covered_until},
            )
        )
        return len(written)


# Stands for the unsubscribe link in a digest rendered for many people (`with_link` puts theirs in):
# no template escapes or changes it, and no content can contain it.
_LINK = f"https://unsubscribe.invalid/{secrets.token_hex(16)}"


def digest_body(settings, locale: str | None, frequency: str, sections: list[dict]) -> Rendered:
    return render(
        "digest",
        locale,
        f"digest.subject.{frequency}",
        sections=sections,
        base=compose.origin(settings),
        unsubscribe_url=_LINK,
    )


def with_link(rendered: Rendered, url: str) -> Rendered:
    return Rendered(
        subject=rendered.subject,
        text=rendered.text.replace(_LINK, url),
        html=rendered.html.replace(_LINK, str(escape(url))),
    )
