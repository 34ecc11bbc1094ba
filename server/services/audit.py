"""The audit log: every moderation action, who took it, on what, why and when.

Entries are only ever appended (the database refuses UPDATE and DELETE on the table), and
are written in the same transaction as the action they describe.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import AuditEntry, User
from server.services.access import space_access
from server.services.views import iso


async def record(
    db: AsyncSession,
    actor: User,
    action: str,
    *,
    space_id: int | None,
    target_kind: str,
    target_id: int,
    reason: str = "",
    details: dict | None = None,
) -> None:
    """Append one entry in the caller's transaction."""
    db.add(
        AuditEntry(
            space_id=space_id,
            actor_id=actor.id,
            actor_name=actor.name,
            action=action,
            target_kind=target_kind,
            target_id=target_id,
            reason=reason or "",
            details=details or {},
        )
    )
    await db.flush()


def audit_view(entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "space_id": entry.space_id,
        "actor": {"id": entry.actor_id, "name": entry.actor_name},
        "action": entry.action,
        "target_kind": entry.target_kind,
        "target_id": entry.target_id,
        "reason": entry.reason,
        "details": entry.details or {},
        "created_at": iso(entry.created_at),
    }


async def list_entries(db: AsyncSession, actor: User, space_id: int, *, before: int | None, limit: int) -> list[dict]:
    """Newest first; the space's moderators and platform admins only."""
    access = await space_access(db, actor, space_id)
    access.require_moderator()
    query = select(AuditEntry).where(AuditEntry.space_id == space_id).order_by(AuditEntry.id.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    return [audit_view(e) for e in (await db.scalars(query)).all()]
