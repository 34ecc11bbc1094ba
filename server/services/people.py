"""Looking people up, for admins managing accounts and moderators adding members.

Admins search the whole directory. A moderator gets what adding someone needs and no more: a query
of a few characters, a handful of matches by name or handle, and an email only when the query is
exactly that email (the invitation case), so the lookup cannot be paged through as a directory.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.db.models import Membership, User
from server.errors import Forbidden, Invalid, problem
from server.services.accounts import normalise_email
from server.services.views import user_brief, user_view

MODERATOR_MIN_QUERY = 3
MODERATOR_MAX_MATCHES = 10


def _like(text: str) -> str:
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def _moderates_somewhere(db: AsyncSession, user: User) -> bool:
    query = select(Membership.space_id).where(
        Membership.user_id == user.id, Membership.role == "moderator", Membership.state == "active"
    )
    return await db.scalar(query.limit(1)) is not None


async def find_people(db: AsyncSession, actor: User, text: str, limit: int) -> list[dict]:
    """Active accounts matching `text`: full views for admins, brief ones for moderators."""
    if actor.is_admin:
        pattern = _like(text)
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
    pattern = _like(text)
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
