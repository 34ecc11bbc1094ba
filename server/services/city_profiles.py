"""City profiles: figures with their years, a history kept year by year, and the city editors
(officials of the city whom an admin lets edit it). Every change is audited and announced."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import (
    City,
    CityEditor,
    CityProfile,
    CityProfileVersion,
    Membership,
    PracticeAdaptation,
    Resource,
    Space,
    SpaceCity,
    User,
)
from server.errors import Conflict, Forbidden, NotFound, problem
from server.services import audit, changelog
from server.services.access import readable_spaces_clause, require_admin
from server.services.cities import can_edit, get_city
from server.services.spaces import cities_of
from server.services.views import city_view, iso, space_view

FIELDS = ("population", "population_trend", "migration", "languages", "offices")
EMPTY = {"population": None, "population_trend": None, "migration": {}, "languages": [], "offices": []}


async def editor_ids(db: AsyncSession, city_id: int) -> list[int]:
    query = select(CityEditor.user_id).where(CityEditor.city_id == city_id).order_by(CityEditor.user_id)
    return list((await db.scalars(query)).all())


async def require_editor(db: AsyncSession, user: User, city_id: int) -> None:
    if not await can_edit(db, user, city_id):
        raise Forbidden("Only admins and this city's editors can do this.", code="not_a_city_editor")


def practice_brief(r: Resource) -> dict:
    details = r.details or {}
    return {
        "id": r.id,
        "space_id": r.space_id,
        "title": r.title,
        "themes": list(r.themes or []),
        "review_status": details.get("review_status", "draft"),
    }


async def _practices(db: AsyncSession, viewer: User, city_id: int) -> tuple[list[dict], list[dict]]:
    """The city's practice records the viewer may read, and those it took up from others."""
    readable = select(Space.id).where(readable_spaces_clause(viewer))
    base = select(Resource).where(
        Resource.kind == "practice", Resource.hidden_at.is_(None), Resource.space_id.in_(readable)
    )
    own = (await db.scalars(base.where(Resource.city_id == city_id).order_by(Resource.id))).all()
    adopted_ids = select(PracticeAdaptation.practice_id).where(PracticeAdaptation.practice_id.in_([r.id for r in own]))
    adopted = [r for r in own if r.id in set((await db.scalars(adopted_ids)).all())]
    return [practice_brief(r) for r in own], [practice_brief(r) for r in adopted]


async def _spaces_and_partners(db: AsyncSession, viewer: User, city: City) -> tuple[list[dict], list[dict]]:
    rows = (
        await db.execute(
            select(Space, Membership)
            .join(SpaceCity, SpaceCity.space_id == Space.id)
            .outerjoin(Membership, (Membership.space_id == Space.id) & (Membership.user_id == viewer.id))
            .where(SpaceCity.city_id == city.id, readable_spaces_clause(viewer))
            .order_by(Space.name, Space.id)
        )
    ).all()
    cities = await cities_of(db, [r.Space.id for r in rows])
    spaces = [space_view(r.Space, cities[r.Space.id], r.Membership) for r in rows]
    partners = {c.id: c for r in rows for c in cities[r.Space.id] if c.id != city.id}
    return spaces, [city_view(c) for c in sorted(partners.values(), key=lambda c: (c.name, c.id))]


async def get_profile(db: AsyncSession, viewer: User, city_id: int) -> dict:
    city = await get_city(db, city_id)
    profile = await db.get(CityProfile, city_id)
    history = (
        await db.scalars(
            select(CityProfileVersion)
            .where(CityProfileVersion.city_id == city_id)
            .order_by(CityProfileVersion.id.desc())
        )
    ).all()
    spaces, partners = await _spaces_and_partners(db, viewer, city)
    practices, adopted = await _practices(db, viewer, city_id)
    return {
        "city": city_view(city),
        "year": profile.year if profile else None,
        **EMPTY,
        **(profile.data if profile else {}),
        "history": [{"year": v.year, "data": v.data, "replaced_at": iso(v.replaced_at)} for v in history],
        "spaces": spaces,
        "partners": partners,
        "practices": practices,
        "adopted_practices": adopted,
        "editors": await editor_ids(db, city_id),
        "can_edit": await can_edit(db, viewer, city_id),
    }


async def update_profile(db: AsyncSession, actor: User, city_id: int, changes: dict) -> dict:
    """Apply a PATCH: the values it replaces are kept, with their year, in the history."""
    await get_city(db, city_id)
    await require_editor(db, actor, city_id)
    profile = await db.get(CityProfile, city_id, with_for_update={"key_share": True})
    year = changes.pop("year", None) or (profile.year if profile else datetime.now(UTC).year)
    if profile is None:
        profile = CityProfile(city_id=city_id, year=year, data={})
        db.add(profile)
    else:
        db.add(CityProfileVersion(city_id=city_id, year=profile.year, data=profile.data, edited_by=actor.id))
    changed = sorted(k for k in FIELDS if k in changes and changes[k] != profile.data.get(k))
    profile.data = {**profile.data, **{k: changes[k] for k in FIELDS if k in changes}}
    changed += ["year"] if profile.year != year else []
    profile.year, profile.updated_by, profile.updated_at = year, actor.id, datetime.now(UTC)
    await db.flush()
    details = {"year": year, "changed": changed}
    await audit.record(db, actor, "city.profile", space_id=None, target_kind="city", target_id=city_id, details=details)
    paired = (await db.scalars(select(SpaceCity.space_id).where(SpaceCity.city_id == city_id))).all()
    for space_id in sorted(paired):
        await changelog.record(
            db, events.ProfileUpdated(city_id=city_id, year=year, changed=changed), space_id=space_id
        )
    return await get_profile(db, actor, city_id)


async def set_editor(db: AsyncSession, actor: User, city_id: int, user_id: int, *, grant: bool) -> list[int]:
    """Grant or withdraw the `city editor` role (admins only); only the city's officials hold it."""
    require_admin(actor)
    await get_city(db, city_id)
    user = await db.get(User, user_id)
    if user is None or user.deactivated_at is not None:
        raise NotFound("No such user.")
    existing = await db.get(CityEditor, (city_id, user_id))
    if grant and existing is None:
        if user.city_id != city_id:
            raise Conflict(
                "Only an official of this city can edit its profile.",
                code="not_an_official",
                fields={"user_id": problem("other_city")},
            )
        db.add(CityEditor(city_id=city_id, user_id=user_id, granted_by=actor.id))
    elif not grant and existing is not None:
        await db.delete(existing)
    else:
        return await editor_ids(db, city_id)
    await db.flush()
    action = "city.editor.grant" if grant else "city.editor.revoke"
    await audit.record(
        db, actor, action, space_id=None, target_kind="city", target_id=city_id, details={"user_id": user_id}
    )
    return await editor_ids(db, city_id)
