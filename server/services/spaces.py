"""Spaces pairing cities, and who belongs to them."""

from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import City, Invitation, Membership, Space, SpaceCity, User
from server.errors import Conflict, Forbidden, Invalid, NotFound, problem
from server.services import audit, changelog
from server.services.access import SpaceAccess, readable_spaces_clause, require_admin, space_access
from server.services.views import member_view, space_view


async def _cities(db: AsyncSession, city_ids: list[int]) -> list[City]:
    if len(set(city_ids)) < 2:
        raise Invalid("A space pairs at least two cities.", fields={"city_ids": problem("too_few_cities", min=2)})
    cities = list((await db.scalars(select(City).where(City.id.in_(city_ids)))).all())
    missing = set(city_ids) - {c.id for c in cities}
    if missing:
        raise Invalid(
            "Unknown cities.", fields={"city_ids": problem("unknown_ids", ids=", ".join(map(str, sorted(missing))))}
        )
    return sorted(cities, key=lambda c: city_ids.index(c.id))


async def cities_of(db: AsyncSession, space_ids: list[int]) -> dict[int, list[City]]:
    rows = await db.execute(
        select(SpaceCity.space_id, City)
        .join(City, City.id == SpaceCity.city_id)
        .where(SpaceCity.space_id.in_(space_ids))
        .order_by(City.profile.desc(), City.name)
    )
    result: dict[int, list[City]] = {sid: [] for sid in space_ids}
    for space_id, city in rows:
        result[space_id].append(city)
    return result


async def view(db: AsyncSession, access: SpaceAccess) -> dict:
    cities = (await cities_of(db, [access.space.id]))[access.space.id]
    return space_view(access.space, cities, access.membership)


async def create_space(db: AsyncSession, actor: User, fields: dict) -> dict:
    """Pair two or more cities into a new space (admins only)."""
    require_admin(actor)
    cities = await _cities(db, fields["city_ids"])
    space = Space(
        name=fields["name"],
        description=fields.get("description", ""),
        themes=fields.get("themes", []),
        visibility=fields.get("visibility", "members"),
        created_by=actor.id,
    )
    db.add(space)
    await db.flush()
    db.add_all([SpaceCity(space_id=space.id, city_id=c.id) for c in cities])
    data = space_view(space, cities)
    await changelog.record(db, events.SpaceCreated(**data), space_id=space.id)
    return data


async def list_spaces(db: AsyncSession, actor: User) -> list[dict]:
    rows = (
        await db.execute(
            select(Space, Membership)
            .outerjoin(Membership, (Membership.space_id == Space.id) & (Membership.user_id == actor.id))
            .where(readable_spaces_clause(actor))
            .order_by(Space.name, Space.id)
        )
    ).all()
    cities = await cities_of(db, [r.Space.id for r in rows])
    return [space_view(r.Space, cities[r.Space.id], r.Membership) for r in rows]


async def update_space(db: AsyncSession, actor: User, space_id: int, changes: dict) -> dict:
    """Moderators edit name, description and themes; admins also visibility and cities."""
    access = await space_access(db, actor, space_id, for_update=True)
    access.require_moderator()
    if ("visibility" in changes or "city_ids" in changes) and not actor.is_admin:
        raise Forbidden("Only platform admins change a space's cities or visibility.", code="not_an_admin")
    space = access.space
    for key in ("name", "description", "themes", "visibility"):
        if key in changes:
            setattr(space, key, changes[key])
    if "city_ids" in changes:
        cities = await _cities(db, changes["city_ids"])
        await db.execute(SpaceCity.__table__.delete().where(SpaceCity.space_id == space.id))
        db.add_all([SpaceCity(space_id=space.id, city_id=c.id) for c in cities])
    await db.flush()
    data = await view(db, access)
    data["my_role"] = data["my_state"] = None  # the event goes to every reader, not to the editor
    await changelog.record(db, events.SpaceUpdated(**data), space_id=space.id)
    return data


async def list_members(db: AsyncSession, actor: User, space_id: int) -> list[dict]:
    """Active members; moderators also see pending and suspended ones."""
    access = await space_access(db, actor, space_id)
    query = (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.space_id == space_id)
        .order_by(User.name, User.id)
    )
    if not access.is_moderator:
        query = query.where(Membership.state == "active")
    return [member_view(m, u) for m, u in (await db.execute(query)).all()]


