"""Overdue transfer milestones by mail (issue 19): a milestone still `open` after its `due_on` is
flagged to its owner and to the transfer's coordinator, once per milestone, person and due date.

Like the event reminders (server/mail/reminders.py) it is a worker that looks for what is due and
writes outbox rows whose dedupe key names the milestone, the person and the due date: however many
nodes look and however often they restart, a flag is written once, and re-dating a milestone
re-arms it (the new date is another key). One node builds at a time (a transaction-scoped advisory
lock), and milestones already flagged are skipped before anything is rendered.

Who gets it, checked when it is written: an active account that may still read the transfer's
space and is an active member of it (or an admin), whose notification level for that space is not
`none`; the sender checks the space again (`refs.space_id`, and the source record's space when the
mail names it). Transfers that are `completed` or `stopped` flag nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy import select, text

from server.background import BackgroundWorker
from server.db.models import City, MailOutbox, Membership, Space, Transfer, TransferMilestone, TransferPlan, User
from server.mail import compose, outbox, preferences
from server.mail.permissions import may_read
from server.mail.sender import lock_key
from server.mail.templates import Rendered, render
from server.services.transfers import readable_source

log = logging.getLogger("citybridge.mail")

KIND = "milestone_overdue"
ENDED = ("completed", "stopped")
LOCK = lock_key("milestone-flags")


def dedupe_key(milestone: TransferMilestone, user_id: int) -> str:
    return f"milestone-overdue:{milestone.id}:{user_id}:{milestone.due_on.isoformat()}"


def _roles(user: User, milestone: TransferMilestone, transfer: Transfer) -> str:
    owner, coordinator = milestone.owner_id == user.id, transfer.coordinator_id == user.id
    return "both" if owner and coordinator else "owner" if owner else "coordinator"


def overdue_mail(settings, user: User, found: dict, source, mentor: City | None) -> tuple[Rendered, dict]:
    milestone, transfer, space = found["milestone"], found["transfer"], found["space"]
    url, headers = compose.unsubscribe_headers(settings, user.id, space.id)
    names = {"milestone": milestone.title, "city": found["city"].name if found["city"] else "?"}
    rendered = render(
        "milestone_overdue",
        user.locale,
        "milestone.subject",
        subject_values=names,
        space=space.name,
        due_on=milestone.due_on.isoformat(),
        role=_roles(user, milestone, transfer),
        practice=source.title if source is not None else None,
        mentor=mentor.name if mentor is not None else None,
        link=f"{compose.origin(settings)}/transfers/{transfer.id}",
        unsubscribe_url=url,
        **names,
    )
    return rendered, headers


async def _overdue(db, today: dt.date) -> list[dict]:
    rows = await db.execute(
        select(TransferMilestone, TransferPlan, Transfer, Space, City)
        .join(TransferPlan, TransferPlan.id == TransferMilestone.plan_id)
        .join(Transfer, Transfer.id == TransferPlan.transfer_id)
        .join(Space, Space.id == Transfer.space_id)
        .outerjoin(City, City.id == TransferPlan.city_id)
        .where(TransferMilestone.state == "open", TransferMilestone.due_on < today, Transfer.state.notin_(ENDED))
        .order_by(TransferMilestone.due_on, TransferMilestone.id)
    )
    return [
        {"milestone": m, "plan": p, "transfer": t, "space": s, "city": c, "to": {m.owner_id, t.coordinator_id} - {None}}
        for m, p, t, s, c in rows
    ]


async def _members(db, pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (user, space) pairs among `pairs` that are active memberships."""
    if not pairs:
        return set()
    rows = await db.execute(
        select(Membership.user_id, Membership.space_id).where(
            Membership.user_id.in_({u for u, _ in pairs}),
            Membership.space_id.in_({s for _, s in pairs}),
            Membership.state == "active",
        )
    )
    return {(u, s) for u, s in rows} & pairs


async def write_due(db, settings, now: dt.datetime) -> int:
    """Write every overdue-milestone flag not yet written (in the caller's transaction)."""
    found = await _overdue(db, now.date())
    keys = {dedupe_key(f["milestone"], uid) for f in found for uid in f["to"]}
    done = set((await db.scalars(select(MailOutbox.dedupe_key).where(MailOutbox.dedupe_key.in_(keys)))).all())
    found = [{**f, "to": {u for u in f["to"] if dedupe_key(f["milestone"], u) not in done}} for f in found]
    found = [f for f in found if f["to"]]
    user_ids = {u for f in found for u in f["to"]}
    users = {u.id: u for u in await db.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    prefs = await preferences.load_many(db, sorted(user_ids))
    members = await _members(db, {(u, f["space"].id) for f in found for u in f["to"]})
    written = 0
    for item in found:
        space, transfer = item["space"], item["transfer"]
        mentor = await db.get(City, transfer.mentor_city_id) if transfer.mentor_city_id else None
        for user_id in sorted(item["to"]):
            user = users.get(user_id)
            if user is None or not (user.is_admin or (user_id, space.id) in members):
                continue
            if preferences.level_for(prefs[user_id], space.id) == "none" or not await may_read(db, user, space.id):
                continue
            source = await readable_source(db, user, transfer.source_practice_id)
            rendered, headers = overdue_mail(settings, user, item, source, mentor)
            refs = {"space_id": space.id, "transfer_id": transfer.id, "milestone_id": item["milestone"].id}
            if source is not None and source.space_id != space.id:
                refs["space_ids"] = [source.space_id]  # the sender checks the source's space too
            row = await outbox.enqueue(
                db,
                settings,
                kind=KIND,
                to=user.email,
                rendered=rendered,
                user_id=user.id,
                headers=headers,
                refs=refs,
                dedupe_key=dedupe_key(item["milestone"], user.id),
            )
            written += row is not None
    return written


class MilestoneFlags(BackgroundWorker):
    task_name = "milestone-flags"

    def __init__(self, sessions, settings, *, check_seconds: float = 300.0):
        self.sessions = sessions
        self.settings = settings
        self.check_seconds = check_seconds
        super().__init__()

    async def round(self, now: dt.datetime | None = None) -> int:
        async with self.sessions() as db:
            # One node builds at a time; another that looks meanwhile finds the rows written next round.
            held = await db.scalar(text("SELECT pg_try_advisory_xact_lock(:a, :b)"), {"a": LOCK[0], "b": LOCK[1]})
            written = await write_due(db, self.settings, now or dt.datetime.now(dt.UTC)) if held else 0
            await db.commit()
        if written:
            log.info("overdue milestones: %d flags written", written)
        return written

    async def lead(self) -> None:
        while True:
            await self.round()
            await asyncio.sleep(self.check_seconds)
