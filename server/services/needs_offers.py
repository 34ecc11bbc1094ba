"""Needs and offers: what a city is looking for, and the reviewed practices it can pass on.

Each is visible to the whole network or only to chosen spaces. Who may read one: admins, the
city's officials, and (for the network) everyone signed in or (for chosen spaces) their active
members. Anyone else is told it does not exist (404), as for spaces."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ColumnElement, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import City, Membership, Need, Offer, Resource, Space, SpaceCity, User
from server.errors import Invalid, NotFound, problem
from server.services import changelog
from server.services.access import readable_spaces_clause
from server.services.city_profiles import practice_brief, require_editor
from server.services.views import city_view, iso

Item = Need | Offer
NEED_FIELDS = ("theme", "challenge", "languages", "timeframe", "help_kinds", "audience", "space_ids")
OFFER_FIELDS = ("transfer_conditions", "mentoring_capacity", "languages", "audience", "space_ids")


def visible_clause(model: type[Need] | type[Offer], user: User) -> ColumnElement[bool]:
    """A SQL condition for exactly the needs (or offers) the user may read."""
    if user.is_admin:
        return true()
    in_chosen = (
        select(Membership.space_id)
        .where(
            Membership.user_id == user.id,
            Membership.state == "active",
            Membership.space_id == model.space_ids.any_(),
        )
        .exists()
    )
    own = model.city_id == user.city_id if user.city_id is not None else model.id.is_(None)
    return or_(model.audience == "network", own, in_chosen)


async def get_item(db: AsyncSession, model, user: User, item_id: int, *, for_update: bool = False):
    query = select(model).where(model.id == item_id, visible_clause(model, user))
    if for_update:
        query = query.with_for_update(key_share=True)
    item = await db.scalar(query)
    if item is None:
        raise NotFound(f"No such {model.__tablename__[:-1]}.")
    return item


async def get_need(db: AsyncSession, user: User, need_id: int, *, for_update: bool = False) -> Need:
    return await get_item(db, Need, user, need_id, for_update=for_update)


async def get_offer(db: AsyncSession, user: User, offer_id: int, *, for_update: bool = False) -> Offer:
    return await get_item(db, Offer, user, offer_id, for_update=for_update)


def need_view(need: Need, city: City | None) -> dict:
    return {
        "id": need.id,
        "city_id": need.city_id,
        "city": city_view(city) if city else None,
        **{k: getattr(need, k) for k in NEED_FIELDS},
        "created_at": iso(need.created_at),
        "updated_at": iso(need.updated_at),
    }


def offer_view(offer: Offer, city: City | None, practice: Resource) -> dict:
    return {
        "id": offer.id,
        "city_id": offer.city_id,
        "city": city_view(city) if city else None,
        "practice": practice_brief(practice),
        "themes": list(practice.themes or []),
        **{k: getattr(offer, k) for k in OFFER_FIELDS},
        "created_at": iso(offer.created_at),
        "updated_at": iso(offer.updated_at),
    }


async def _check_audience(db: AsyncSession, user: User, fields: dict) -> None:
    if fields.get("audience", "network") == "spaces" and not fields.get("space_ids"):
        raise Invalid("Choose at least one space.", code="no_spaces", fields={"space_ids": problem("required")})
    wanted = set(fields.get("space_ids") or [])
    readable = set((await db.scalars(select(Space.id).where(Space.id.in_(wanted), readable_spaces_clause(user)))).all())
    if wanted - readable:
        raise Invalid(
            "Some of these spaces do not exist.", code="unknown_space", fields={"space_ids": problem("unknown_space")}
        )
    if fields.get("audience") == "network":
        fields["space_ids"] = []


async def _targets(db: AsyncSession, item: Item) -> set[int]:
    """The spaces whose streams hear about the item (server/events/matching.py)."""
    if item.audience == "spaces":
        return set(item.space_ids or [])
    network = select(Space.id).where(Space.visibility == "network")
    own = select(SpaceCity.space_id).where(SpaceCity.city_id == item.city_id)
    return set((await db.scalars(select(Space.id).where(or_(Space.id.in_(network), Space.id.in_(own))))).all())


async def _theme(db: AsyncSession, item: Item) -> str:
    if isinstance(item, Need):
        return item.theme
    practice = await db.get(Resource, item.practice_id)
    return (practice.themes or [""])[0] if practice else ""


_KINDS = {
    (Need, "created"): events.NeedCreated,
    (Need, "updated"): events.NeedUpdated,
    (Need, "deleted"): events.NeedDeleted,
    (Offer, "created"): events.OfferCreated,
    (Offer, "updated"): events.OfferUpdated,
    (Offer, "deleted"): events.OfferDeleted,
}


async def _announce(db: AsyncSession, item: Item, kind: str, before: set[int] | None = None) -> None:
    """`kind` to the spaces that may read the item now; `deleted` to those that could before only."""
    data = {"id": item.id, "city_id": item.city_id, "theme": await _theme(db, item), "audience": item.audience}
    now = set() if kind == "deleted" else await _targets(db, item)
    announce, withdraw = _KINDS[type(item), kind], _KINDS[type(item), "deleted"]
    for space_id in sorted(now):
        await changelog.record(db, announce(**data), space_id=space_id)
    for space_id in sorted((before or set()) - now):
        await changelog.record(db, withdraw(**data), space_id=space_id)


async def list_items(db: AsyncSession, user: User, model, city_id: int | None, theme: str | None) -> list[dict]:
    query = select(model, City).join(City, City.id == model.city_id).where(visible_clause(model, user))
    if city_id is not None:
        query = query.where(model.city_id == city_id)
    if model is Offer:
        query = query.add_columns(Resource).join(Resource, Resource.id == Offer.practice_id)
        if theme is not None:
            query = query.where(literal(theme) == Resource.themes.any_())
        rows = (await db.execute(query.order_by(Offer.id.desc()))).all()
        return [offer_view(r.Offer, r.City, r.Resource) for r in rows]
    if theme is not None:
        query = query.where(Need.theme == theme)
    return [need_view(r.Need, r.City) for r in (await db.execute(query.order_by(Need.id.desc()))).all()]


async def view(db: AsyncSession, item: Item) -> dict:
    city = await db.get(City, item.city_id)
    if isinstance(item, Need):
        return need_view(item, city)
    return offer_view(item, city, await db.get(Resource, item.practice_id))


async def _reviewed_practice(db: AsyncSession, user: User, practice_id: int, city_id: int) -> Resource:
    practice = await db.scalar(
        select(Resource).where(
            Resource.id == practice_id,
            Resource.kind == "practice",
            Resource.hidden_at.is_(None),
            Resource.space_id.in_(select(Space.id).where(readable_spaces_clause(user))),
        )
    )
    if practice is None:
        raise Invalid("No such practice record.", code="unknown_practice", fields={"practice_id": problem("not_found")})
    if (practice.details or {}).get("review_status") != "reviewed" or practice.city_id != city_id:
        raise Invalid(
            "Only a reviewed practice record of the offering city can be offered.",
            code="practice_not_reviewed",
            fields={"practice_id": problem("not_reviewed_practice")},
        )
    return practice


async def create(db: AsyncSession, actor: User, model, fields: dict) -> dict:
    city = await db.get(City, fields["city_id"])
    if city is None:
        raise Invalid("No such city.", code="unknown_city", fields={"city_id": problem("unknown_city")})
    await require_editor(db, actor, city.id)
    await _check_audience(db, actor, fields)
    if model is Offer:
        await _reviewed_practice(db, actor, fields["practice_id"], city.id)
    item = model(**fields, author_id=actor.id)
    db.add(item)
    await db.flush()
    await _announce(db, item, "created")
    return await view(db, item)


async def update(db: AsyncSession, actor: User, model, item_id: int, changes: dict) -> dict:
    item = await get_item(db, model, actor, item_id, for_update=True)
    await require_editor(db, actor, item.city_id)
    merged = {"audience": item.audience, "space_ids": item.space_ids, **changes}
    await _check_audience(db, actor, merged)
    before = await _targets(db, item)
    for key in NEED_FIELDS if model is Need else OFFER_FIELDS:
        if key in merged and (key in changes or key == "space_ids"):
            setattr(item, key, merged[key])
    item.updated_at = datetime.now(UTC)
    await db.flush()
    await _announce(db, item, "updated", before)
    return await view(db, item)


async def delete(db: AsyncSession, actor: User, model, item_id: int) -> None:
    item = await get_item(db, model, actor, item_id, for_update=True)
    await require_editor(db, actor, item.city_id)
    await _announce(db, item, "deleted", await _targets(db, item))
    await db.delete(item)
    await db.flush()
