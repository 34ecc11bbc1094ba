"""Append events to the change log, in the same transaction as the rows they describe."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Event

NOTIFY_CHANNEL = "citybridge_events"
_SPACE_LOCK, _USER_LOCK = 1, 2


async def record(
    db: AsyncSession, kind: str, data: dict, *, space_id: int | None = None, user_id: int | None = None
) -> Event:
    """Append one event for a space (or, with user_id only, for one user).

    The transaction-scoped advisory lock makes events of one space (or one user)
    commit in id order, so a reader that has seen id N of a space never later
    finds a smaller id appear there: resuming "after N" loses nothing.
    """
    if space_id is None and user_id is None:
        raise ValueError("an event belongs to a space or to a user")
    lock = (_SPACE_LOCK, space_id) if space_id is not None else (_USER_LOCK, user_id)
    await db.execute(select(func.pg_advisory_xact_lock(*lock)))
    event = Event(space_id=space_id, user_id=user_id, kind=kind, data=data)
    db.add(event)
    await db.flush()
    # NOTIFY inside the transaction is delivered only if it commits.
    payload = json.dumps({"id": event.id, "space_id": space_id, "user_id": user_id})
    await db.execute(select(func.pg_notify(NOTIFY_CHANNEL, payload)))
    return event
