"""Direct messages reported to the platform admins (docs/people.md). Admins cannot read
conversations; a report shows them the one message (its author and its text when reported), the
reason and who reported it, nothing else of the conversation, and they resolve or dismiss it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import ConversationReport, User
from server.errors import Conflict, Invalid, NotFound, problem
from server.services.access import require_admin
from server.services.accounts import now
from server.services.direct_messages import message_access
from server.services.views import iso, user_brief


def report_view(report: ConversationReport, people: dict[int, User]) -> dict:
    def brief(user_id: int | None) -> dict | None:
        return user_brief(people[user_id]) if user_id in people else None

    return {
        "id": report.id,
        "state": report.state,
        "reason": report.reason,
        "reporter": brief(report.reporter_id),
        "created_at": iso(report.created_at),
        "message": {
            "id": report.message_id,
            "author": brief(report.author_id),
            "body": report.body,
            "created_at": iso(report.message_created_at),
        },
        "note": report.note,
        "resolved_by": brief(report.resolved_by),
        "resolved_at": iso(report.resolved_at),
    }


async def _people(db: AsyncSession, reports: list[ConversationReport]) -> dict[int, User]:
    ids = {i for r in reports for i in (r.author_id, r.reporter_id, r.resolved_by) if i is not None}
    return {u.id: u for u in (await db.scalars(select(User).where(User.id.in_(ids)))).all()} if ids else {}


async def report(
    db: AsyncSession, actor: User, conversation_id: int, message_id: int, reason: str
) -> tuple[dict, bool]:
    """A participant reports someone else's message: (report, created); reporting it again while
    my report is open answers that report."""
    message, conversation = await message_access(db, actor, conversation_id, message_id)
    if message.author_id == actor.id:
        raise Invalid(
            "You cannot report your own message.", code="own_message", fields={"message_id": problem("own_message")}
        )
    existing = await db.scalar(
        select(ConversationReport).where(
            ConversationReport.message_id == message.id,
            ConversationReport.reporter_id == actor.id,
            ConversationReport.state == "open",
        )
    )
    if existing is not None:
        return report_view(existing, await _people(db, [existing])), False
    row = ConversationReport(
        conversation_id=conversation.id,
        message_id=message.id,
        author_id=message.author_id,
        body=message.body,
        message_created_at=message.created_at,
        reason=reason,
        reporter_id=actor.id,
        state="open",
        note="",
    )
    db.add(row)
    await db.flush()
    await db.refresh(row)
    return report_view(row, await _people(db, [row])), True


async def list_reports(db: AsyncSession, actor: User, state: str, limit: int = 200) -> list[dict]:
    require_admin(actor)
    query = select(ConversationReport).order_by(ConversationReport.id.desc()).limit(limit)
    if state != "all":
        query = query.where(ConversationReport.state == state)
    reports = list((await db.scalars(query)).all())
    people = await _people(db, reports)
    return [report_view(r, people) for r in reports]


async def resolve(db: AsyncSession, actor: User, report_id: int, action: str, note: str) -> dict:
    require_admin(actor)
    row = await db.get(ConversationReport, report_id, with_for_update=True)
    if row is None:
        raise NotFound("No such report.")
    if row.state != "open":
        raise Conflict("This report is already closed.", code="report_closed")
    row.state = "resolved" if action == "resolve" else "dismissed"
    row.note, row.resolved_by, row.resolved_at = note, actor.id, now()
    await db.flush()
    return report_view(row, await _people(db, [row]))
