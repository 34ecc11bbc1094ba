"""Practice transfers (issue 19): a source practice record (its city is the mentor) travels to one
or more implementing cities, in a space whose readers follow it.

Who may do what, everywhere in this module and in transfer_plans.py:
- readers of the transfer's space read it, its plans, milestones and log; anyone else gets 404;
- the coordinator and the officials of an implementing city (members of the space) edit that
  city's plan, milestones and log, and complete it; the mentor city's officials add comments;
- only the coordinator or a moderator of the space (or an admin) moves the state, changes the
  dates or names another coordinator; a moderator who is not the coordinator is audited.

The state machine, the date order and the milestone template are in transfers_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import City, Membership, Resource, Transfer, TransferMilestone, TransferPlan, User
from server.errors import Conflict, Forbidden, Invalid, NotFound, problem
from server.services import audit, changelog
from server.services import transfers_rules as rules
from server.services.access import SpaceAccess, readable_spaces_clause, space_access
from server.services.accounts import now
from server.services.library.resource_views import resource_access
from server.services.views import city_view, iso, user_brief

MILESTONE_TITLES = {
    "transfer_plan": "Transfer plan",
    "midpoint": "Midpoint",
    "end_of_learning": "End of the learning phase",
    "sharing": "Sharing",
}


@dataclass(frozen=True)
class TransferAccess:
    transfer: Transfer
    access: SpaceAccess

    @property
    def user(self) -> User:
        return self.access.user

    @property
    def is_coordinator(self) -> bool:
        return self.transfer.coordinator_id == self.user.id and self.access.can_post

    @property
    def can_change_state(self) -> bool:
        return self.access.is_moderator or self.is_coordinator

    def can_edit_plan(self, city_id: int) -> bool:
        return self.user.is_admin or self.is_coordinator or (self.access.is_member and self.user.city_id == city_id)

    def can_comment(self, city_id: int) -> bool:
        mentor_city = self.transfer.mentor_city_id
        mentor = self.access.is_member and mentor_city is not None and self.user.city_id == mentor_city
        return mentor or self.can_edit_plan(city_id)

    def require_plan_editor(self, city_id: int) -> None:
        if not self.can_edit_plan(city_id):
            raise Forbidden(
                "Only the coordinator and officials of the implementing city edit its plan.", code="not_an_official"
            )

    def require_state_changer(self) -> None:
        if not self.can_change_state:
            raise Forbidden(
                "Only the coordinator or a moderator of the space changes a transfer.", code="not_a_moderator"
            )


async def transfer_access(
    db: AsyncSession, user: User, transfer_id: int, *, for_update: bool = False
) -> TransferAccess:
    """The transfer and the user's standing; NotFound if they may not read its space."""
    query = select(Transfer).where(Transfer.id == transfer_id)
    if for_update:
        query = query.with_for_update()
    transfer = await db.scalar(query)
    if transfer is None:
        raise NotFound("No such transfer.")
    access = await space_access(db, user, transfer.space_id, missing="No such transfer.")
    return TransferAccess(transfer, access)


async def plans_of(db: AsyncSession, transfer_id: int) -> list[TransferPlan]:
    return list(
        await db.scalars(select(TransferPlan).where(TransferPlan.transfer_id == transfer_id).order_by(TransferPlan.id))
    )


# --- views ------------------------------------------------------------------


async def readable_source(db: AsyncSession, viewer: User, practice_id: int | None) -> Resource | None:
    """The source record if the viewer may read it; None otherwise (it does not exist for them)."""
    if practice_id is None:
        return None
    try:
        resource, _ = await resource_access(db, viewer, practice_id)
    except NotFound:
        return None
    return resource


def _payload(transfer: Transfer, plans: list[TransferPlan]) -> dict:
    return {
        "id": transfer.id,
        "space_id": transfer.space_id,
        "source_practice_id": transfer.source_practice_id,
        "mentor_city_id": transfer.mentor_city_id,
        "implementing_city_ids": [p.city_id for p in plans],
        "coordinator_id": transfer.coordinator_id,
        "state": transfer.state,
        "starts_on": transfer.starts_on.isoformat(),
        "ends_on": transfer.ends_on.isoformat() if transfer.ends_on else None,
    }


