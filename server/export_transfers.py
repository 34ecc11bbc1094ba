"""The transfers part of `citybridge export --space ID` (issue 19): the space's transfers, each
implementing city's plan with its result indicators, the milestones and the adaptation log, as JSON
and CSV beside the threads and the library (ids join them: `transfer_id`, `plan_id`)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.db.models import Transfer, TransferLogEntry, TransferMilestone, TransferPlan, User

TRANSFER_COLUMNS = [
    "id",
    "source_practice_id",
    "mentor_city_id",
    "coordinator_id",
    "coordinator_name",
    "state",
    "starts_on",
    "ends_on",
    "created_at",
    "updated_at",
]
PLAN_COLUMNS = [
    "id",
    "transfer_id",
    "city_id",
    "local_context",
    "adaptations",
    "stakeholders",
    "resources",
    "risks",
    "indicators",
    "practice_id",
    "completed_at",
    "updated_at",
]
MILESTONE_COLUMNS = ["id", "plan_id", "key", "title", "due_on", "owner_id", "owner_name", "state", "evidence"]
LOG_COLUMNS = ["id", "plan_id", "kind", "field", "change", "reason", "notes", "author_id", "author_name", "created_at"]


def _row(item, columns: list[str], **extra) -> dict:
    row = {c: getattr(item, c, None) for c in columns}
    row.update(extra)
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}


async def export_transfers(db: AsyncSession, space_id: int, output: Path, write) -> dict:
    """Write transfers, transfer_plans, transfer_milestones and transfer_log with `write(directory,
    name, rows, columns)`; return their counts."""
    person = aliased(User)
    transfers = [
        _row(t, TRANSFER_COLUMNS, coordinator_name=name)
        for t, name in await db.execute(
            select(Transfer, person.name)
            .outerjoin(person, person.id == Transfer.coordinator_id)
            .where(Transfer.space_id == space_id)
            .order_by(Transfer.id)
        )
    ]
    in_space = select(Transfer.id).where(Transfer.space_id == space_id)
    plans = [
        _row(p, PLAN_COLUMNS)
        for p in await db.scalars(
            select(TransferPlan).where(TransferPlan.transfer_id.in_(in_space)).order_by(TransferPlan.id)
        )
    ]
    plan_ids = select(TransferPlan.id).where(TransferPlan.transfer_id.in_(in_space))
    milestones = [
        _row(m, MILESTONE_COLUMNS, owner_name=name)
        for m, name in await db.execute(
            select(TransferMilestone, person.name)
            .outerjoin(person, person.id == TransferMilestone.owner_id)
            .where(TransferMilestone.plan_id.in_(plan_ids))
            .order_by(TransferMilestone.plan_id, TransferMilestone.due_on, TransferMilestone.id)
        )
    ]
    log = [
        _row(e, LOG_COLUMNS, author_name=name)
        for e, name in await db.execute(
            select(TransferLogEntry, person.name)
            .outerjoin(person, person.id == TransferLogEntry.author_id)
            .where(TransferLogEntry.plan_id.in_(plan_ids))
            .order_by(TransferLogEntry.id)
        )
    ]
    write(output, "transfers", transfers, TRANSFER_COLUMNS)
    write(output, "transfer_plans", plans, PLAN_COLUMNS)
    write(output, "transfer_milestones", milestones, MILESTONE_COLUMNS)
    write(output, "transfer_log", log, LOG_COLUMNS)
    return {"transfers": len(transfers), "transfer plans": len(plans)}
