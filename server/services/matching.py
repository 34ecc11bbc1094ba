"""Partner matching: a deterministic, explainable ranking of the cities that could help with a need
(or use an offer). Each reason has a code, a sentence and a weight; a city's score is the sum of
the weights of its reasons; ties go to the city name, then id. docs/matching.md explains it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import (
    City,
    CityProfile,
    MatchingWeight,
    MatchInterest,
    Need,
    Offer,
    Resource,
    Space,
    SpaceCity,
    User,
)
from server.errors import Forbidden, Invalid, NotFound, problem
from server.services import assessments, audit, changelog, frameworks, spaces
from server.services.access import readable_spaces_clause, require_admin
from server.services.city_profiles import can_edit
from server.services.needs_offers import visible_clause
from server.services.views import city_view
from server.themes import THEMES

# The one table of weights; an admin overrides any of them (PUT /api/matching/weights).
WEIGHTS: dict[str, int] = {
    "complementary_profile": 3,  # a traditional and a newer city of immigration
    "shared_language": 2,  # at least one working language in common
    "practice_on_theme": 4,  # the helper has a reviewed practice record on the theme
    "offer_on_theme": 3,  # the helper offers a practice on the theme
    "need_on_theme": 4,  # (offers) the city has a need on one of the practice's themes
    "assessed_strength": 2,  # the helper's shared self-assessment meets an item on the theme
    "assessed_gap": 2,  # (offers) the city's shared self-assessment has a gap on one of the themes
    "similar_size": 1,  # populations within a factor of two
    "already_partners": 1,  # the two cities already share a space
}
LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish", "nl": "Dutch", "de": "German", "it": "Italian"}


async def weights(db: AsyncSession) -> dict[str, int]:
    overrides = {w.code: w.weight for w in (await db.scalars(select(MatchingWeight))).all()}
    return {code: overrides.get(code, default) for code, default in WEIGHTS.items()}


async def set_weights(db: AsyncSession, actor: User, changes: dict[str, int]) -> dict[str, int]:
    require_admin(actor)
    for code, weight in sorted(changes.items()):
        statement = insert(MatchingWeight).values(code=code, weight=weight)
        await db.execute(statement.on_conflict_do_update(index_elements=["code"], set_={"weight": weight}))
    await audit.record(
        db, actor, "matching.weights", space_id=None, target_kind="matching", target_id=0, details=changes
    )
    return await weights(db)


def _languages(codes: set[str]) -> str:
    return ", ".join(LANGUAGE_NAMES.get(c, c) for c in sorted(codes))


class _Network:
    """What the ranking reads about every city, loaded once per request and as the viewer sees it."""

    def __init__(self, viewer: User) -> None:
        self.viewer = viewer

    async def load(self, db: AsyncSession) -> _Network:
        self.cities = {c.id: c for c in (await db.scalars(select(City))).all()}
        profiles = {p.city_id: p.data for p in (await db.scalars(select(CityProfile))).all()}
        self.population = {cid: (d.get("population") or {}).get("value") for cid, d in profiles.items()}
        self.languages = {
            cid: set(c.languages or []) | set((profiles.get(cid) or {}).get("languages") or [])
            for cid, c in self.cities.items()
        }
        readable = select(Space.id).where(readable_spaces_clause(self.viewer))
        pairs = (
            await db.execute(select(SpaceCity.space_id, SpaceCity.city_id).where(SpaceCity.space_id.in_(readable)))
        ).all()
        self.spaces: dict[int, set[int]] = {}
        for space_id, city_id in pairs:
            self.spaces.setdefault(city_id, set()).add(space_id)
        practices = select(Resource.city_id, Resource.themes, Resource.details).where(
            Resource.kind == "practice", Resource.hidden_at.is_(None), Resource.space_id.in_(readable)
        )
        self.practice_themes: dict[int, list[str]] = {}
        for city_id, themes, details in (await db.execute(practices)).all():
            if city_id is not None and (details or {}).get("review_status") == "reviewed":
                self.practice_themes.setdefault(city_id, []).extend(themes or [])
        offers = select(Offer.city_id, Resource.themes).join(Resource, Resource.id == Offer.practice_id)
        self.offer_themes: dict[int, list[str]] = {}
        for city_id, themes in (await db.execute(offers.where(visible_clause(Offer, self.viewer)))).all():
            self.offer_themes.setdefault(city_id, []).extend(themes or [])
        needs = select(Need.city_id, Need.theme).where(visible_clause(Need, self.viewer))
        self.need_themes: dict[int, list[str]] = {}
        for city_id, theme in (await db.execute(needs)).all():
            self.need_themes.setdefault(city_id, []).append(theme)
        # Shared self-assessments only: a draft is the city's own business.
        self.strengths: dict[int, dict[str, str]] = {}
        self.gaps: dict[int, dict[str, str]] = {}
        for city_id, (framework, ratings) in (await assessments.shared_latest(db)).items():
            for item_id, item in sorted(frameworks.items(framework).items()):
                rating = (ratings.get(item_id) or {}).get("rating")
                side = {"met": self.strengths, "partly": self.gaps, "not_yet": self.gaps}.get(rating)
                for theme in item.get("themes", []) if side is not None else []:
                    side.setdefault(city_id, {}).setdefault(theme, item["label"]["en"])
        return self

    def common(self, a: int, b: int) -> list[tuple[str, str]]:
        """The reasons that do not depend on a theme: profile, size, partnership."""
        ca, cb = self.cities[a], self.cities[b]
        reasons = []
        if ca.profile != cb.profile:
            reasons.append(
                (
                    "complementary_profile",
                    f"{ca.name} is a {ca.profile} and {cb.name} a {cb.profile} city of immigration",
                )
            )
        pa, pb = self.population.get(a), self.population.get(b)
        if pa and pb and max(pa, pb) <= 2 * min(pa, pb):
            reasons.append(("similar_size", f"similar size ({pa:,} and {pb:,} inhabitants)"))
        if self.spaces.get(a, set()) & self.spaces.get(b, set()):
            reasons.append(("already_partners", f"{ca.name} and {cb.name} already share a space"))
        return reasons


def _ranked(network: _Network, table: dict[str, int], found: dict[int, list[tuple[str, str]]]) -> list[dict]:
    order = list(WEIGHTS)
    ranked = []
    for city_id, reasons in found.items():
        reasons = sorted(reasons, key=lambda r: (-table[r[0]], order.index(r[0])))
        listed = [{"code": code, "text": text, "weight": table[code]} for code, text in reasons if table[code] > 0]
        if listed:
            ranked.append(
                {
                    "city": city_view(network.cities[city_id]),
                    "score": sum(r["weight"] for r in listed),
                    "reasons": listed,
                }
            )
    return sorted(ranked, key=lambda m: (-m["score"], m["city"]["name"], m["city"]["id"]))


async def for_need(db: AsyncSession, viewer: User, need: Need) -> list[dict]:
    network, table = await _Network(viewer).load(db), await weights(db)
    wanted = set(need.languages or []) or network.languages.get(need.city_id, set())
    label = THEMES.get(need.theme, need.theme).lower()
    found = {}
    for city_id, city in network.cities.items():
        if city_id == need.city_id:
            continue
        reasons = network.common(need.city_id, city_id)
        shared = wanted & network.languages.get(city_id, set())
        if shared:
            reasons.append(("shared_language", f"both work in {_languages(shared)}"))
        practices = network.practice_themes.get(city_id, []).count(need.theme)
        if practices:
            reasons.append(("practice_on_theme", f"{city.name} has {practices} reviewed practice record(s) on {label}"))
        if need.theme in network.offer_themes.get(city_id, []):
            reasons.append(("offer_on_theme", f"{city.name} offers a practice on {label}"))
        strength = network.strengths.get(city_id, {}).get(need.theme)
        if strength:
            reasons.append(("assessed_strength", f"{city.name}'s self-assessment meets “{strength}”"))
        found[city_id] = reasons
    return _ranked(network, table, found)


async def for_offer(db: AsyncSession, viewer: User, offer: Offer, practice: Resource) -> list[dict]:
    network, table = await _Network(viewer).load(db), await weights(db)
    offered = set(offer.languages or []) | ({practice.language} if practice.language else set())
    offered = offered or network.languages.get(offer.city_id, set())
    found = {}
    for city_id, city in network.cities.items():
        if city_id == offer.city_id:
            continue
        reasons = network.common(offer.city_id, city_id)
        shared = offered & network.languages.get(city_id, set())
        if shared:
            reasons.append(("shared_language", f"both work in {_languages(shared)}"))
        themes = sorted(set(practice.themes or []) & set(network.need_themes.get(city_id, [])))
        if themes:
            labels = ", ".join(THEMES.get(t, t).lower() for t in themes)
            reasons.append(("need_on_theme", f"{city.name} is looking for help on {labels}"))
        gaps = network.gaps.get(city_id, {})
        gap = next((gaps[t] for t in sorted(practice.themes or []) if t in gaps), None)
        if gap:
            reasons.append(("assessed_gap", f"{city.name}'s self-assessment has a gap on “{gap}”"))
        found[city_id] = reasons
    return _ranked(network, table, found)


async def _sides(db: AsyncSession, need_id: int) -> dict[int, list[str]]:
    rows = (
        await db.execute(select(MatchInterest.city_id, MatchInterest.side).where(MatchInterest.need_id == need_id))
    ).all()
    sides: dict[int, list[str]] = {}
    for city_id, side in sorted(rows):
        sides.setdefault(city_id, []).append(side)
    return sides


async def with_interest(db: AsyncSession, need_id: int, ranked: list[dict]) -> list[dict]:
    sides = await _sides(db, need_id)
    return [{**m, "interest": sides.get(m["city"]["id"], [])} for m in ranked]


async def express_interest(db: AsyncSession, actor: User, need: Need, city_id: int) -> dict:
    """The need's city asks `city_id` for help (side "need"), or an official of `city_id` offers it
    ("helper"). When both sides have spoken, every admin hears of it (match.mutual)."""
    if await db.get(City, city_id) is None:
        raise Invalid("No such city.", code="unknown_city", fields={"city_id": problem("unknown_city")})
    if city_id == need.city_id:
        raise Invalid("A city does not match with itself.", code="same_city", fields={"city_id": problem("own_city")})
    if actor.city_id == need.city_id or (actor.is_admin is False and await can_edit(db, actor, need.city_id)):
        side = "need"
    elif actor.city_id == city_id:
        side = "helper"
    else:
        raise Forbidden("Only officials of one of the two cities can express interest.", code="not_an_official")
    statement = insert(MatchInterest).values(need_id=need.id, city_id=city_id, side=side, user_id=actor.id)
    added = (await db.execute(statement.on_conflict_do_nothing().returning(MatchInterest.side))).first()
    sides = (await _sides(db, need.id)).get(city_id, [])
    mutual = set(sides) == {"need", "helper"}
    if added and mutual:
        admins = (await db.scalars(select(User.id).where(User.is_admin, User.deactivated_at.is_(None)))).all()
        for admin_id in sorted(admins):
            pair = {"need_id": need.id, "city_id": city_id, "need_city_id": need.city_id}
            await changelog.record(db, events.MatchMutual(**pair), user_id=admin_id)
    return {"need_id": need.id, "city_id": city_id, "sides": sides, "mutual": mutual}


async def mutual(db: AsyncSession, actor: User) -> list[dict]:
    """Every need and city where both sides are interested (admins only), newest first."""
    require_admin(actor)
    rows = (await db.execute(select(MatchInterest.need_id, MatchInterest.city_id, MatchInterest.side))).all()
    pairs: dict[tuple[int, int], list[str]] = {}
    for need_id, city_id, side in sorted(rows):
        pairs.setdefault((need_id, city_id), []).append(side)
    found = [(n, c, s) for (n, c), s in pairs.items() if set(s) == {"need", "helper"}]
    return [{"need_id": n, "city_id": c, "sides": s, "mutual": True} for n, c, s in sorted(found, reverse=True)]


async def create_space(db: AsyncSession, actor: User, need: Need, city_id: int) -> dict:
    """One step from a match to a space: the two cities, the need's theme, its text as description."""
    require_admin(actor)
    helper = await db.get(City, city_id)
    if helper is None or city_id == need.city_id:
        raise NotFound("No such match.")
    asking = await db.get(City, need.city_id)
    name = f"{asking.name} – {helper.name}: {THEMES.get(need.theme, need.theme)}"[:160]
    fields = {
        "name": name,
        "description": need.challenge,
        "themes": [need.theme],
        "city_ids": [need.city_id, city_id],
        "visibility": "members",
    }
    return await spaces.create_space(db, actor, fields)
