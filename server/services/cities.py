"""Cities and their immigration profile. Only admins register and edit them; a city's editors may
also set its two-factor rule."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import City, CityEditor, Space, SpaceCity, User
from server.errors import Conflict, NotFound, problem
from server.services import audit, changelog, spaces
from server.services.access import require_admin
from server.services.views import space_view

FIELDS = ("name", "country", "region", "languages", "profile", "description", "require_totp")
# What a city editor (not an admin) may change: the city's own security rule.
EDITOR_FIELDS = frozenset({"require_totp"})


async def _ensure_unique(db: AsyncSession, name: str, country: str, except_id: int | None = None) -> None:
    query = select(City.id).where(City.name == name, City.country == country)
    if except_id is not None:
        query = query.where(City.id != except_id)
    if await db.scalar(query):
        raise Conflict(
            f"{name}, {country} is already registered.",
            code="city_exists",
            fields={"name": problem("duplicate")},
        )


async def create_city(db: AsyncSession, actor: User, fields: dict) -> City:
    """Register a city (admins only)."""
    require_admin(actor)
    await _ensure_unique(db, fields["name"], fields["country"])
    city = City(**{k: fields[k] for k in FIELDS if k in fields})
    db.add(city)
    await db.flush()
    return city


async def list_cities(db: AsyncSession) -> list[City]:
    return list((await db.scalars(select(City).order_by(City.country, City.name))).all())


async def get_city(db: AsyncSession, city_id: int) -> City:
    city = await db.get(City, city_id)
    if city is None:
        raise NotFound("No such city.")
    return city


async def can_edit(db: AsyncSession, user: User, city_id: int) -> bool:
    """Admins, and the city's own officials who hold its `city editor` role."""
    if user.is_admin:
        return True
    found = await db.get(CityEditor, (city_id, user.id))
    return found is not None and user.city_id == city_id


async def update_city(db: AsyncSession, actor: User, city_id: int, changes: dict) -> City:
    """Edit a city (admins); the city's editors may change its two-factor rule alone."""
    if not changes or set(changes) - EDITOR_FIELDS or not await can_edit(db, actor, city_id):
        require_admin(actor)
    city = await get_city(db, city_id)
    if "require_totp" in changes and changes["require_totp"] != city.require_totp:
        # Who switched a security rule, and when, is the security officer's question: audited.
        details = {"require_totp": changes["require_totp"]}
        await audit.record(
            db, actor, "city.require_totp", space_id=None, target_kind="city", target_id=city.id, details=details
        )
    name, country = changes.get("name", city.name), changes.get("country", city.country)
    await _ensure_unique(db, name, country, except_id=city.id)
    for key in FIELDS:
        if key in changes:
            setattr(city, key, changes[key])
    await db.flush()
    # Spaces show their cities (and search filters on their profiles): tell each space.
    paired = (
        await db.scalars(
            select(Space)
            .join(SpaceCity, SpaceCity.space_id == Space.id)
            .where(SpaceCity.city_id == city.id)
            .order_by(Space.id)
        )
    ).all()
    cities = await spaces.cities_of(db, [space.id for space in paired])
    for space in paired:
        await changelog.record(db, events.SpaceUpdated(**space_view(space, cities[space.id])), space_id=space.id)
    return city
