"""Completing an implementing city's plan (issue 19): its own practice record, created through the
library (the one way records are made), pre-filled from the source record, with the plan's context,
stakeholders and indicators, the adaptation log in its text, and `adapted_from` the source."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import City, Resource, TransferLogEntry, TransferPlan, User
from server.errors import Conflict
from server.services import changelog, library
from server.services.accounts import now
from server.services.transfer_plans import entries, plan_for
from server.services.transfers import TransferAccess, transfer_access

COMPLETABLE = ("reviewing", "completed")  # a stopped transfer never completes
LONG = 20_000  # the practice record's long text fields (schemas.library.LongText)


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def indicators_text(indicators: list[dict]) -> str:
    lines = []
    for i in indicators:
        measured = ", ".join(f"{_number(m['value'])} on {m['on']}" for m in i.get("measurements") or [])
        line = f"- {i['name']} ({i['unit']}): baseline {_number(i.get('baseline'))}, target {_number(i.get('target'))}"
        lines.append(line + (f"; measured {measured}" if measured else ""))
    return "\n".join(lines)


def log_text(entries: list[tuple[TransferLogEntry, User | None]]) -> str:
    lines = []
    for e, author in entries:
        who = f" ({author.name}, {e.created_at.date().isoformat()})" if author else ""
        if e.kind == "comment":
            lines.append(f"- Comment{who}: {e.notes}")
            continue
        line = f"- {e.field}: {e.change}"
        line += f" Why: {e.reason}" if e.reason else ""
        line += f" Notes: {e.notes}" if e.notes else ""
        lines.append(line + who)
    return "\n".join(lines)


async def _prefill(db: AsyncSession, ta: TransferAccess, plan: TransferPlan, source: Resource) -> dict:
    """The implementing city's record: the source's fields, the plan's context, stakeholders and
    indicators, and the adaptation log, adapted from the source."""
    details = dict(source.details or {})
    mentor = await db.get(City, ta.transfer.mentor_city_id) if ta.transfer.mentor_city_id else None
    origin = f'Adapted from "{source.title}"' + (f" ({mentor.name})" if mentor else "")
    log = log_text(await entries(db, plan))
    lessons = "\n\n".join(
        part
        for part in (
            f"{origin} in transfer {ta.transfer.id}.",
            plan.adaptations,
            f"Adaptation log:\n{log}" if log else "",
        )
        if part
    )
    results = indicators_text(plan.indicators or [])
    return {
        "kind": "practice",
        "title": source.title,
        "summary": source.summary or source.title,
        "themes": list(source.themes or []),
        "language": source.language,
        "city_id": plan.city_id,
        "gcm_objectives": list(source.gcm_objectives or []),
        "status": "ongoing",
        "period_start": ta.transfer.starts_on.strftime("%Y-%m"),
        "purpose": details.get("purpose", ""),
        "process": details.get("process", ""),
        "transfer_conditions": details.get("transfer_conditions", ""),
        "context": (plan.local_context or details.get("context", ""))[:LONG],
        "partners": (plan.stakeholders or "")[:LONG],
        "results": (f"Indicators:\n{results}" if results else "")[:LONG],
        "lessons_learned": lessons[:LONG],
        "licence": details.get("licence", "CC-BY-4.0"),
        "review_status": "draft",
        "adapted_from": [source.id],
    }


async def complete(db: AsyncSession, actor: User, transfer_id: int, city_id: int) -> dict:
    """Create the implementing city's own practice record through the library, adapted from the source."""
    ta = await transfer_access(db, actor, transfer_id, for_update=True)
    plan = await plan_for(db, ta, city_id, for_update=True)
    ta.require_plan_editor(city_id)
    if ta.transfer.state not in COMPLETABLE:
        raise Conflict(f"A plan completes once its transfer is in review; this one is {ta.transfer.state}.")
    if plan.practice_id is not None:
        raise Conflict("This plan is already completed.")
    source = await db.get(Resource, ta.transfer.source_practice_id) if ta.transfer.source_practice_id else None
    if source is None:
        raise Conflict("The source practice record no longer exists.")
    record = await library.create(db, actor, ta.transfer.space_id, await _prefill(db, ta, plan, source))
    plan.practice_id, plan.completed_at = record["id"], now()
    await db.flush()
    await changelog.record(
        db,
        events.TransferCompleted(transfer_id=transfer_id, city_id=city_id, practice_id=record["id"]),
        space_id=ta.transfer.space_id,
    )
    return record
