"""A person's profile: its fields, who sees each of them, and changing one's own.

Each field is shown either to the people who share a space with its owner ("spaces") or to every
signed-in person of the network ("network"); `listing` says whether people who share no space may
find the person at all. Name, handle and city are seen by whoever may see the person. The rule is
here twice: `may_see_field` in Python and `field_visible` / `person_visible` as SQL conditions for
the directory, so a filter never matches on a field the viewer may not read.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.db.models import Membership, User
from server.services.calendar_core import zone
from server.services.views import user_view

FIELDS = ("office", "position", "languages", "expertise", "bio", "time_zone", "photo")
VISIBILITY_KEYS = ("listing", *FIELDS)
AUDIENCES = ("spaces", "network")
# What a field is shown to until its owner says otherwise: work details to the network (the
# directory exists to find them), the personal ones to colleagues of shared spaces.
DEFAULTS = {
    "listing": "network",
    "office": "network",
    "position": "network",
    "languages": "network",
    "expertise": "network",
    "bio": "spaces",
    "time_zone": "spaces",
    "photo": "network",
}
EDITABLE = ("name", "position", "languages", "locale", "city_id", "office", "bio", "time_zone")
EDITABLE += ("expertise_themes", "expertise_tags")


def photo_url(person: User) -> str | None:
    """Where the person's photo is read (its key in the address: a new photo is a new address, so
    browsers may keep one for long)."""
    if not person.photo_key:
        return None
    return f"/api/people/{person.id}/photo?v={person.photo_key[:16]}"


def visibility_of(user: User) -> dict[str, str]:
    stored = user.visibility or {}
    return {key: stored.get(key, DEFAULTS[key]) for key in VISIBILITY_KEYS}


def may_see_field(viewer: User, person: User, shared: bool, key: str, audience: dict | None = None) -> bool:
    """The viewer may read this field of the person (`shared`: they share a space; `audience`: the
    person's visibility_of, when the caller has it already)."""
    if viewer.is_admin or viewer.id == person.id or shared:
        return True
    return (audience or visibility_of(person))[key] == "network"


def shares_space(viewer_id: int, person_id) -> ColumnElement[bool]:
    """Both are active members of one space (SQL; person_id may be a column)."""
    mine, theirs = aliased(Membership), aliased(Membership)
    return exists(
        select(literal(1))
        .select_from(mine)
        .join(theirs, theirs.space_id == mine.space_id)
        .where(
            mine.user_id == viewer_id,
            mine.state == "active",
            theirs.user_id == person_id,
            theirs.state == "active",
        )
    )


def _audience(key: str) -> ColumnElement[str]:
    return func.coalesce(User.visibility[key].astext, DEFAULTS[key])


def field_visible(viewer: User, key: str) -> ColumnElement[bool]:
    """The viewer may read this field of the User row (SQL)."""
    if viewer.is_admin:
        return literal(True)
    return or_(User.id == viewer.id, _audience(key) == "network", shares_space(viewer.id, User.id))


def person_visible(viewer: User) -> ColumnElement[bool]:
    """The viewer may see this person at all (SQL): active, and listed or sharing a space."""
    active = and_(User.deactivated_at.is_(None), User.erased_at.is_(None))
    return and_(active, field_visible(viewer, "listing"))


async def standing(db: AsyncSession, viewer: User, person: User) -> tuple[bool, bool]:
    """(may see the person, shares a space with them)."""
    if person.deactivated_at is not None or person.erased_at is not None:
        return False, False
    shared = bool(await db.scalar(select(shares_space(viewer.id, person.id))))
    seen = viewer.is_admin or viewer.id == person.id or shared or visibility_of(person)["listing"] == "network"
    return seen, shared


def profile_view(viewer: User, person: User, shared: bool) -> dict:
    """The person as this viewer may see them: fields they may not read are null."""
    audience = visibility_of(person)

    def shown(key: str) -> bool:
        return may_see_field(viewer, person, shared, key, audience)

    view = {
        "id": person.id,
        "name": person.name,
        "handle": person.handle,
        "city_id": person.city_id,
        "office": person.office if shown("office") else None,
        "position": person.position if shown("position") else None,
        "languages": list(person.languages or []) if shown("languages") else None,
        "expertise_themes": list(person.expertise_themes or []) if shown("expertise") else None,
        "expertise_tags": list(person.expertise_tags or []) if shown("expertise") else None,
        "bio": person.bio if shown("bio") else None,
        "time_zone": person.time_zone if shown("time_zone") else None,
        "photo_url": photo_url(person) if shown("photo") else None,
    }
    if viewer.id == person.id:
        view["visibility"] = audience
    return view


def own_view(user: User) -> dict:
    """My account and my whole profile, with who sees each field."""
    return {
        **user_view(user),
        "office": user.office,
        "bio": user.bio,
        "time_zone": user.time_zone,
        "expertise_themes": list(user.expertise_themes or []),
        "expertise_tags": list(user.expertise_tags or []),
        "visibility": visibility_of(user),
        "photo_url": photo_url(user),
        "public_name_consent": bool(user.public_name_consent),
    }


def _tags(raw: list[str]) -> list[str]:
    """Free tags, trimmed, lower-cased, each once, in the order given."""
    seen: dict[str, None] = {}
    for tag in raw:
        cleaned = " ".join(tag.split()).lower()
        if cleaned:
            seen.setdefault(cleaned)
    return list(seen)


async def update_own(db: AsyncSession, user: User, changes: dict) -> User:
    """Change one's own profile; `visibility` is merged field by field."""
    if changes.get("time_zone"):
        zone(changes["time_zone"], "time_zone")
    if "expertise_tags" in changes:
        changes = {**changes, "expertise_tags": _tags(changes["expertise_tags"])}
    if "expertise_themes" in changes:
        changes = {**changes, "expertise_themes": list(dict.fromkeys(changes["expertise_themes"]))}
    for key in EDITABLE:
        if key in changes:
            setattr(user, key, changes[key])
    chosen = {k: v for k, v in (changes.get("visibility") or {}).items() if v is not None}
    if chosen:
        user.visibility = {**(user.visibility or {}), **chosen}
    await db.flush()
    return user
