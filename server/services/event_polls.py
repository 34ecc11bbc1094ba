"""Date polls: before an event is fixed, its organiser proposes start times, the people who can
read the space mark every one that suits them, and choosing one creates the event (Zulip's /poll
is the simpler cousin). Votes are per person and replaced as a whole, so a vote is idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import DatePoll, DatePollOption, DatePollVote, Membership, Space, User
from server.errors import Conflict, Invalid, NotFound, problem
from server.services import calendar_events, changelog
from server.services.access import SpaceAccess, can_read, space_access
from server.services.calendar_core import local_iso, to_utc, utcnow, zone
from server.services.views import iso, user_brief


async def _poll_access(db: AsyncSession, user: User, poll_id: int, *, lock: bool = False):
    query = (
        select(DatePoll, Space, Membership)
        .join(Space, Space.id == DatePoll.space_id)
        .outerjoin(Membership, (Membership.space_id == Space.id) & (Membership.user_id == user.id))
        .where(DatePoll.id == poll_id)
    )
    if lock:
        query = query.with_for_update(of=DatePoll, key_share=True)
    row = (await db.execute(query)).first()
    if row is None or not can_read(user, row.Space, row.Membership):
        raise NotFound("No such poll.")
    return row.DatePoll, SpaceAccess(row.Space, row.Membership, user)


def _starts(fields: dict, tz: ZoneInfo) -> list[datetime]:
    starts = [to_utc(value, tz, "options") for value in fields["options"]]
    if len(set(starts)) != len(starts):
        raise Invalid("Each proposed date once.", code="duplicate_option", fields={"options": problem("repeated_date")})
    if min(starts) <= utcnow():
        raise Invalid("Propose dates to come.", code="option_in_past", fields={"options": problem("in_past")})
    return sorted(starts)


async def create(db: AsyncSession, actor: User, space_id: int, fields: dict) -> dict:
    access = await space_access(db, actor, space_id)
    access.require_moderator()
    tz = zone(fields["timezone"])
    starts = _starts(fields, tz)
    poll = DatePoll(
        space_id=space_id,
        created_by=actor.id,
        **{k: fields[k] for k in ("kind", "title", "description", "timezone", "duration_minutes")},
    )
    db.add(poll)
    await db.flush()
    db.add_all(DatePollOption(poll_id=poll.id, starts_at=start) for start in starts)
    await db.flush()
    await db.refresh(poll)
    await changelog.record(
        db,
        events.DatePollCreated(id=poll.id, space_id=space_id, title=poll.title, options=[iso(s) for s in starts]),
        space_id=space_id,
    )
    return await _view(db, actor, poll, access)


async def _view(db: AsyncSession, actor: User, poll: DatePoll, access: SpaceAccess) -> dict:
    tz = ZoneInfo(poll.timezone)
    options = (
        await db.scalars(select(DatePollOption).where(DatePollOption.poll_id == poll.id).order_by(DatePollOption.id))
    ).all()
    voters: dict[int, list[dict]] = {o.id: [] for o in options}
    rows = await db.execute(
        select(DatePollVote.option_id, User)
        .join(User, User.id == DatePollVote.user_id)
        .where(DatePollVote.option_id.in_(list(voters)))
        .order_by(DatePollVote.created_at, User.id)
    )
    for option_id, user in rows:
        voters[option_id].append(user_brief(user))
    return {
        "id": poll.id,
        "space_id": poll.space_id,
        "kind": poll.kind,
        "title": poll.title,
        "description": poll.description,
        "timezone": poll.timezone,
        "duration_minutes": poll.duration_minutes,
        "options": [
            {
                "id": o.id,
                "starts_at": iso(o.starts_at),
                "local_starts_at": local_iso(o.starts_at, tz),
                "votes": len(voters[o.id]),
                "voters": voters[o.id],
                "mine": any(v["id"] == actor.id for v in voters[o.id]),
            }
            for o in options
        ],
        "event_id": poll.event_id,
        "closed_at": iso(poll.closed_at),
        "can_decide": access.is_moderator and poll.closed_at is None,
        "created_at": iso(poll.created_at),
    }


async def get(db: AsyncSession, actor: User, poll_id: int) -> dict:
    poll, access = await _poll_access(db, actor, poll_id)
    return await _view(db, actor, poll, access)


async def listing(db: AsyncSession, actor: User, space_id: int) -> list[dict]:
    access = await space_access(db, actor, space_id)
    polls = (
        await db.scalars(select(DatePoll).where(DatePoll.space_id == space_id).order_by(DatePoll.id.desc()).limit(100))
    ).all()
    return [await _view(db, actor, poll, access) for poll in polls]


async def _option_ids(db: AsyncSession, poll: DatePoll) -> set[int]:
    return set((await db.scalars(select(DatePollOption.id).where(DatePollOption.poll_id == poll.id))).all())


async def vote(db: AsyncSession, actor: User, poll_id: int, option_ids: list[int]) -> dict:
    poll, access = await _poll_access(db, actor, poll_id, lock=True)
    if poll.closed_at is not None:
        raise Conflict("A date was already chosen.", code="poll_closed")
    known = await _option_ids(db, poll)
    if not set(option_ids) <= known:
        raise Invalid(
            "These dates are not proposed in this poll.",
            code="unknown_option",
            fields={"option_ids": problem("unknown_option")},
        )
    await db.execute(delete(DatePollVote).where(DatePollVote.option_id.in_(known), DatePollVote.user_id == actor.id))
    db.add_all(DatePollVote(option_id=o, user_id=actor.id) for o in sorted(set(option_ids)))
    await db.flush()
    chosen = sorted(set(option_ids))
    await changelog.record(
        db, events.DatePollVoted(poll_id=poll.id, user_id=actor.id, option_ids=chosen), space_id=poll.space_id
    )
    return await _view(db, actor, poll, access)


async def decide(db: AsyncSession, actor: User, poll_id: int, option_id: int) -> dict:
    """Choose a date: the poll closes and the event is created with what the poll said."""
    poll, access = await _poll_access(db, actor, poll_id, lock=True)
    access.require_moderator()
    if poll.closed_at is not None:
        raise Conflict("A date was already chosen.", code="poll_closed")
    option = await db.get(DatePollOption, option_id)
    if option is None or option.poll_id != poll.id:
        raise Invalid(
            "This date is not proposed in this poll.",
            code="unknown_option",
            fields={"option_id": problem("unknown_option")},
        )
    fields = {"kind": poll.kind, "title": poll.title, "description": poll.description, "timezone": poll.timezone}
    fields |= {"starts_at": option.starts_at, "ends_at": option.starts_at + timedelta(minutes=poll.duration_minutes)}
    event = await calendar_events.create(db, actor, poll.space_id, fields)
    poll.event_id, poll.closed_at = event["id"], func.now()
    await db.flush()
    await changelog.record(
        db, events.DatePollDecided(poll_id=poll.id, option_id=option.id, event_id=event["id"]), space_id=poll.space_id
    )
    return event