async def _plan_brief(db: AsyncSession, plan: TransferPlan, today: date) -> dict:
    milestones = list(await db.scalars(select(TransferMilestone).where(TransferMilestone.plan_id == plan.id)))
    city = await db.get(City, plan.city_id)
    return {
        "city_id": plan.city_id,
        "city": city_view(city) if city else None,
        "practice_id": plan.practice_id,
        "completed_at": iso(plan.completed_at),
        "milestones": len(milestones),
        "milestones_done": sum(m.state == "done" for m in milestones),
        "milestones_overdue": sum(m.state == "open" and m.due_on < today for m in milestones),
    }


async def view(db: AsyncSession, viewer: User, ta: TransferAccess) -> dict:
    transfer = ta.transfer
    plans = await plans_of(db, transfer.id)
    source = await readable_source(db, viewer, transfer.source_practice_id)
    mentor = await db.get(City, transfer.mentor_city_id) if transfer.mentor_city_id else None
    coordinator = await db.get(User, transfer.coordinator_id) if transfer.coordinator_id else None
    today = now().date()
    return {
        **_payload(transfer, plans),
        "source_practice": (
            {"id": source.id, "space_id": source.space_id, "title": source.title, "city_id": source.city_id}
            if source
            else None
        ),
        "mentor_city": city_view(mentor) if mentor else None,
        "coordinator": user_brief(coordinator),
        "next_states": sorted(rules.TRANSITIONS[transfer.state], key=rules.STATES.index),
        "created_at": iso(transfer.created_at),
        "updated_at": iso(transfer.updated_at),
        "plans": [await _plan_brief(db, p, today) for p in plans],
        "can_change_state": ta.can_change_state,
    }


async def announce(db: AsyncSession, transfer: Transfer, changed: list[str] | None = None) -> None:
    payload = _payload(transfer, await plans_of(db, transfer.id))
    if changed is None:
        await changelog.record(db, events.TransferCreated(**payload), space_id=transfer.space_id)
    else:
        await changelog.record(db, events.TransferUpdated(**payload, changed=changed), space_id=transfer.space_id)


# --- creating, reading, changing ---------------------------------------------


async def _check_cities(db: AsyncSession, city_ids: list[int], mentor_city_id: int) -> None:
    found = set((await db.scalars(select(City.id).where(City.id.in_(city_ids)))).all())
    unknown = [str(c) for c in city_ids if c not in found]
    if unknown:
        raise Invalid(
            "Some implementing cities do not exist.",
            code="unknown_city",
            fields={"implementing_city_ids": problem("unknown_ids", ids=", ".join(unknown))},
        )
    if mentor_city_id in city_ids:
        raise Invalid(
            "The mentor city does not implement its own practice.",
            code="same_city",
            fields={"implementing_city_ids": problem("mentor_city")},
        )


async def create(db: AsyncSession, actor: User, fields: dict) -> dict:
    """Propose a transfer in a space (its members); the actor coordinates it. Each implementing
    city gets a plan with the template's milestones, due from the start."""
    access = await space_access(db, actor, fields["space_id"])
    access.require_post()
    source = await readable_source(db, actor, fields["source_practice_id"])
    if source is None:
        raise Invalid("No such practice record.", fields={"source_practice_id": problem("not_found")})
    if source.kind != "practice":
        raise Invalid(
            "Only a practice record is transferred.",
            code="not_a_practice",
            fields={"source_practice_id": problem("not_a_practice")},
        )
    if source.city_id is None:
        raise Conflict("The source practice record names no city: give it its city first.")
    city_ids = list(fields["implementing_city_ids"])
    await _check_cities(db, city_ids, source.city_id)
    starts_on = fields.get("starts_on") or now().date()
    rules.check_dates(starts_on, fields.get("ends_on"))
    transfer = Transfer(
        space_id=access.space.id,
        source_practice_id=source.id,
        mentor_city_id=source.city_id,
        coordinator_id=actor.id,
        state="proposed",
        starts_on=starts_on,
        ends_on=fields.get("ends_on"),
    )
    db.add(transfer)
    await db.flush()
    for city_id in city_ids:
        plan = TransferPlan(transfer_id=transfer.id, city_id=city_id, indicators=[], updated_by=actor.id)
        plan.local_context = plan.adaptations = plan.stakeholders = plan.resources = plan.risks = ""
        db.add(plan)
        await db.flush()
        db.add_all(
            TransferMilestone(
                plan_id=plan.id,
                key=m["key"],
                title=MILESTONE_TITLES[m["key"]],
                due_on=m["due_on"],
                state="open",
                evidence=[],
                owner_id=actor.id,
            )
            for m in rules.template_milestones(starts_on)
        )
    await db.flush()
    await db.refresh(transfer)
    await announce(db, transfer)
    return await view(db, actor, TransferAccess(transfer, access))


