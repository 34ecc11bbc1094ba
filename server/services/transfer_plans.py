"""The plan of one implementing city in a transfer: its document (context, adaptations,
stakeholders, resources, risks, result indicators), its milestones, its adaptation log, and its
completion into the city's own practice record. Who may do what: see server/services/transfers.py."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import (
    City,
    Membership,
    Resource,
    Space,
    Thread,
    TransferLogEntry,
    TransferMilestone,
    TransferPlan,
    User,
)
from server.errors import Invalid, NotFound, problem
from server.services import changelog
from server.services.access import readable_spaces_clause
from server.services.accounts import now
from server.services.transfers import TransferAccess, transfer_access
from server.services.views import city_view, iso, user_brief

PLAN_TEXTS = ("local_context", "adaptations", "stakeholders", "resources", "risks")


async def plan_for(db: AsyncSession, ta: TransferAccess, city_id: int, *, for_update: bool = False) -> TransferPlan:
    query = select(TransferPlan).where(TransferPlan.transfer_id == ta.transfer.id, TransferPlan.city_id == city_id)
    if for_update:
        query = query.with_for_update()
    plan = await db.scalar(query)
    if plan is None:
        raise NotFound("No such plan: this city does not implement the transfer.")
    return plan


# --- views ------------------------------------------------------------------


async def _evidence_view(db: AsyncSession, viewer: User, items: list[dict]) -> list[dict]:
    """The evidence the viewer may follow: a cited record or thread they cannot read is left out."""
    readable = select(Space.id).where(readable_spaces_clause(viewer))
    resource_ids = {e["resource_id"] for e in items if e.get("resource_id")}
    thread_ids = {e["thread_id"] for e in items if e.get("thread_id")}
    resources = dict(
        (
            await db.execute(
                select(Resource.id, Resource.title).where(
                    Resource.id.in_(resource_ids), Resource.hidden_at.is_(None), Resource.space_id.in_(readable)
                )
            )
        ).all()
    )
    threads = dict(
        (
            await db.execute(
                select(Thread.id, Thread.title).where(Thread.id.in_(thread_ids), Thread.space_id.in_(readable))
            )
        ).all()
    )
    shown = []
    for e in items:
        if e.get("url"):
            shown.append({"url": e["url"], "title": e["url"]})
        elif e.get("resource_id") in resources:
            shown.append({"resource_id": e["resource_id"], "title": resources[e["resource_id"]]})
        elif e.get("thread_id") in threads:
            shown.append({"thread_id": e["thread_id"], "title": threads[e["thread_id"]]})
    return shown


async def milestone_view(db: AsyncSession, viewer: User, plan: TransferPlan, m: TransferMilestone) -> dict:
    owner = await db.get(User, m.owner_id) if m.owner_id else None
    return {
        "id": m.id,
        "transfer_id": plan.transfer_id,
        "city_id": plan.city_id,
        "key": m.key,
        "title": m.title,
        "due_on": m.due_on.isoformat(),
        "owner": user_brief(owner),
        "state": m.state,
        "overdue": m.state == "open" and m.due_on < now().date(),
        "evidence": await _evidence_view(db, viewer, m.evidence or []),
        "created_at": iso(m.created_at),
        "updated_at": iso(m.updated_at),
    }


async def plan_view(db: AsyncSession, ta: TransferAccess, plan: TransferPlan) -> dict:
    milestones = await db.scalars(
        select(TransferMilestone)
        .where(TransferMilestone.plan_id == plan.id)
        .order_by(TransferMilestone.due_on, TransferMilestone.id)
    )
    city = await db.get(City, plan.city_id)
    editor = await db.get(User, plan.updated_by) if plan.updated_by else None
    return {
        "transfer_id": plan.transfer_id,
        "city_id": plan.city_id,
        "city": city_view(city) if city else None,
        **{k: getattr(plan, k) for k in PLAN_TEXTS},
        "indicators": plan.indicators or [],
        "milestones": [await milestone_view(db, ta.user, plan, m) for m in milestones],
        "practice_id": plan.practice_id,
        "completed_at": iso(plan.completed_at),
        "updated_at": iso(plan.updated_at),
        "updated_by": user_brief(editor),
        "can_edit": ta.can_edit_plan(plan.city_id),
        "can_comment": ta.can_comment(plan.city_id),
    }


def entry_view(plan: TransferPlan, entry: TransferLogEntry, author: User | None) -> dict:
    return {
        "id": entry.id,
        "transfer_id": plan.transfer_id,
        "city_id": plan.city_id,
        "kind": entry.kind,
        "field": entry.field,
        "change": entry.change,
        "reason": entry.reason,
        "notes": entry.notes,
        "author": user_brief(author),
        "created_at": iso(entry.created_at),
    }


# --- the plan document --------------------------------------------------------


async def get_plan(db: AsyncSession, actor: User, transfer_id: int, city_id: int) -> dict:
    ta = await transfer_access(db, actor, transfer_id)
    return await plan_view(db, ta, await plan_for(db, ta, city_id))


def _indicators(items: list[dict]) -> list[dict]:
    """JSON for the column: dates as ISO strings, numbers as floats."""
    return [
        {
            "name": i["name"],
            "unit": i["unit"].strip(),
            "baseline": i.get("baseline"),
            "target": i.get("target"),
            "measurements": [
                {"on": m["on"].isoformat(), "value": float(m["value"]), "note": m.get("note", "")}
                for m in sorted(i.get("measurements") or [], key=lambda m: m["on"])
            ],
        }
        for i in items
    ]


async def put_plan(db: AsyncSession, actor: User, transfer_id: int, city_id: int, document: dict) -> dict:
    """Replace the plan document of one implementing city (its milestones and log are apart)."""
    ta = await transfer_access(db, actor, transfer_id)
    plan = await plan_for(db, ta, city_id, for_update=True)
    ta.require_plan_editor(city_id)
    indicators = _indicators(document.get("indicators") or [])
    names = [i["name"].casefold() for i in indicators]
    if len(set(names)) != len(names):
        raise Invalid("Two indicators have the same name.", fields={"indicators": problem("repeated")})
    wanted = {**{k: document.get(k) or "" for k in PLAN_TEXTS}, "indicators": indicators}
    changed = [k for k, v in wanted.items() if getattr(plan, k) != v]
    if changed:
        for key in changed:
            setattr(plan, key, wanted[key])
        plan.updated_by, plan.updated_at = actor.id, now()
        await db.flush()
        await changelog.record(
            db,
            events.TransferPlanned(transfer_id=transfer_id, city_id=city_id, changed=changed),
            space_id=ta.transfer.space_id,
        )
    return await plan_view(db, ta, plan)


# --- milestones -----------------------------------------------------------------


async def _check_owner(db: AsyncSession, space_id: int, owner_id: int | None) -> None:
    if owner_id is None:
        return
    member = await db.scalar(
        select(Membership.user_id).where(
            Membership.space_id == space_id, Membership.user_id == owner_id, Membership.state == "active"
        )
    )
    if member is None:
        raise Invalid("A milestone's owner is a member of the space.", fields={"owner_id": problem("not_found")})


async def _check_evidence(db: AsyncSession, actor: User, evidence: list[dict]) -> list[dict]:
    items = [{k: v for k, v in e.items() if v is not None} for e in evidence]
    items = [e for e in items if e]
    shown = await _evidence_view(db, actor, items)
    missing = len(items) - len(shown)
    if missing:
        cited = {str(e.get("resource_id") or e.get("thread_id")) for e in items if not e.get("url")}
        found = {str(e.get("resource_id") or e.get("thread_id")) for e in shown if not e.get("url")}
        raise Invalid(
            "Some evidence cannot be found.",
            code="unknown_evidence",
            fields={"evidence": problem("unknown_ids", ids=", ".join(sorted(cited - found)) or "?")},
        )
    return items


async def _announce_milestone(db: AsyncSession, ta: TransferAccess, plan: TransferPlan, m: TransferMilestone, added):
    await changelog.record(
        db,
        events.TransferTracked(
            transfer_id=plan.transfer_id,
            city_id=plan.city_id,
            milestone_id=m.id,
            state=m.state,
            due_on=m.due_on.isoformat(),
            added=added,
        ),
        space_id=ta.transfer.space_id,
    )


async def add_milestone(db: AsyncSession, actor: User, transfer_id: int, city_id: int, fields: dict) -> dict:
    ta = await transfer_access(db, actor, transfer_id)
    plan = await plan_for(db, ta, city_id)
    ta.require_plan_editor(city_id)
    await _check_owner(db, ta.transfer.space_id, fields.get("owner_id"))
    milestone = TransferMilestone(
        plan_id=plan.id,
        key=None,
        title=fields["title"],
        due_on=fields["due_on"],
        owner_id=fields.get("owner_id"),
        state="open",
        evidence=await _check_evidence(db, actor, fields.get("evidence") or []),
    )
    db.add(milestone)
    await db.flush()
    await db.refresh(milestone)
    await _announce_milestone(db, ta, plan, milestone, True)
    return await milestone_view(db, actor, plan, milestone)


async def update_milestone(db: AsyncSession, actor: User, milestone_id: int, changes: dict) -> dict:
    row = (
        await db.execute(
            select(TransferMilestone, TransferPlan)
            .join(TransferPlan, TransferPlan.id == TransferMilestone.plan_id)
            .where(TransferMilestone.id == milestone_id)
            .with_for_update(of=TransferMilestone)
        )
    ).first()
    if row is None:
        raise NotFound("No such milestone.")
    milestone, plan = row
    try:
        ta = await transfer_access(db, actor, plan.transfer_id)
    except NotFound:
        raise NotFound("No such milestone.") from None
    ta.require_plan_editor(plan.city_id)
    if "owner_id" in changes:
        await _check_owner(db, ta.transfer.space_id, changes["owner_id"])
    if "evidence" in changes:
        changes["evidence"] = await _check_evidence(db, actor, changes["evidence"])
    changed = [k for k, v in changes.items() if getattr(milestone, k) != v]
    if changed:
        for key in changed:
            setattr(milestone, key, changes[key])
        milestone.updated_at = now()
        await db.flush()
        await _announce_milestone(db, ta, plan, milestone, False)
    return await milestone_view(db, actor, plan, milestone)


# --- the adaptation log -----------------------------------------------------------


async def entries(db: AsyncSession, plan: TransferPlan) -> list[tuple[TransferLogEntry, User | None]]:
    rows = await db.execute(
        select(TransferLogEntry, User)
        .outerjoin(User, User.id == TransferLogEntry.author_id)
        .where(TransferLogEntry.plan_id == plan.id)
        .order_by(TransferLogEntry.id)
    )
    return [(e, u) for e, u in rows.all()]


async def list_log(db: AsyncSession, actor: User, transfer_id: int, city_id: int) -> list[dict]:
    ta = await transfer_access(db, actor, transfer_id)
    plan = await plan_for(db, ta, city_id)
    return [entry_view(plan, e, u) for e, u in await entries(db, plan)]


async def add_log_entry(db: AsyncSession, actor: User, transfer_id: int, city_id: int, fields: dict) -> dict:
    """An adaptation (the plan's editors) or a comment (they, and the mentor city's officials)."""
    ta = await transfer_access(db, actor, transfer_id)
    plan = await plan_for(db, ta, city_id)
    if fields["kind"] == "comment":
        if not ta.can_comment(city_id):
            ta.require_plan_editor(city_id)  # the refusal names who may write
    else:
        ta.require_plan_editor(city_id)
    entry = TransferLogEntry(
        plan_id=plan.id,
        kind=fields["kind"],
        field=fields.get("field"),
        change=fields.get("change", ""),
        reason=fields.get("reason", ""),
        notes=fields.get("notes", ""),
        author_id=actor.id,
    )
    db.add(entry)
    await db.flush()
    await db.refresh(entry)
    await changelog.record(
        db,
        events.TransferLogged(
            transfer_id=transfer_id, city_id=city_id, entry_id=entry.id, kind=entry.kind, field=entry.field
        ),
        space_id=ta.transfer.space_id,
    )
    return entry_view(plan, entry, actor)
