"""Practice records: adaptation links between them, and records pre-filled from a thread."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import (
    City,
    Message,
    PracticeAdaptation,
    User,
)
from server.errors import Forbidden, Invalid, problem
from server.services import changelog
from server.services.library.resource_views import REQUIRED_PRACTICE, can_edit, detail, event_view, resource_access
from server.services.library.resources import create, readable_practice
from server.services.thread_access import thread_access


async def set_adaptation(db: AsyncSession, actor: User, practice_id: int, source_id: int, *, add: bool) -> dict:
    """Say (or unsay) that a practice record was adapted from another, in any readable space."""
    resource, access = await resource_access(db, actor, practice_id, for_update=True)
    if not can_edit(resource, access):
        raise Forbidden("Only the author or a moderator can edit this resource.", code="not_the_author")
    if resource.kind != "practice":
        raise Invalid("Only practice records are adapted from one another.", code="not_a_practice")
    if source_id == practice_id:
        raise Invalid("A practice record is not adapted from itself.", code="self_adaptation")
    await readable_practice(db, actor, source_id)
    table = PracticeAdaptation.__table__
    if add:
        result = await db.execute(
            insert(table)
            .values(practice_id=practice_id, source_id=source_id, created_by=actor.id)
            .on_conflict_do_nothing()
        )
    else:
        result = await db.execute(
            table.delete().where(table.c.practice_id == practice_id, table.c.source_id == source_id)
        )
    if result.rowcount:
        await changelog.record(
            db,
            events.ResourceUpdated(**await event_view(db, resource), changed=["adapted_from"]),
            space_id=resource.space_id,
        )
    return await detail(db, actor, resource)


# --- practice records from threads -------------------------------------------


async def practice_draft(db: AsyncSession, actor: User, thread_id: int) -> dict:
    """A practice record pre-filled from a thread: its title, first message, themes, and the
    actor's city and language. `missing` names the required fields still empty."""
    thread, access = await thread_access(db, actor, thread_id)
    first = await db.scalar(
        select(Message)
        .where(Message.thread_id == thread.id, Message.deleted_at.is_(None), Message.hidden_at.is_(None))
        .order_by(Message.id)
        .limit(1)
    )
    city = await db.get(City, actor.city_id) if actor.city_id else None
    languages = list(actor.languages or []) or list(city.languages if city else [])
    draft = {
        "title": thread.title,
        "summary": (first.body if first else "")[:5000].strip(),
        "city_id": city.id if city else None,
        "themes": list(thread.themes or []) or list(access.space.themes or []),
        "language": languages[0] if languages else None,
        "source_thread_id": thread.id,
    }
    draft["missing"] = [k for k in REQUIRED_PRACTICE if not draft[k]]
    return draft


async def practice_from_thread(db: AsyncSession, actor: User, thread_id: int, overrides: dict) -> dict:
    """Create a practice record from a thread's draft completed by `overrides`, linked to the thread."""
    draft = await practice_draft(db, actor, thread_id)
    thread, _ = await thread_access(db, actor, thread_id)
    draft.pop("missing")
    fields = {**draft, **{k: v for k, v in overrides.items() if v is not None}, "kind": "practice"}
    missing = {k: problem("required") for k in REQUIRED_PRACTICE if not fields.get(k)}
    if missing:
        raise Invalid("Complete the practice record: some required fields are empty.", fields=missing)
    return await create(db, actor, thread.space_id, fields)
