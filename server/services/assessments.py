"""City self-assessments against a framework (server/services/frameworks.py), and peer reviews.

Who fills it: the city's editors (and admins), one assessment per year, each item rated met,
partly, not yet or not applicable, with evidence (practice records and documents, threads,
links) and a note. A draft is visible to the city's officials and admins only; once shared,
everyone signed in sees it, officials of partner cities (cities sharing a space with it) may
review it item by item, and it feeds the matching (server/services/matching.py): an item met is
a strength on its themes, an item not yet or partly met a gap."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server import events
from server.db.models import AssessmentReview, City, CityAssessment, Resource, Space, SpaceCity, Thread, User
from server.errors import Forbidden, Invalid, NotFound, problem
from server.services import audit, changelog, frameworks
from server.services.access import readable_spaces_clause
from server.services.cities import get_city
from server.services.city_profiles import can_edit, require_editor
from server.services.views import city_view, iso, user_brief

RATINGS = ("met", "partly", "not_yet", "not_applicable")


def may_see_draft(viewer: User, city_id: int) -> bool:
    return viewer.is_admin or viewer.city_id == city_id


async def are_partners(db: AsyncSession, a: int | None, b: int) -> bool:
    """Two different cities that share at least one space."""
    if a is None or a == b:
        return False
    mine = select(SpaceCity.space_id).where(SpaceCity.city_id == a)
    return bool(await db.scalar(select(SpaceCity.space_id).where(SpaceCity.city_id == b, SpaceCity.space_id.in_(mine))))


async def _visible(db: AsyncSession, viewer: User, city_id: int, year: int) -> CityAssessment:
    await get_city(db, city_id)
    found = await db.get(CityAssessment, (city_id, year))
    if found is None or not (found.shared or may_see_draft(viewer, city_id)):
        raise NotFound("No self-assessment of this city for this year.")
    return found


async def _readable_evidence(db: AsyncSession, viewer: User, ratings: dict) -> tuple[dict, dict]:
    """The titles of the practice records, documents and threads cited that the viewer may read."""
    wanted = [e for r in ratings.values() for e in r.get("evidence", [])]
    readable = select(Space.id).where(readable_spaces_clause(viewer))
    resource_ids = {e["resource_id"] for e in wanted if e.get("resource_id")}
    thread_ids = {e["thread_id"] for e in wanted if e.get("thread_id")}
    resources = await db.execute(
        select(Resource.id, Resource.title).where(
            Resource.id.in_(resource_ids), Resource.hidden_at.is_(None), Resource.space_id.in_(readable)
        )
    )
    threads = await db.execute(
        select(Thread.id, Thread.title).where(Thread.id.in_(thread_ids), Thread.space_id.in_(readable))
    )
    return dict(resources.all()), dict(threads.all())


async def _view_ratings(db: AsyncSession, viewer: User, ratings: dict) -> dict:
    """The ratings with the evidence the viewer may follow: a cited record in a space they cannot
    read is left out, title and all."""
    resources, threads = await _readable_evidence(db, viewer, ratings)
    shown = {}
    for item_id, rating in ratings.items():
        evidence = []
        for e in rating.get("evidence", []):
            if e.get("url"):
                evidence.append({"url": e["url"], "title": e["url"]})
            elif e.get("resource_id") in resources:
                evidence.append({"resource_id": e["resource_id"], "title": resources[e["resource_id"]]})
            elif e.get("thread_id") in threads:
                evidence.append({"thread_id": e["thread_id"], "title": threads[e["thread_id"]]})
        shown[item_id] = {"rating": rating["rating"], "note": rating.get("note", ""), "evidence": evidence}
    return shown


async def view(db: AsyncSession, viewer: User, found: CityAssessment) -> dict:
    framework = await frameworks.get_framework(db, found.framework_id, found.framework_version)
    reviews = (
        await db.execute(
            select(AssessmentReview, User, City)
            .outerjoin(User, User.id == AssessmentReview.reviewer_id)
            .outerjoin(City, City.id == AssessmentReview.reviewer_city_id)
            .where(AssessmentReview.city_id == found.city_id, AssessmentReview.year == found.year)
            .order_by(AssessmentReview.id)
        )
    ).all()
    counts = {r: 0 for r in RATINGS}
    for rating in found.ratings.values():
        counts[rating["rating"]] += 1
    return {
        "city_id": found.city_id,
        "year": found.year,
        "framework": framework,
        "ratings": await _view_ratings(db, viewer, found.ratings),
        "summary": counts,
        "shared": found.shared,
        "shared_at": iso(found.shared_at),
        "updated_at": iso(found.updated_at),
        "reviews": [
            {
                "id": r.AssessmentReview.id,
                "reviewer": user_brief(r.User),
                "reviewer_city": city_view(r.City) if r.City else None,
                "comments": r.AssessmentReview.comments,
                "created_at": iso(r.AssessmentReview.created_at),
            }
            for r in reviews
        ],
        "can_edit": await can_edit(db, viewer, found.city_id),
        "can_review": found.shared and await are_partners(db, viewer.city_id, found.city_id),
    }


async def get_assessment(db: AsyncSession, viewer: User, city_id: int, year: int) -> dict:
    return await view(db, viewer, await _visible(db, viewer, city_id, year))


async def list_years(db: AsyncSession, viewer: User, city_id: int) -> list[dict]:
    await get_city(db, city_id)
    query = select(CityAssessment).where(CityAssessment.city_id == city_id)
    if not may_see_draft(viewer, city_id):
        query = query.where(CityAssessment.shared)
    found = (await db.scalars(query.order_by(CityAssessment.year.desc()))).all()
    return [{"year": a.year, "shared": a.shared, "framework_id": a.framework_id} for a in found]


def _unknown_items(framework: dict, item_ids, field: str) -> None:
    unknown = sorted(set(item_ids) - set(frameworks.items(framework)))
    if unknown:
        raise Invalid(
            "Some items are not in the framework.",
            code="unknown_item",
            fields={field: problem("unknown_ids", ids=", ".join(unknown))},
        )


async def _check_evidence(db: AsyncSession, actor: User, ratings: dict) -> None:
    resources, threads = await _readable_evidence(db, actor, ratings)
    cited = [e for r in ratings.values() for e in r["evidence"]]
    missing = [
        str(e.get("resource_id") or e.get("thread_id"))
        for e in cited
        if (e.get("resource_id") and e["resource_id"] not in resources)
        or (e.get("thread_id") and e["thread_id"] not in threads)
    ]
    if missing:
        raise Invalid(
            "Some evidence cannot be found.",
            code="unknown_evidence",
            fields={"ratings": problem("unknown_ids", ids=", ".join(sorted(set(missing))))},
        )


async def _paired(db: AsyncSession, city_id: int) -> list[int]:
    """The spaces that hear about a city's shared assessment: every space pairing the city."""
    return sorted((await db.scalars(select(SpaceCity.space_id).where(SpaceCity.city_id == city_id))).all())