async def set_member(db: AsyncSession, actor: User, space_id: int, user_id: int, role: str) -> dict:
    """Add a user to a space or change their role. Moderators add members; only admins name
    moderators or change a moderator's role. A suspension or a pending request is never lifted
    here: reinstating and approving have their own routes and audit entries."""
    access = await space_access(db, actor, space_id, for_update=True)
    access.require_moderator()
    if role == "moderator" and not actor.is_admin:
        raise Forbidden("Only platform admins name moderators.", code="not_an_admin")
    user = await db.get(User, user_id)
    if user is None or user.deactivated_at is not None:
        raise NotFound("No such user.")
    membership = await db.get(Membership, (space_id, user.id), with_for_update={"key_share": True})
    previous = membership.role if membership is not None else None
    if membership is not None:
        if membership.role == "moderator" and not actor.is_admin:
            raise Forbidden("Only platform admins change a moderator's role.", code="not_an_admin")
        if membership.state == "suspended":
            raise Conflict("This user is suspended from the space: reinstate them instead.", code="member_suspended")
        if membership.state == "pending":
            raise Conflict("This user asked to join: approve their request instead.", code="request_pending")
    data = await add_member(db, space_id, user, role)
    if previous == role:
        return data
    withdrawn = await withdraw_invitations(db, space_id, sent_by=user) if previous == "moderator" else 0
    details = {"role": role, "previous_role": previous, **({"invitations_withdrawn": withdrawn} if withdrawn else {})}
    action = "member.added" if previous is None else "member.role_changed"
    await audit.record(db, actor, action, space_id=space_id, target_kind="user", target_id=user.id, details=details)
    return data


async def withdraw_invitations(
    db: AsyncSession, space_id: int, *, addressed_to: User | None = None, sent_by: User | None = None
) -> int:
    """Delete the space's pending invitations addressed to a user who was suspended or removed (accepting
    one would undo that), or sent by a moderator who lost their standing. Returns how many."""
    conditions = []
    if addressed_to is not None:
        conditions.append(Invitation.email == addressed_to.email)
    if sent_by is not None and not sent_by.is_admin:  # an admin's standing does not depend on the space
        conditions.append(Invitation.invited_by == sent_by.id)
    if not conditions:
        return 0
    result = await db.execute(
        delete(Invitation).where(Invitation.space_id == space_id, Invitation.accepted_at.is_(None), or_(*conditions))
    )
    return result.rowcount or 0


async def add_member(db: AsyncSession, space_id: int, user: User, role: str, state: str = "active") -> dict:
    """Write the membership and its event; callers have checked permission."""
    membership = await db.get(Membership, (space_id, user.id), with_for_update={"key_share": True})
    kind = events.MemberUpdated
    was_active = membership is not None and membership.state == "active"
    if membership is None:
        membership = Membership(space_id=space_id, user_id=user.id, role=role, state=state)
        db.add(membership)
        kind = events.MemberAdded
    else:
        if membership.role == role and membership.state == state:
            return member_view(membership, user)
        membership.role, membership.state = role, state
    await db.flush()
    await db.refresh(membership)
    data = member_view(membership, user)
    await changelog.record(db, kind(**data), space_id=space_id)
    if state == "active" and not was_active:
        await announce_joined(db, membership)
    return data


async def announce_joined(db: AsyncSession, membership: Membership) -> None:
    """A new active member is not subscribed to the space yet: tell them on their own stream."""
    space = await db.get(Space, membership.space_id)
    cities = (await cities_of(db, [space.id]))[space.id]
    await changelog.record(db, events.SpaceJoined(**space_view(space, cities, membership)), user_id=membership.user_id)


async def remove_member(db: AsyncSession, actor: User, space_id: int, user_id: int) -> None:
    """Moderators remove anyone; every member may leave."""
    access = await space_access(db, actor, space_id, for_update=True)
    if user_id != actor.id:
        access.require_moderator()
    membership = await db.get(Membership, (space_id, user_id))
    if membership is None:
        raise NotFound("This user is not a member of the space.")
    target = await db.get(User, user_id)
    if membership.role == "moderator" and user_id != actor.id and not actor.is_admin:
        raise Forbidden("Only platform admins remove moderators.", code="not_an_admin")
    role = membership.role
    await db.delete(membership)
    await db.flush()
    withdrawn = await withdraw_invitations(db, space_id, addressed_to=target, sent_by=target) if target else 0
    await changelog.record(
        db, events.MemberRemoved(user={"id": user_id, "name": target.name if target else None}), space_id=space_id
    )
    if user_id != actor.id:
        await audit.record(
            db,
            actor,
            "member.removed",
            space_id=space_id,
            target_kind="user",
            target_id=user_id,
            details={"role": role, **({"invitations_withdrawn": withdrawn} if withdrawn else {})},
        )
