"""Looking people up: the directory every signed-in person browses (trimmed to whom and what they may
see, server/services/profiles.py), a person's page, and the account lookup of admins and moderators.

Admins search the whole directory. A moderator gets what adding someone needs and no more: a query
of a few characters, a handful of matches by name or handle, and an email only when the query is
exactly that email (the invitation case), so the lookup cannot be paged through as a directory.
"""

from __future__ import annotations

from sqlalchemy import and_, any_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.db.like import contains
from server.db.models import Block, City, Membership, Space, User
from server.errors import Forbidden, Invalid, NotFound, problem
from server.services import person_activity
from server.services.accounts import normalise_email
from server.services.profiles import field_visible, person_visible, profile_view, shares_space, standing
from server.services.views import user_brief, user_view

MODERATOR_MIN_QUERY = 3
MODERATOR_MAX_MATCHES = 10


async def _moderates_somewhere(db: AsyncSession, user: User) -> bool:
    query = select(Membership.space_id).where(
        Membership.user_id == user.id, Membership.role == "moderator", Membership.state == "active"
    )
    return await db.scalar(query.limit(1)) is not None


async def find_people(db: AsyncSession, actor: User, text: str, limit: int) -> list[dict]:
    """Active accounts matching `text`: full views for admins, brief ones for moderators."""
    if actor.is_admin:
        pattern = contains(text)
        query = (
            select(User)
            .where(
                User.deactivated_at.is_(None),
                func.lower(User.name).like(pattern) | User.handle.like(pattern) | User.email.like(pattern),
            )
            .order_by(User.name, User.id)
            .limit(limit)
        )
        return [user_view(u) for u in (await db.scalars(query)).all()]
    if not await _moderates_somewhere(db, actor):
        raise Forbidden("Only admins and moderators can look people up.", code="not_a_moderator")
    if len(text) < MODERATOR_MIN_QUERY:
        raise Invalid(
            f"Type at least {MODERATOR_MIN_QUERY} characters.",
            code="query_too_short",
            fields={"q": problem("too_short", min=MODERATOR_MIN_QUERY)},
        )
    email = normalise_email(text)
    pattern = contains(text)
    exact = User.email == email
    query = (
        select(User, exact.label("exact"))
        .where(User.deactivated_at.is_(None), exact | func.lower(User.name).like(pattern) | User.handle.like(pattern))
        .order_by(exact.desc(), User.name, User.id)
        .limit(min(limit, MODERATOR_MAX_MATCHES))
    )
    return [
        {**user_brief(u), "email": u.email if is_exact else None} for u, is_exact in (await db.execute(query)).all()
    ]


async def directory(db: AsyncSession, viewer: User, filters: dict, limit: int, offset: int) -> tuple[list[dict], int]:
    """The people the viewer may see, by name; a filter only matches a field the viewer may read.
    Returns (page, total matched)."""
    query = select(User, shares_space(viewer.id, User.id).label("shared")).outerjoin(City, City.id == User.city_id)
    conditions = [person_visible(viewer)]
    if filters.get("city") is not None:
        conditions.append(User.city_id == filters["city"])
    if filters.get("profile"):
        conditions.append(City.profile == filters["profile"])
    if filters.get("theme"):
        theme = literal(filters["theme"]) == any_(User.expertise_themes)
        conditions.append(and_(field_visible(viewer, "expertise"), theme))
    if filters.get("language"):
        language = literal(filters["language"]) == any_(User.languages)
        conditions.append(and_(field_visible(viewer, "languages"), language))
    if filters.get("q"):
        pattern = contains(filters["q"])
        conditions.append(
            or_(
                func.lower(User.name).like(pattern),
                User.handle.like(pattern),
                and_(field_visible(viewer, "office"), func.lower(User.office).like(pattern)),
                and_(
                    field_visible(viewer, "expertise"),
                    func.lower(func.array_to_string(User.expertise_tags, " ")).like(pattern),
                ),
            )
        )
    query = query.where(*conditions)
    total = await db.scalar(select(func.count()).select_from(query.subquery()))
    rows = (await db.execute(query.order_by(User.name, User.id).offset(offset).limit(limit))).all()
    return [profile_view(viewer, person, shared) for person, shared in rows], total or 0


async def person(db: AsyncSession, viewer: User, person_id: int) -> dict:
    """One person's page as the viewer may see it, with their spaces in common; NotFound if the
    viewer may not see them."""
    found = await db.get(User, person_id)
    if found is None:
        raise NotFound("No such person.")
    seen, shared = await standing(db, viewer, found)
    if not seen:
        raise NotFound("No such person.")
    mine, theirs = aliased(Membership), aliased(Membership)
    spaces = await db.execute(
        select(Space.id, Space.name)
        .join(mine, (mine.space_id == Space.id) & (mine.user_id == viewer.id) & (mine.state == "active"))
        .join(theirs, (theirs.space_id == Space.id) & (theirs.user_id == found.id) & (theirs.state == "active"))
        .order_by(Space.name, Space.id)
    )
    blocked = await db.get(Block, (viewer.id, found.id)) is not None
    return {
        **profile_view(viewer, found, shared),
        "spaces_in_common": [{"id": i, "name": n} for i, n in spaces.all()],
        "blocked": blocked,
        "practices": await person_activity.practices(db, viewer, found.id),
        "recent_posts": await person_activity.recent_posts(db, viewer, found.id),
    }