async def save(db: AsyncSession, actor: User, city_id: int, year: int, body: dict) -> dict:
    """Create or replace the assessment of a year (admins and the city's editors)."""
    await get_city(db, city_id)
    await require_editor(db, actor, city_id)
    if not 1800 <= year <= 2200:
        raise Invalid(
            "Give a year between 1800 and 2200.", code="year_out_of_range", fields={"year": problem("invalid")}
        )
    try:
        framework = await frameworks.get_framework(db, body["framework_id"], body["framework_version"])
    except NotFound:
        raise Invalid(
            "No such framework.", code="unknown_framework", fields={"framework_id": problem("not_found")}
        ) from None
    ratings = {k: {**v, "evidence": v.get("evidence") or []} for k, v in body["ratings"].items()}
    _unknown_items(framework, ratings, "ratings")
    await _check_evidence(db, actor, ratings)
    found = await db.get(CityAssessment, (city_id, year), with_for_update={"key_share": True})
    was_shared = bool(found and found.shared)
    if found is None:
        found = CityAssessment(city_id=city_id, year=year)
        db.add(found)
    found.framework_id, found.framework_version = framework["id"], framework["version"]
    found.ratings, found.shared = ratings, body["shared"]
    found.shared_at = (found.shared_at or datetime.now(UTC)) if body["shared"] else None
    found.updated_by, found.updated_at = actor.id, datetime.now(UTC)
    await db.flush()
    details = {"year": year, "shared": found.shared, "items": len(ratings)}
    await audit.record(
        db, actor, "city.assessment", space_id=None, target_kind="city", target_id=city_id, details=details
    )
    if found.shared or was_shared:
        for space_id in await _paired(db, city_id):
            await changelog.record(
                db, events.AssessmentShared(city_id=city_id, year=year, shared=found.shared), space_id=space_id
            )
    return await view(db, actor, found)


async def review(db: AsyncSession, actor: User, city_id: int, year: int, comments: dict[str, str]) -> dict:
    """A peer's comments on a shared assessment: only officials of a partner city."""
    found = await _visible(db, actor, city_id, year)
    if not found.shared or not await are_partners(db, actor.city_id, city_id):
        raise Forbidden("Only officials of a partner city can review a shared self-assessment.", code="not_a_partner")
    framework = await frameworks.get_framework(db, found.framework_id, found.framework_version)
    _unknown_items(framework, comments, "comments")
    added = AssessmentReview(
        city_id=city_id, year=year, reviewer_id=actor.id, reviewer_city_id=actor.city_id, comments=comments
    )
    db.add(added)
    await db.flush()
    for space_id in await _paired(db, city_id):
        await changelog.record(
            db, events.AssessmentReviewed(city_id=city_id, year=year, review_id=added.id), space_id=space_id
        )
    return await view(db, actor, found)


async def shared_latest(db: AsyncSession) -> dict[int, tuple[dict, dict]]:
    """For each city, its latest shared assessment's framework and ratings (for the matching)."""
    found = (await db.scalars(select(CityAssessment).where(CityAssessment.shared).order_by(CityAssessment.year))).all()
    latest = {a.city_id: a for a in found}
    result = {}
    for city_id, a in latest.items():
        result[city_id] = (await frameworks.get_framework(db, a.framework_id, a.framework_version), a.ratings)
    return result