async def get(db: AsyncSession, actor: User, transfer_id: int) -> dict:
    return await view(db, actor, await transfer_access(db, actor, transfer_id))


async def list_transfers(db: AsyncSession, actor: User, filters: dict) -> list[dict]:
    """Transfers in spaces the actor may read, newest first, by space, city (mentor or
    implementing), source practice and state."""
    from server.db.models import Space

    query = select(Transfer).join(Space, Space.id == Transfer.space_id).where(readable_spaces_clause(actor))
    if filters.get("space"):
        query = query.where(Transfer.space_id == filters["space"])
    if filters.get("practice"):
        query = query.where(Transfer.source_practice_id == filters["practice"])
    if filters.get("state"):
        query = query.where(Transfer.state == filters["state"])
    if filters.get("city"):
        implementing = select(TransferPlan.transfer_id).where(TransferPlan.city_id == filters["city"])
        query = query.where(or_(Transfer.mentor_city_id == filters["city"], Transfer.id.in_(implementing)))
    found = list(await db.scalars(query.order_by(Transfer.id.desc()).limit(200)))
    items = []
    for transfer in found:
        access = await space_access(db, actor, transfer.space_id)
        items.append(await view(db, actor, TransferAccess(transfer, access)))
    return items


async def _check_coordinator(db: AsyncSession, space_id: int, user_id: int) -> None:
    membership = await db.scalar(
        select(Membership).where(
            Membership.space_id == space_id, Membership.user_id == user_id, Membership.state == "active"
        )
    )
    if membership is None:
        raise Invalid(
            "The coordinator must be a member of the transfer's space.",
            code="not_a_member",
            fields={"coordinator_id": problem("not_found")},
        )


async def update(db: AsyncSession, actor: User, transfer_id: int, changes: dict) -> dict:
    """Move the state (one allowed step), change the dates or the coordinator."""
    ta = await transfer_access(db, actor, transfer_id, for_update=True)
    ta.require_state_changer()
    transfer = ta.transfer
    before, by_coordinator = transfer.state, ta.is_coordinator
    if "state" in changes:
        rules.check_move(transfer.state, changes["state"])
    starts_on = changes.get("starts_on", transfer.starts_on)
    ends_on = changes.get("ends_on", transfer.ends_on)
    rules.check_dates(starts_on, ends_on)
    if "coordinator_id" in changes and changes["coordinator_id"] != transfer.coordinator_id:
        await _check_coordinator(db, transfer.space_id, changes["coordinator_id"])
    changed = [k for k, v in changes.items() if getattr(transfer, k) != v]
    if not changed:
        return await view(db, actor, ta)
    for key in changed:
        setattr(transfer, key, changes[key])
    transfer.updated_at = now()
    await db.flush()
    if not by_coordinator:  # a moderator (or an admin) acting on someone else's transfer
        await audit.record(
            db,
            actor,
            "transfer.updated",
            space_id=transfer.space_id,
            target_kind="transfer",
            target_id=transfer.id,
            details={"changed": changed, "state": [before, transfer.state]},
        )
    await announce(db, transfer, changed)
    return await view(db, actor, ta)
