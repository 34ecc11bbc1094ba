"""Who may see and do what in a space.

A space a user may not read does not exist for them: every lookup here answers
NotFound, never Forbidden, so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ColumnElement, bindparam, false, or_, select, true
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncSession

from server.db import driver
from server.db.models import Membership, Space, User
from server.errors import Forbidden, NotFound


@dataclass(frozen=True)
class SpaceAccess:
    space: Space
    membership: Membership | None
    user: User

    @property
    def is_member(self) -> bool:
        return self.membership is not None and self.membership.state == "active"

    @property
    def is_moderator(self) -> bool:
        return self.user.is_admin or (self.is_member and self.membership.role == "moderator")

    @property
    def can_post(self) -> bool:
        return self.user.is_admin or self.is_member

    def require_post(self) -> None:
        if not self.can_post:
            raise Forbidden("Only members of this space can do this.", code="not_a_member")

    def require_moderator(self) -> None:
        if not self.is_moderator:
            raise Forbidden("Only moderators of this space can do this.", code="not_a_moderator")


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise Forbidden("Only platform admins can do this.", code="not_an_admin")


def can_read(user: User, space: Space, membership: Membership | None) -> bool:
    if user.is_admin:
        return True
    if membership is not None and membership.state == "suspended":
        return False
    if space.visibility == "network":
        return True
    return membership is not None and membership.state == "active"


async def space_access(
    db: AsyncSession, user: User, space_id: int, *, for_update: bool = False, missing: str = "No such space."
) -> SpaceAccess:
    """The space and the user's standing in it, or NotFound if they may not read it.

    Things inside a space pass `missing` ("No such flag.") so that an unreadable space's
    flag is answered exactly like a flag that does not exist."""
    query = (
        select(Space, Membership)
        .outerjoin(Membership, (Membership.space_id == Space.id) & (Membership.user_id == user.id))
        .where(Space.id == space_id)
    )
    if for_update:
        query = query.with_for_update(of=Space, key_share=True)
    row = (await db.execute(query)).first()
    if row is None or not can_read(user, row.Space, row.Membership):
        raise NotFound(missing)
    return SpaceAccess(row.Space, row.Membership, user)


def readable_spaces_clause(user: User) -> ColumnElement[bool]:
    """A SQL condition on Space that holds for exactly the spaces the user may read."""
    if user.is_admin:
        return true()
    return _readable_by(user.id) if user.id is not None else false()


def _readable_by(user_id) -> ColumnElement[bool]:
    active = select(Membership.space_id).where(Membership.user_id == user_id, Membership.state == "active")
    suspended = select(Membership.space_id).where(Membership.user_id == user_id, Membership.state == "suspended")
    return or_(Space.id.in_(active), (Space.visibility == "network") & Space.id.not_in(suspended))


# Built once and compiled once (search asks on every query): building the select per call cost two
# thirds of running it, and SQLAlchemy's execution path as much again; the rule stays _readable_by's.
_READABLE_IDS = select(Space.id).where(_readable_by(bindparam("user_id"))).compile(dialect=asyncpg_dialect())
_READABLE_IDS_VALUES = _READABLE_IDS.params  # the rule's constants ('active', 'network', ...), by name


# can_read for many (user, space) pairs in one round trip, as raw SQL for asyncpg: realtime checks a
# socket's right with its own pool at every subscribe and after every event that may take it away,
# and sockets asking at the same moment share one query (realtime/hub.py).
_STANDINGS = """
SELECT c.user_id, c.space_id, u.is_admin, u.deactivated_at IS NOT NULL AS deactivated, s.visibility, m.state
FROM unnest($1::int[], $2::int[]) AS c(user_id, space_id)
JOIN users u ON u.id = c.user_id
LEFT JOIN spaces s ON s.id = c.space_id
LEFT JOIN memberships m ON m.space_id = c.space_id AND m.user_id = c.user_id
"""


async def read_standings(pool: Any, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], Mapping]:
    """What can_read needs to know about each (user id, space id), from an asyncpg pool or connection."""
    rows = await pool.fetch(_STANDINGS, [u for u, _ in pairs], [s for _, s in pairs])
    return {(row["user_id"], row["space_id"]): row for row in rows}


def standing_allows(row: Mapping | None) -> tuple[bool, bool]:
    """can_read on one row of read_standings: (may read, by membership or as admin)."""
    if row is None or row["deactivated"] or row["visibility"] is None:
        return False, False
    user = SimpleNamespace(is_admin=row["is_admin"])
    membership = SimpleNamespace(state=row["state"]) if row["state"] is not None else None
    readable = can_read(user, SimpleNamespace(visibility=row["visibility"]), membership)
    return readable, readable and (row["is_admin"] or row["state"] == "active")


async def readable_space_ids_or_all(db: AsyncSession, user: User) -> list[int] | None:
    """The ids of the spaces the user may read, or None for every space (admins: the first rule
    of `can_read`), which lets a search skip the filter instead of listing every space."""
    if user.is_admin:
        return None
    if user.id is None:
        return []
    connection = await driver.connection(db)
    arguments = [user.id if name == "user_id" else _READABLE_IDS_VALUES[name] for name in _READABLE_IDS.positiontup]
    return [row[0] for row in await connection.fetch(_READABLE_IDS.string, *arguments)]
